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
pub(crate) mod comment;
pub(crate) mod definition;
pub(crate) mod exists;

use super::graph::Node;
use super::order::Action;
use super::Step;
use crate::diff::Op;
use crate::sql::Literal;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// How a step is skipped once its effect is present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guard {
    /// Run the step only while this catalog condition (a boolean SQL expression) holds,
    /// inside a `DO` block (so not for statements that refuse to run in one). The
    /// condition holds on the database the plan starts from.
    When(String),
    /// Like `When`, for a condition that may hold only once earlier steps of the plan ran
    /// (the comment of an object the plan creates again): it cannot say, before the
    /// transaction, whether the transaction's work is still to do.
    After(String),
    /// For a step whose effect the catalog does not tell apart from the state before it
    /// (dropping an object the plan creates again under the same name): run while `cond`
    /// holds and the transaction's work is still to do (see [`pending`]). `anchor`, when
    /// known, is a condition that holds on the database the plan starts from and no longer
    /// once the transaction is done (the object's definition is not yet TO's): it helps
    /// decide whether the transaction is still to do.
    Tied {
        cond: String,
        anchor: Option<String>,
    },
    /// A form of the statement PostgreSQL itself skips when it is done (`IF NOT EXISTS`,
    /// `IF EXISTS`), after `before` (guarded statements that clear the way).
    Form { before: Vec<String>, sql: String },
    /// A step that changes nothing (a check that stops the script): it runs every time.
    Check,
}

/// What a script shows for a step no guard could be built for.
pub const UNGUARDED: &str =
    "-- NOT GUARDED: pgdrift has no guard for this step; a second run runs it again";

/// The session setting that holds, for the transaction of an idempotent script, whether
/// its work is still to do.
const PENDING: &str = "pgdrift.pending";

/// The statement that opens a transaction of an idempotent script, right after `BEGIN`:
/// decides once, before any of its steps runs, whether the transaction's work is still to
/// do — true while any of its steps with a guard of its own is. `None` when no step has
/// one (then nothing can tell).
pub fn pending(steps: &[&Step]) -> Option<String> {
    let conds: Vec<&str> = steps
        .iter()
        .filter(|s| s.transactional)
        .filter_map(|s| match &s.guard {
            Some(Guard::When(cond)) => Some(cond.as_str()),
            Some(Guard::Tied {
                anchor: Some(anchor),
                ..
            }) => Some(anchor.as_str()),
            _ => None,
        })
        .collect();
    if conds.is_empty() {
        return None;
    }
    Some(format!(
        "SELECT pg_catalog.set_config({}, ({})::text, true)",
        lit(PENDING),
        conds.join("\n  OR ")
    ))
}

/// The step as an idempotent statement (or several, `;`-separated, without the last `;`),
/// or `None` when it has no guard that can run where the step runs. `tied`: the step runs
/// in a transaction that [`pending`] opened, and a step without a guard of its own runs
/// when that transaction's work is still to do (its effect alone does not tell: an object
/// dropped and created again under the same name, a definition replaced, a privilege
/// granted again); the transaction makes it all or nothing with the steps that can tell.
pub fn render(step: &Step, tied: bool) -> Option<String> {
    let pending = format!("pg_catalog.current_setting({}) = 'true'", lit(PENDING));
    let tied = tied && step.transactional;
    let Some(guard) = step.guard.as_ref() else {
        return tied.then(|| do_block(&pending, &step.sql));
    };
    match guard {
        Guard::Tied { cond, .. } => {
            tied.then(|| do_block(&format!("{pending} AND {cond}"), &step.sql))
        }
        // Outside a transaction too: a `DO` block commits on its own.
        Guard::When(cond) | Guard::After(cond) => Some(do_block(cond, &step.sql)),
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

/// Gives the steps of the plan's actions the guards that follow from their node alone:
/// creating an object that does not exist yet, dropping one that still exists. Steps that
/// already have a guard keep it. A node the plan both drops and creates cannot be told
/// apart by its existence: its drop runs with its transaction (`Tied`), its create once
/// it is gone (`After`).
pub(crate) fn attach(actions: &mut [Action], own: &HashSet<Node>) {
    // Per node: its create statement, whether it is dropped, whether it is altered too.
    let mut ops: HashMap<Node, (Option<String>, bool, bool)> = HashMap::default();
    for a in actions.iter() {
        for s in a
            .steps
            .iter()
            .filter(|s| exists::kind_of(&a.node) == Some(s.kind))
        {
            let e = ops.entry(a.node.clone()).or_default();
            if s.op == Op::Create {
                e.0 = Some(s.sql.clone());
            }
            e.1 |= s.op == Op::Drop;
            e.2 |= s.op == Op::Alter;
        }
    }
    for a in actions.iter_mut() {
        let Some(present) = exists::node(&a.node) else {
            continue;
        };
        let recreated = match ops.get(&a.node) {
            // Only where the object's own definition changes: recreated for something it
            // depends on, it prints the same before and after.
            Some((Some(create), true, altered)) if own.contains(&a.node) => {
                Some(definition::differs(&a.node, create, *altered))
            }
            Some((Some(_), true, _)) => Some(None),
            _ => None,
        };
        for step in a.steps.iter_mut().filter(|s| s.guard.is_none()) {
            if exists::kind_of(&a.node) != Some(step.kind) || step.backup.is_some() {
                continue;
            }
            step.guard = match (step.op, &recreated) {
                (Op::Create, None) => Some(Guard::When(not(&present))),
                (Op::Drop, None) => Some(Guard::When(present.clone())),
                (Op::Create, Some(_)) => Some(Guard::After(not(&present))),
                (Op::Drop, Some(anchor)) => Some(Guard::Tied {
                    cond: present.clone(),
                    anchor: anchor.clone(),
                }),
                (Op::Alter, _) => None,
            };
        }
    }
}

#[cfg(test)]
mod tests;
