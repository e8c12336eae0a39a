//! Verifying a plan before anyone runs it: build the `from` schema in a shadow database
//! (replaying its SQL, or rebuilding a live database's or snapshot's catalog), run the
//! whole plan there, read the result back and compare it with `to`; then, when there is
//! one, run the rollback on the same copy and compare the result with `from`. Whatever
//! still differs is reported; a plan that fails to run is reported with the failing step
//! and the server's own detail.

use super::owned::ToolOwned;
use crate::diff::{diff, DiffOptions, Filter};
use crate::model::Catalog;
use crate::pg::apply::{apply_plan, ApplyError};
use crate::pg::connect;
use crate::pg::shadow::ShadowError;
use crate::plan::Plan;
use crate::source::load::create_roles;
use crate::source::{inspect, InspectOptions, LoadError, Loaded, Loader};

/// Why a plan could not be verified, or how it failed.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("verification could not build the source schema: {0}")]
    Load(#[from] LoadError),
    #[error("verification: {0}")]
    Shadow(#[from] ShadowError),
    #[error("verification: the plan fails on a copy of the source schema: {0}")]
    Apply(#[from] ApplyError),
    #[error("verification: the rollback fails on a copy of the source schema after the plan: {0}")]
    Rollback(ApplyError),
    #[error("verification: the copy of the source schema differs from the source itself, so the check would prove nothing:\n{0}")]
    Copy(String),
}

/// What verification found.
#[derive(Debug, Clone)]
pub struct Verification {
    /// Steps run (all of them, destructive ones included: the copy is thrown away).
    pub steps_run: usize,
    /// Differences left between the result and `to`, one line each; empty when the plan
    /// converges.
    pub remaining: Vec<String>,
    /// With a rollback: the differences left between the copy after plan and rollback,
    /// and `from`.
    pub rollback_remaining: Option<Vec<String>>,
}

/// What a verification compares, and how.
#[derive(Debug, Clone, Copy)]
pub struct VerifyInput<'a> {
    /// The loaded `from` source (its SQL or its catalog is what the copy is built from).
    pub from: &'a Loaded,
    /// The `from` and `to` catalogs the plan was made from (filtered as the diff was).
    pub from_catalog: &'a Catalog,
    pub to: &'a Catalog,
    pub plan: &'a Plan,
    /// The plan back from `to` to `from`, run after `plan` when given.
    pub rollback: Option<&'a Plan>,
    pub options: &'a InspectOptions,
    pub diff_options: &'a DiffOptions,
    /// Objects left out of the comparison.
    pub filter: &'a Filter,
    /// Migration tools' tracking tables: never planned, so never compared here.
    pub owned: &'a ToolOwned,
}

/// Runs the plan on a shadow copy of `from` and compares the result with `to`.
pub async fn verify(
    loader: &mut Loader,
    input: VerifyInput<'_>,
) -> Result<Verification, VerifyError> {
    let VerifyInput {
        from,
        from_catalog,
        to,
        plan,
        rollback,
        options,
        diff_options,
        filter,
        owned,
    } = input;
    let leave_out = |catalog: &mut Catalog| {
        filter.apply(catalog);
        owned.remove_from(catalog);
    };
    let (mut from_catalog, mut to) = (from_catalog.clone(), to.clone());
    owned.remove_from(&mut from_catalog);
    owned.remove_from(&mut to);
    let db = loader.materialize(from).await?;
    let private = loader.shadow_is_private();
    let result = async {
        let conn = connect(db.conninfo()).await.map_err(ShadowError::from)?;
        let mut copy = inspect(db.conninfo(), options)
            .await
            .map_err(LoadError::from)?
            .snapshot
            .catalog;
        leave_out(&mut copy);
        let off = describe(&diff(&copy, &from_catalog, diff_options));
        if !off.is_empty() {
            return Err(VerifyError::Copy(off.join("\n")));
        }
        if private {
            create_roles(&conn.client, &[&to]).await?;
        }
        let steps_run = apply_plan(&conn.client, plan, true).await?;
        let read = || async {
            let mut catalog = inspect(db.conninfo(), options)
                .await
                .map_err(LoadError::from)?
                .snapshot
                .catalog;
            leave_out(&mut catalog);
            Ok::<_, VerifyError>(catalog)
        };
        let after = read().await?;
        let remaining = describe(&diff(&after, &to, diff_options));
        let mut rollback_remaining = None;
        if let (Some(back), true) = (rollback, remaining.is_empty()) {
            apply_plan(&conn.client, back, true)
                .await
                .map_err(VerifyError::Rollback)?;
            let again = read().await?;
            rollback_remaining = Some(describe(&diff(&again, &from_catalog, diff_options)));
        }
        Ok(Verification {
            steps_run,
            remaining,
            rollback_remaining,
        })
    }
    .await;
    db.drop_now().await;
    result
}

/// One line per change: `alter column app.t.c (type: "integer" -> "bigint")`.
pub fn describe(d: &crate::diff::Diff<'_>) -> Vec<String> {
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
