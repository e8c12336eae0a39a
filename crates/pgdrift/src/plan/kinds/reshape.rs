//! A table whose kind or partition key changes (ordinary to partitioned, partitioned back,
//! a new partition key) is rebuilt by hand: PostgreSQL cannot make the change in place, so
//! the plan says so in a manual step. Its partitions wait for that rebuild: creating one
//! as `PARTITION OF` a table that is not partitioned yet, attaching one with a bound of the
//! new key, or dropping one whose rows the rebuild must copy would fail half-way or lose
//! data. Those steps, and every step that depends on them, are held back and named in the
//! manual step; running the plan again after the rebuild makes them.

use super::super::graph::Node;
use super::super::planner::{describe, Output};
use super::super::ManualStep;
use crate::diff::{Diff, Pair, Subject};
use crate::model::{Kind, QualName, Table};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The tables of `diff` whose kind or partition key changes.
fn reshaped(diff: &Diff<'_>) -> HashSet<QualName> {
    diff.changes
        .iter()
        .filter_map(|c| match c.subject {
            Subject::Table(Pair::Altered { from, to })
                if from.kind != to.kind || from.partition_key != to.partition_key =>
            {
                Some(QualName::new(&to.schema, &to.name))
            }
            _ => None,
        })
        .collect()
}

/// The partitions of reshaped tables that the diff creates, drops or alters, by parent.
fn waiting(diff: &Diff<'_>, reshaped: &HashSet<QualName>) -> BTreeMap<Node, QualName> {
    let parent = |t: &Table| t.partition_of.clone().filter(|p| reshaped.contains(p));
    let mut out = BTreeMap::new();
    for c in &diff.changes {
        let Subject::Table(pair) = c.subject else {
            continue;
        };
        let sides = [pair.from(), pair.to()];
        if let Some(p) = sides.into_iter().flatten().find_map(parent) {
            let t = pair.current();
            out.insert(Node::Table(QualName::new(&t.schema, &t.name)), p);
        }
    }
    out
}

/// Removes the actions that wait for a reshaped table's rebuild, with everything that
/// depends on them, and names them in a manual step per table.
pub(in crate::plan) fn hold_back(diff: &Diff<'_>, out: &mut Output) {
    let reshaped = reshaped(diff);
    if reshaped.is_empty() {
        return;
    }
    let waiting = waiting(diff, &reshaped);
    let mut held: BTreeMap<Node, QualName> = waiting.clone();
    loop {
        let before = held.len();
        for a in &out.actions {
            if held.contains_key(&a.node) {
                continue;
            }
            if let Some(p) = a.deps.iter().find_map(|d| held.get(d)).cloned() {
                held.insert(a.node.clone(), p);
            }
        }
        if held.len() == before {
            break;
        }
    }
    out.actions.retain(|a| !held.contains_key(&a.node));
    let mut by_parent: BTreeMap<QualName, BTreeSet<String>> = BTreeMap::new();
    for (node, parent) in &held {
        by_parent
            .entry(parent.clone())
            .or_default()
            .insert(describe(node));
    }
    for (parent, objects) in by_parent {
        let list: Vec<String> = objects.into_iter().collect();
        out.manual.push(ManualStep {
            kind: Kind::Table,
            object: parent.to_string(),
            reason: format!(
                "held back until {parent} is rebuilt with its new partitioning (see its other \
                 manual step): {}; run the plan again after the rebuild to make them",
                list.join(", ")
            ),
        });
    }
}
