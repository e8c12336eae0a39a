//! Guards for idempotent scripts (`pgdrift diff --idempotent`), so that a script run again
//! (after a failure half-way, or twice) runs no DDL for what is done.
//!
//! Two things decide. The script's journal (`pgdrift.script_units`, keyed by a digest of
//! the script's steps): each transaction records itself just before its `COMMIT`, in the
//! same transaction, and opens by asking whether it is recorded already; a step outside a
//! transaction is a unit of its own, a `DO` block that runs it and records it at once. And,
//! for each step, its catalog test where the catalog can tell (the object's existence, a
//! column's state, an enum label, a comment, a constraint not yet validated, a privilege),
//! built with the step from the typed change (catalog identities quoted through `sql/`). A
//! step runs inside a `DO` block, its own SQL verbatim under `EXECUTE`, while both say it
//! is still to do. A
//! statement that cannot run inside a `DO` block takes PostgreSQL's own `IF [NOT] EXISTS`
//! form, or an equivalent that can.
//!
//! `exists` holds the existence tests of objects by their keys; `column` the tests of one
//! column's state; `comment` the test of a comment; `acl` the tests of privileges.

pub(crate) mod acl;
pub(crate) mod column;
pub(crate) mod comment;
pub(crate) mod exists;

use super::order::Action;
use super::Step;
use crate::diff::Op;
use crate::sql::Literal;

/// How a step is skipped once its effect is present. Whether a step's transaction (or the
/// unit of a step outside one) already ran is the script's journal's to say; a guard adds
/// what the catalog can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guard {
    /// Run the step only while this catalog condition (a boolean SQL expression) holds,
    /// inside a `DO` block (so not for statements that refuse to run in one). The
    /// condition holds when the step's turn comes on the database the plan starts from.
    When(String),
    /// A form of the statement PostgreSQL itself skips when it is done (`IF NOT EXISTS`,
    /// `IF EXISTS`), after `before` (guarded statements that clear the way): for a
    /// statement that cannot run inside a `DO` block.
    Form { before: Vec<String>, sql: String },
    /// A step that cannot run inside a `DO` block (`DROP INDEX CONCURRENTLY`) and has an
    /// equivalent that can: an idempotent script runs `sql` instead, while `cond` holds.
    Instead { cond: String, sql: String },
    /// A step that changes nothing (a check that stops the script): it runs every time.
    Check,
}

/// What a script shows for a step no guard could be built for.
pub const UNGUARDED: &str =
    "-- NOT GUARDED: pgdrift has no guard for this step; a second run runs it again";

/// The session setting that holds, for the transaction of an idempotent script, whether
/// its work is still to do.
const PENDING: &str = "pgdrift.pending";

/// The table in which an idempotent script records each of its transactions as it commits
/// it (in the same transaction), in pgdrift's own schema.
pub const JOURNAL: &str = "script_units";

