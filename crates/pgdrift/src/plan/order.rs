//! Putting actions in a runnable order. A plan runs in phases — statements that must run
//! outside a transaction first, then drops of dependents, then creations and alterations,
//! then drops of what is no longer wanted, then statements that must follow the commit —
//! and inside each phase actions are sorted topologically by their dependencies:
//! dependencies first when creating, dependents first when dropping. Ties (and the rare
//! cycle) are broken by kind and then by the order the diff listed them, so plans are
//! deterministic.

use super::graph::Node;
use super::Step;
use rustc_hash::FxHashMap as HashMap;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// When an action runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Outside the transaction, before it (`ALTER TYPE ... ADD VALUE`, which must commit
    /// before the new label can be used; `DROP INDEX CONCURRENTLY`).
    Before,
    /// Drops of objects that are going away or being recreated, and that other changes
    /// need out of the way: views, triggers, policies, constraints, indexes, defaults.
    EarlyDrop,
    /// Creations and alterations.
    Main,
    /// Drops of tables, columns, types, routines, sequences, schemas and extensions.
    LateDrop,
    /// Outside the transaction, after it (`CREATE INDEX CONCURRENTLY`).
    After,
}

/// One or more steps about one object, with what that object depends on.
#[derive(Debug)]
pub struct Action {
    pub phase: Phase,
    pub node: Node,
    pub deps: Vec<Node>,
    pub steps: Vec<Step>,
}

/// Kinds in the order they are created; drops go the other way.
fn rank(node: &Node) -> u8 {
    match node {
        Node::Schema(_) => 0,
        Node::Extension(_) => 1,
        Node::Type(_) => 2,
        Node::Sequence(_) => 3,
        Node::Function(_) => 4,
        Node::Operator(_) => 5,
        Node::Table(_) => 6,
        Node::Default(..) => 7,
        Node::SequenceOwner(_) => 8,
        Node::Constraint(_) => 9,
        Node::Index(_) => 10,
        Node::View(_) => 11,
        Node::Trigger(_) => 12,
        Node::Policy(_) => 13,
        Node::Rule(_) => 14,
        Node::ExtendedStatistics(_) => 15,
        Node::Collation(_) => 16,
        Node::EventTrigger(_) => 17,
        // Text search objects: with routines and operators, before tables, indexes and views.
        Node::TextSearchDictionary(_) => 5,
        Node::TextSearchConfiguration(_) => 5,
        Node::TextSearchTemplate(_) => 4,
        Node::TextSearchParser(_) => 4,
        // After the tables it names: new tables join a publication once they exist.
        Node::Publication(_) => 20,
        Node::Subscription(_) => 21,
        // After every creation: objects the plan creates get the privileges it gives them.
        Node::DefaultPrivilege(_) => 18,
        Node::DatabaseSetting(_) => 19,
        Node::ForeignDataWrapper(_) => 20,
        Node::ForeignServer(_) => 21,
        Node::UserMapping(_) => 22,
        Node::Cast(_) => 23,
        // With routines: after its handler functions, before the functions written in it.
        Node::Language(_) => 4,
        // After its type, language and functions, before the routines that declare it.
        Node::Transform(_) => 4,
        Node::Conversion(_) => 24,
        // With routines and operators, before the tables and indexes that use them.
        Node::AccessMethod(_) => 5,
        Node::OperatorFamily(_) => 5,
        Node::OperatorClass(_) => 5,
    }
}

/// All steps, phase by phase, each phase in dependency order.
pub fn order(actions: Vec<Action>) -> Vec<Step> {
    let mut out = Vec::with_capacity(actions.iter().map(|a| a.steps.len()).sum());
    let phases = [
        Phase::Before,
        Phase::EarlyDrop,
        Phase::Main,
        Phase::LateDrop,
        Phase::After,
    ];
    let mut by_phase: Vec<Vec<Action>> = phases.iter().map(|_| Vec::new()).collect();
    for a in actions {
        by_phase[a.phase as usize].push(a);
    }
    for (phase, mut actions) in phases.into_iter().zip(by_phase) {
        for i in sort_phase(&actions, phase) {
            out.extend(std::mem::take(&mut actions[i].steps));
        }
    }
    out
}

/// The indices of `actions` in dependency order.
fn sort_phase(actions: &[Action], phase: Phase) -> Vec<usize> {
    let dropping = matches!(phase, Phase::EarlyDrop | Phase::LateDrop);
    let key = |i: usize| {
        let r = rank(&actions[i].node);
        (if dropping { u8::MAX - r } else { r }, i)
    };
    // The actions on each object: the first one, and a chain to the next.
    const END: usize = usize::MAX;
    let mut first: HashMap<&Node, (usize, usize)> = HashMap::default();
    first.reserve(actions.len());
    let mut same = vec![END; actions.len()];
    for (i, a) in actions.iter().enumerate() {
        match first.get_mut(&a.node) {
            Some((_, last)) => {
                same[*last] = i;
                *last = i;
            }
            None => {
                first.insert(&a.node, (i, i));
            }
        }
    }
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); actions.len()];
    let mut indegree = vec![0usize; actions.len()];
    let mut edge = |from: usize, to: usize| {
        next[from].push(to);
        indegree[to] += 1;
    };
    for (i, a) in actions.iter().enumerate() {
        for d in &a.deps {
            if *d == a.node {
                continue;
            }
            let mut j = first.get(d).map_or(END, |&(j, _)| j);
            while j != END {
                // Creating: the dependency first. Dropping: the dependent first.
                if dropping {
                    edge(i, j);
                } else {
                    edge(j, i);
                }
                j = same[j];
            }
        }
    }
    // Several actions on one object keep the order they were made in.
    for (i, &j) in same.iter().enumerate() {
        if j != END {
            edge(i, j);
        }
    }
    let mut ready: BinaryHeap<Reverse<(u8, usize)>> = (0..actions.len())
        .filter(|&i| indegree[i] == 0)
        .map(|i| Reverse(key(i)))
        .collect();
    let mut done = vec![false; actions.len()];
    let mut out = Vec::with_capacity(actions.len());
    while out.len() < actions.len() {
        let i = match ready.pop() {
            Some(Reverse((_, i))) => i,
            // A cycle: take the first remaining action by kind and position.
            None => (0..actions.len())
                .filter(|&i| !done[i])
                .min_by_key(|&i| key(i))
                .expect("actions remain"),
        };
        if done[i] {
            continue;
        }
        done[i] = true;
        out.push(i);
        for &j in &next[i] {
            indegree[j] = indegree[j].saturating_sub(1);
            if indegree[j] == 0 && !done[j] {
                ready.push(Reverse(key(j)));
            }
        }
    }
    out
}
