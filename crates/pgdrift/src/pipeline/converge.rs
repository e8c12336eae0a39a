//! Converging a database on a catalog: plan from what it holds to what it should hold
//! (`plan`), run every step on it (`Target::apply`), read it back and compare the result
//! with the catalog (`Target::differences`). These are the pieces `verify` and `rebuild`
//! chain too; `describe` is how every flow writes what is left, one line per change.

use crate::diff::{diff, Diff, DiffOptions};
use crate::model::Catalog;
use crate::pg::apply::{apply_plan, ApplyError};
use crate::pg::{ConnInfo, Connection};
use crate::plan::{Plan, PlanOptions};
use crate::source::{inspect, InspectError, InspectOptions};

/// What every catalog read back leaves out before it is compared.
pub type LeaveOut<'a> = &'a (dyn Fn(&mut Catalog) + Sync);

/// A database the flows run plans on: how to reach it, read it back and compare it.
#[derive(Clone, Copy)]
pub struct Target<'a> {
    /// A connection to it, for running plans.
    pub conn: &'a Connection,
    /// Its connection string, for reading it back.
    pub info: &'a ConnInfo,
    pub inspect: &'a InspectOptions,
    pub diff_options: &'a DiffOptions,
    /// Objects left out of every comparison (filtered out, owned by a tool); none: nothing.
    pub leave_out: Option<LeaveOut<'a>>,
}

impl std::fmt::Debug for Target<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("database", &self.conn.target)
            .field("inspect", self.inspect)
            .field("diff_options", self.diff_options)
            .field("leave_out", &self.leave_out.is_some())
            .finish()
    }
}

/// What running a plan did: how many steps ran, and what still differs from the catalog
/// it was meant to reach.
#[derive(Debug, Clone)]
pub struct Converged {
    /// Steps run (all of them, destructive ones included).
    pub steps_run: usize,
    /// Differences left, one line each (see [`describe`]); empty when the plan converges.
    pub remaining: Vec<String>,
}

/// A plan made from one catalog to another, and what running it did.
#[derive(Debug)]
pub struct Convergence {
    pub plan: Plan,
    pub outcome: Result<Converged, ConvergeError>,
}

/// Why a plan could not be run, or its result not read back.
#[derive(Debug, thiserror::Error)]
pub enum ConvergeError {
    #[error(transparent)]
    Apply(#[from] ApplyError),
    #[error(transparent)]
    Read(#[from] InspectError),
}

/// The plan from `from` to `to`.
pub fn plan(
    from: &Catalog,
    to: &Catalog,
    diff_options: &DiffOptions,
    options: &PlanOptions,
) -> Plan {
    crate::plan::plan(&diff(from, to, diff_options), options)
}

impl<'a> Target<'a> {
    /// The database `conn` and `info` reach, compared as a whole.
    pub fn new(
        conn: &'a Connection,
        info: &'a ConnInfo,
        inspect: &'a InspectOptions,
        diff_options: &'a DiffOptions,
    ) -> Target<'a> {
        Target {
            conn,
            info,
            inspect,
            diff_options,
            leave_out: None,
        }
    }

    /// Reads the database's catalog, without what comparisons leave out.
    pub async fn read(&self) -> Result<Catalog, InspectError> {
        let mut catalog = inspect(self.info, self.inspect).await?.snapshot.catalog;
        if let Some(leave_out) = self.leave_out {
            leave_out(&mut catalog);
        }
        Ok(catalog)
    }

    /// What differs between the database now and `expected`, one line per change.
    pub async fn differences(&self, expected: &Catalog) -> Result<Vec<String>, InspectError> {
        let now = self.read().await?;
        Ok(describe(&diff(&now, expected, self.diff_options)))
    }

    /// Runs every step of `plan`, destructive ones included; returns how many ran.
    pub async fn apply(&self, plan: &Plan) -> Result<usize, ApplyError> {
        apply_plan(&self.conn.client, plan, true).await
    }

    /// Runs `plan`, then compares the database with `to`.
    pub async fn run(&self, plan: &Plan, to: &Catalog) -> Result<Converged, ConvergeError> {
        let steps_run = self.apply(plan).await?;
        let remaining = self.differences(to).await?;
        Ok(Converged {
            steps_run,
            remaining,
        })
    }

    /// Plans from `from` (what the database holds) to `to`, runs the plan and compares.
    pub async fn converge(
        &self,
        from: &Catalog,
        to: &Catalog,
        options: &PlanOptions,
    ) -> Convergence {
        let plan = plan(from, to, self.diff_options, options);
        let outcome = self.run(&plan, to).await;
        Convergence { plan, outcome }
    }
}

/// One line per change: `alter column app.t.c (type: "integer" -> "bigint")`.
pub fn describe(d: &Diff<'_>) -> Vec<String> {
    d.changes
        .iter()
        .map(|c| {
            let mut line = format!("{} {} {}", c.op.as_str(), c.kind.info().singular, c.name);
            if !c.fields.is_empty() {
                let fields: Vec<String> = c
                    .fields
                    .iter()
                    .map(|f| {
                        let v = |x: &Option<serde_json::Value>| {
                            x.as_ref().map_or("-".to_string(), |v| v.to_string())
                        };
                        format!("{}: {} -> {}", f.field, v(&f.from), v(&f.to))
                    })
                    .collect();
                line.push_str(&format!(" ({})", fields.join("; ")));
            }
            line
        })
        .collect()
}
