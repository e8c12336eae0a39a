//! Guards for idempotent scripts (`pgdrift diff --idempotent`): for each step, how to tell
//! from the catalog that it is already done, so that a script run again (after a failure
//! half-way, or twice) runs no DDL for what is done. A guard is built with the step, from
//! the typed change (catalog identities quoted through `sql/`), and rendered only when the
//! script asks for it: a `DO` block that runs the step's own SQL with `EXECUTE` while a
//! catalog condition says it is still to do, or, for statements that cannot run inside a
//! `DO` block, the statement's own `IF [NOT] EXISTS` form.
//!
//! `exists` holds the existence tests of objects by their keys; `column` the tests of one
//! column's state.

pub(crate) mod column;
pub(crate) mod exists;

use super::graph::Node;
use super::Step;
use crate::diff::Op;
use crate::sql::Literal;

/// How a step is skipped once its effect is present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guard {
    /// Run the step only while this catalog condition (a boolean SQL expression) holds.
    When(String),
    /// A form of the statement PostgreSQL itself skips when it is done (`IF NOT EXISTS`,
    /// `IF EXISTS`), after `before` (guarded statements that clear the way).
    Form { before: Vec<String>, sql: String },
    /// A step that changes nothing (a check that stops the script): it runs every time.
    Check,
}

/// What a script shows for a step no guard could be built for.
pub const UNGUARDED: &str = "-- NOT GUARDED: pgdrift has no guard for this step; a second run runs it again";

/// The step as an idempotent statement (or several, `;`-separated, without the last `;`),
/// or `None` when it has no guard that can run where the step runs.
pub fn render(step: &Step) -> Option<String> {
    match step.guard.as_ref()? {
        Guard::When(cond) if step.transactional => Some(do_block(cond, &step.sql)),
        Guard::When(_) => None,
        Guard::Check => Some(step.sql.clone()),
        Guard::Form { before, sql } => {
            let mut all = before.clone();
            all.push(sql.clone());
            Some(all.join(";\n"))
        }
    }
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

/// Gives the steps of one action the guards that follow from its node alone: creating an
/// object that does not exist yet, dropping one that still exists. Steps that already have
/// a guard keep it; a node the plan drops and creates again gets none from here (its
/// existence does not tell which version is there).
pub(crate) fn attach(node: &Node, recreated: bool, steps: &mut [Step]) {
    if recreated {
        return;
    }
    let Some(present) = exists::node(node) else {
        return;
    };
    for step in steps.iter_mut().filter(|s| s.guard.is_none()) {
        if exists::kind_of(node) != Some(step.kind) || step.backup.is_some() {
            continue;
        }
        step.guard = match step.op {
            Op::Create => Some(Guard::When(not(&present))),
            Op::Drop => Some(Guard::When(present.clone())),
            Op::Alter => None,
        };
    }
}

#[cfg(test)]
mod tests;
