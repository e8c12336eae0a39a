//! Diff -> Plan: the ordered SQL steps that turn the `from` schema into the `to` schema,
//! each with the change it came from, whether it runs inside the transaction, and its
//! hazards.
//!
//! The planner decides, per change, the safest form PostgreSQL offers (`ADD VALUE ...
//! AFTER` for new enum labels, `NOT VALID` then `VALIDATE` for constraints on existing
//! tables, `CONCURRENTLY` with `--online`, `USING` casts), which objects around a change
//! must be dropped and recreated (views on a retyped column, triggers on a recreated
//! function, ...), and hands everything to `order` to run in dependency order. SQL text
//! comes from `ddl`, which builds it with `sql/` only. A change that cannot be expressed
//! safely becomes a manual step with an explanation; nothing is dropped silently.

pub mod binding;
mod binding_parse;
pub(crate) mod ddl;
mod graph;
pub mod guard;
pub mod hazard;
mod kinds;
mod order;
mod planner;
pub mod refs;
pub mod renames;
mod roles;

pub use hazard::{Hazard, HazardInfo, HazardKind, HAZARDS};

use crate::diff::{Diff, Op};
use crate::model::{Kind, QualName};
use serde::Serialize;
use std::collections::HashMap;
use std::time::Duration;

/// How to plan.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// Build indexes with `CONCURRENTLY` and validate constraints after the commit, so that
    /// writes are not blocked for long.
    pub online: bool,
    /// `lock_timeout` for the script: how long a step may wait for a lock.
    pub lock_timeout: Duration,
    /// `statement_timeout` for the script (zero: no limit).
    pub statement_timeout: Duration,
    /// `server_version_num` of the server the plan will run on (0: the newest syntax).
    pub server_version_num: u32,
    /// Estimated rows per table of the `from` database, when it is a live one.
    pub table_rows: HashMap<QualName, f64>,
    /// From how many rows a table counts as big for the lock hazard.
    pub big_table_rows: f64,
    /// Copy what destructive steps delete into backup tables first.
    pub backup: Option<Backup>,
    /// For a rollback: put back what the forward plan's backups hold.
    pub restore: Option<Backup>,
}

/// Where destructive steps keep a copy of what they delete: tables named after what they
/// hold and a tag (the plan's time), in one schema that pgdrift never reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub schema: String,
    pub tag: String,
}

/// The schema backups go to.
pub const BACKUP_SCHEMA: &str = "pgdrift_backup";

impl Backup {
    pub fn new(tag: impl Into<String>) -> Self {
        Backup {
            schema: BACKUP_SCHEMA.to_string(),
            tag: tag.into(),
        }
    }
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            online: false,
            lock_timeout: Duration::from_secs(5),
            statement_timeout: Duration::ZERO,
            server_version_num: 0,
            table_rows: HashMap::new(),
            big_table_rows: 100_000.0,
            backup: None,
            restore: None,
        }
    }
}

/// One statement of a plan.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// The statement, without a trailing semicolon.
    pub sql: String,
    /// False for statements that must run outside a transaction block.
    pub transactional: bool,
    /// The object the step is about, and what it does to it.
    pub kind: Kind,
    pub op: Op,
    pub object: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hazards: Vec<Hazard>,
    /// Part of a change that deletes data: runs only with `--allow-destructive`.
    pub destructive: bool,
    /// Why a step without a data-deleting hazard of its own is destructive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part_of: Option<String>,
    /// The backup table this step writes (a copy of data a later step deletes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup: Option<String>,
    /// What the step does, for a step that is not a change to its object (a check).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// How an idempotent script tells that the step is already done.
    #[serde(skip)]
    pub guard: Option<guard::Guard>,
}

impl Step {
    /// With `reason`, marks the step as part of recreating `name` for something it depends
    /// on (hazard PD110).
    pub fn recreated_because(self, name: &str, reason: Option<&str>) -> Step {
        match reason {
            Some(r) => self.hazard(
                HazardKind::RecreatesDependents,
                format!("{name} is recreated because {r}"),
            ),
            None => self,
        }
    }