/// The identity of a script in the journal: a digest of its steps, so that a script
/// written again for the same change finds what an earlier run of it did.
pub fn script_id(steps: &[Step]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for s in steps {
        h.update(s.sql.as_bytes());
        h.update([0u8]);
    }
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn journal() -> String {
    format!("{}.{}", crate::migrate::tracking::SCHEMA, JOURNAL)
}

/// The statement that opens an idempotent script: creates the journal when it is missing
/// (and only then, so that a second run runs no DDL).
pub fn journal_setup() -> String {
    let schema = crate::migrate::tracking::SCHEMA;
    let table = journal();
    let create = format!(
        "CREATE SCHEMA IF NOT EXISTS {schema};
    \
         CREATE TABLE IF NOT EXISTS {table} (
      \
         script text NOT NULL,
      \
         unit integer NOT NULL,
      \
         done_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
      \
         PRIMARY KEY (script, unit)
    )"
    );
    let outer = free_tag("pgdrift", &[&create]);
    format!(
        "DO {outer} BEGIN
  IF pg_catalog.to_regclass({}) IS NULL THEN
    {create};
  END IF;
END {outer}",
        lit(&table)
    )
}

/// Clears the journal rows of script `id` (a statement, not DDL).
pub fn forget(id: &str) -> String {
    format!("DELETE FROM {} WHERE script = {}", journal(), lit(id))
}

/// The statement right after the `BEGIN` of transaction `unit` of script `id`: decides
/// once, before any of its steps runs, whether the transaction's work is still to do —
/// true unless the journal holds it (then an earlier run committed it).
pub fn open_unit(id: &str, unit: usize) -> String {
    format!(
        "SELECT pg_catalog.set_config({}, (NOT EXISTS (SELECT FROM {} WHERE script = {} AND unit = {unit}))::text, true)",
        lit(PENDING),
        journal(),
        lit(id)
    )
}

/// The statement right before the `COMMIT` of transaction `unit`: records it as done,
/// atomically with its work.
pub fn close_unit(id: &str, unit: usize) -> String {
    format!(
        "INSERT INTO {} (script, unit) VALUES ({}, {unit}) ON CONFLICT DO NOTHING",
        journal(),
        lit(id)
    )
}

/// A step of transaction `unit` of an idempotent script (opened by [`open_unit`]): it
/// runs only while that transaction's work is still to do and, when it has a catalog test
/// of its own, only while that test says its change is missing.
pub fn in_unit(step: &Step) -> String {
    let pending = format!("pg_catalog.current_setting({}) = 'true'", lit(PENDING));
    match &step.guard {
        None => do_block(&pending, &step.sql),
        Some(Guard::When(cond)) => do_block(&format!("{pending}\n    AND {cond}"), &step.sql),
        Some(Guard::Check) => step.sql.clone(),
        Some(Guard::Instead { cond, sql }) => do_block(&format!("{pending}\n    AND {cond}"), sql),
        Some(Guard::Form { before, sql }) => {
            let mut all: Vec<String> = before.clone();
            all.push(do_block(&pending, sql));
            all.join(";\n")
        }
    }
}

/// A step that runs outside a transaction, as unit `unit` of script `id` of its own: a
/// `DO` block (one transaction) that runs it unless the journal holds the unit and, when
/// the step has a catalog test, while the test says its change is missing, then records
/// the unit. A statement that cannot run inside a `DO` block (`CONCURRENTLY`) has the
/// `IF [NOT] EXISTS` form PostgreSQL itself skips; `None` when it has none.
pub fn own_unit(step: &Step, id: &str, unit: usize) -> Option<String> {
    let (cond, sql) = match &step.guard {
        Some(Guard::Instead { cond, sql }) => (Some(cond.as_str()), sql),
        Some(Guard::When(cond)) => (Some(cond.as_str()), &step.sql),
        None => (None, &step.sql),
        Some(Guard::Form { before, sql }) => {
            let mut all = before.clone();
            all.push(sql.clone());
            return Some(all.join(";\n"));
        }
        Some(Guard::Check) => return Some(step.sql.clone()),
    };
    if cannot_run_in_a_function(sql) {
        return None;
    }
    let inner = free_tag("sql", &[sql]);
    let run = format!("EXECUTE {inner}{sql}{inner};");
    let run = match cond {
        Some(cond) => format!("IF {cond} THEN\n      {run}\n    END IF;"),
        None => run,
    };
    let body = format!(
        "IF NOT EXISTS (SELECT FROM {journal} WHERE script = {id} AND unit = {unit}) THEN\n    \
         {run}\n    \
         INSERT INTO {journal} (script, unit) VALUES ({id}, {unit});\n  \
         END IF;",
        journal = journal(),
        id = lit(id),
    );
    let outer = free_tag("pgdrift", &[&body]);
    Some(format!("DO {outer} BEGIN\n  {body}\nEND {outer}"))
}

/// Statements PostgreSQL refuses inside a function or a transaction block.
fn cannot_run_in_a_function(sql: &str) -> bool {
    let head: String = sql
        .split_whitespace()
        .take(6)
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase();
    head.starts_with("VACUUM")
        || head.starts_with("CREATE DATABASE")
        || head.starts_with("DROP DATABASE")
        || head.starts_with("ALTER SYSTEM")
        || head.contains(" CONCURRENTLY")
        || (head.starts_with("ALTER TABLE") && sql.to_ascii_uppercase().contains(" CONCURRENTLY"))
}

/// `DO` block running `sql` with `EXECUTE` while `cond` holds.
pub fn do_block(cond: &str, sql: &str) -> String {
    let inner = free_tag("sql", &[sql]);
    let outer = free_tag("pgdrift", &[sql, cond, &inner]);
    format!(
        "DO {outer} BEGIN\n  IF {cond} THEN\n    EXECUTE {inner}{sql}{inner};\n  END IF;\nEND {outer}"
    )
}

/// A dollar-quote tag starting with `base` that occurs in none of `texts`.
fn free_tag(base: &str, texts: &[&str]) -> String {
    (0u32..)
        .map(|n| match n {
            0 => format!("${base}$"),
            _ => format!("${base}{n}$"),
        })
        .find(|tag| texts.iter().all(|t| !t.contains(tag.as_str())))
        .unwrap_or_else(|| format!("${base}$"))
}

/// `NOT (cond)`.
pub fn not(cond: &str) -> String {
    format!("NOT ({cond})")
}

/// A string literal.
pub fn lit(s: &str) -> String {
    Literal(s).to_string()
}

/// Gives the steps of the plan's actions the guards that follow from their node alone:
/// creating an object that does not exist yet, dropping one that still exists. Steps that
/// already have a guard keep it. An object the plan drops and creates again under the same
/// name is dropped while it exists and created while it does not, in that order, in one
/// transaction; a second run is told apart by the script's journal.
pub(crate) fn attach(actions: &mut [Action]) {
    for a in actions.iter_mut() {
        let Some(present) = exists::node(&a.node) else {
            continue;
        };
        let kind = exists::kind_of(&a.node);
        for step in a.steps.iter_mut().filter(|s| s.guard.is_none()) {
            if kind != Some(step.kind) || step.backup.is_some() {
                continue;
            }
            step.guard = match step.op {
                Op::Create => Some(Guard::When(not(&present))),
                Op::Drop => Some(Guard::When(present.clone())),
                Op::Alter => None,
            };
        }
    }
}

#[cfg(test)]
mod tests;