    pub fn new(sql: impl Into<String>, kind: Kind, op: Op, object: impl Into<String>) -> Self {
        Step {
            sql: sql.into(),
            transactional: true,
            kind,
            op,
            object: object.into(),
            hazards: Vec::new(),
            destructive: false,
            part_of: None,
            backup: None,
            label: None,
            guard: None,
        }
    }

    /// Sets how an idempotent script tells that the step is already done.
    pub fn guarded(mut self, guard: guard::Guard) -> Self {
        self.guard = Some(guard);
        self
    }

    /// Adds a hazard (a destructive one makes the step destructive).
    pub fn hazard(mut self, kind: HazardKind, detail: impl Into<String>) -> Self {
        let h = Hazard::new(kind, detail);
        self.destructive |= h.is_destructive();
        self.hazards.push(h);
        self
    }

    /// Marks the step as part of a destructive change, saying which.
    pub fn part_of(mut self, change: impl Into<String>) -> Self {
        self.destructive = true;
        self.part_of = Some(change.into());
        self
    }
}

/// A change the plan cannot make by itself.
#[derive(Debug, Clone, Serialize)]
pub struct ManualStep {
    pub kind: Kind,
    pub object: String,
    /// What cannot be done, why, and what to do instead.
    pub reason: String,
}

/// The whole plan.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Session settings to run first (`SET lock_timeout = ...`).
    pub settings: Vec<String>,
    pub steps: Vec<Step>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub manual: Vec<ManualStep>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty() && self.manual.is_empty()
    }

    /// True when some step deletes data.
    pub fn is_destructive(&self) -> bool {
        self.steps.iter().any(|s| s.destructive)
    }

    /// For a rollback whose forward plan deletes data without backups (`--no-backup`): a
    /// manual step that says the data does not come back, so the rollback does not look
    /// complete.
    pub fn restores_nothing(&mut self) {
        self.manual.push(ManualStep {
            kind: Kind::Schema,
            object: BACKUP_SCHEMA.to_string(),
            reason: "the plan was made with --no-backup: what its destructive steps delete is \
                     not copied anywhere, so this rollback creates dropped tables, columns and \
                     sequences again empty; restore their data from a backup of your own"
                .to_string(),
        });
    }

    /// The plan with `renames` (the steps of [`renames::apply`]) run first.
    pub fn with_renames(mut self, renames: Vec<Step>) -> Plan {
        self.steps.splice(0..0, renames);
        self
    }

    /// The steps that run with or without `--allow-destructive`.
    pub fn runnable(&self, allow_destructive: bool) -> impl Iterator<Item = &Step> {
        self.steps
            .iter()
            .filter(move |s| allow_destructive || !s.destructive)
    }
}

/// Plans the changes of `diff`.
pub fn plan(diff: &Diff<'_>, options: &PlanOptions) -> Plan {
    let (actions, manual) = planner::plan_actions(diff, options);
    let mut steps = order::order(actions);
    if let Some(backup) = &options.backup {
        if let Some(first) = steps.iter().position(|s| s.backup.is_some()) {
            let schema = Step::new(
                format!(
                    "CREATE SCHEMA IF NOT EXISTS {}",
                    crate::sql::Ident(&backup.schema)
                ),
                Kind::Schema,
                Op::Create,
                backup.schema.clone(),
            )
            .part_of("the backups of destructive steps");
            steps.insert(first, schema);
        }
    }
    if let Some(check) = roles::guard(diff, &steps) {
        steps.insert(0, check);
    }
    Plan {
        settings: settings(options),
        steps,
        manual,
    }
}

/// The session settings every plan starts with.
fn settings(options: &PlanOptions) -> Vec<String> {
    let ms = |d: Duration| format!("'{}ms'", d.as_millis());
    vec![
        format!("SET lock_timeout = {}", ms(options.lock_timeout)),
        format!("SET statement_timeout = {}", ms(options.statement_timeout)),
        // Routine bodies may name objects created later in the plan.
        "SET check_function_bodies = false".to_string(),
        // Names in the plan are qualified; PostgreSQL's own are found in pg_catalog.
        "SET search_path = pg_catalog".to_string(),
    ]
}

#[cfg(test)]
mod tests;
