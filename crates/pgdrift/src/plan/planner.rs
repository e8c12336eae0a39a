//! The planner's state and its driver: which objects must be dropped and recreated around
//! the changes (found by following dependents in the `from` catalog), then one pass over
//! the changes that asks each kind's module for its actions.

use super::graph::{Dependents, Names, Node};
use super::order::{Action, Phase};
use super::{HazardKind, ManualStep, PlanOptions, Step};
use crate::diff::{Change, ColumnChange, Diff, Op, Subject};
use crate::model::{Kind, QualName};
use rustc_hash::FxHashSet as HashSet;
use std::collections::{BTreeMap, BTreeSet};

pub(super) struct Planner<'d, 'a> {
    pub diff: &'d Diff<'a>,
    pub opts: &'d PlanOptions,
    pub from: Names<'a>,
    pub to: Names<'a>,
    dependents: Option<Dependents>,
    pub actions: Vec<Action>,
    pub manual: Vec<ManualStep>,
    /// Objects on both sides that are dropped early and created again from `to`, with why.
    pub recreate: BTreeMap<Node, String>,
    /// The recreated objects whose own change needs it (the others follow a dependency).
    pub own: HashSet<Node>,
    /// Seeds that are recreated for a column they use, not for their own change.
    pub column_users: HashSet<Node>,
    /// Objects only in `from` whose drop must come early, before something recreated.
    pub early: HashSet<Node>,
    /// Columns whose default is dropped early (it is set again in the main phase when `to`
    /// has one).
    pub reset_defaults: BTreeSet<(QualName, String)>,
    /// Columns of existing tables whose `to` default is set in the main phase.
    pub set_defaults: BTreeSet<(QualName, String)>,
    /// Objects with an alter change of their own (whose handler recreates them if needed).
    altered: HashSet<Node>,
    /// Types replaced by a new type of the same name, their columns converted: enums that
    /// lose or reorder labels, domains whose base type changes.
    pub replaced_types: BTreeSet<QualName>,
    /// Columns whose type changes (by their own change or a replaced type).
    pub retyped: HashSet<(QualName, String)>,
    /// Tables dropped: what lives on them goes with them.
    pub dropped_tables: HashSet<QualName>,
    /// Views dropped (not recreated): their indexes and triggers go with them.
    pub dropped_views: HashSet<QualName>,
    /// Constraints and indexes renamed rather than dropped and created: new -> old.
    pub renames: BTreeMap<Node, Node>,
}

impl<'d, 'a> Planner<'d, 'a> {
    pub fn new(diff: &'d Diff<'a>, opts: &'d PlanOptions) -> Self {
        let mut dropped_tables = HashSet::default();
        let mut dropped_views = HashSet::default();
        for c in &diff.changes {
            match (c.op, c.subject) {
                (Op::Drop, Subject::Table(p)) => {
                    let t = p.current();
                    dropped_tables.insert(QualName::new(&t.schema, &t.name));
                }
                (Op::Drop, Subject::View(p)) => {
                    let v = p.current();
                    dropped_views.insert(QualName::new(&v.schema, &v.name));
                }
                _ => {}
            }
        }
        Planner {
            diff,
            opts,
            from: Names::new(diff.from),
            to: Names::new(diff.to),
            dependents: None,
            actions: Vec::with_capacity(diff.changes.len()),
            manual: Vec::new(),
            recreate: BTreeMap::new(),
            own: HashSet::default(),
            column_users: HashSet::default(),
            early: HashSet::default(),
            reset_defaults: BTreeSet::new(),
            set_defaults: BTreeSet::new(),
            replaced_types: BTreeSet::new(),
            retyped: HashSet::default(),
            altered: diff
                .changes
                .iter()
                .filter(|c| c.op == Op::Alter)
                .filter_map(node_of)
                .collect(),
            dropped_tables,
            dropped_views,
            renames: BTreeMap::new(),
        }
    }

    pub fn finish(self) -> (Vec<Action>, Vec<ManualStep>) {
        (self.actions, self.manual)
    }

    /// Dependents in the `from` catalog, computed on first use.
    pub fn dependents(&mut self) -> &Dependents {
        let from = &self.from;
        self.dependents.get_or_insert_with(|| Dependents::new(from))
    }

    pub fn run(&mut self) {
        let diff = self.diff;
        // What must be recreated, and what it drags along.
        let mut seeds: Vec<(Node, String)> = Vec::new();
        for c in &diff.changes {
            self.seeds(c, &mut seeds);
        }
        self.foreign_key_seeds(&mut seeds);
        self.close(seeds);
        self.find_renames();
        // One pass over the changes.
        for c in &diff.changes {
            self.change(c);
        }
        // Objects recreated only because of something they depend on.
        let pending: Vec<(Node, String)> = self
            .recreate
            .iter()
            .map(|(n, r)| (n.clone(), r.clone()))
            .collect();
        for (node, reason) in pending {
            if !self.changed(&node) {
                self.recreate_node(&node, &reason);
            }
        }
        self.defaults();
    }

    /// True when `node` has an alter change of its own (whose handler recreates it).
    fn changed(&self, node: &Node) -> bool {
        self.altered.contains(node)
    }

    /// True when `node` has an alter change of its own.
    pub fn altered_node(&self, node: &Node) -> bool {
        self.altered.contains(node)
    }

    fn change(&mut self, c: &Change<'a>) {
        match c.subject {
            Subject::Schema(p) => self.schema(c, p),
            Subject::Extension(p) => self.extension(c, p),
            Subject::Type(p) => self.type_change(c, p),
            Subject::Sequence(p) => self.sequence(c, p),
            Subject::Table(p) => self.table(c, p),
            Subject::Column(ColumnChange {
                from_table,
                to_table,
                column,
            }) => self.column(c, from_table, to_table, column),
            Subject::Constraint(p) => self.constraint(c, p),
            Subject::Index(p) => self.index(c, p),
            Subject::View(p) => self.view(c, p),
            Subject::Function(p) => self.function(c, p),
            Subject::Trigger(p) => self.trigger(c, p),
            Subject::Policy(p) => self.policy(c, p),
            Subject::Operator(p) => self.operator(c, p),
            Subject::Rule(p) => self.rule(c, p),
            Subject::ExtendedStatistics(p) => self.statistics(c, p),
            Subject::Collation(p) => self.collation(c, p),
            Subject::EventTrigger(p) => self.event_trigger(c, p),
        }
    }

    /// Follows dependents from the seeds: each dependent present in `to` is recreated too,
    /// each one absent from `to` is dropped early; column defaults are reset; a table that
    /// would have to be recreated makes the change a manual step.
    fn close(&mut self, seeds: Vec<(Node, String)>) {
        let mut queue: Vec<(Node, String)> = Vec::new();
        for (node, reason) in seeds {
            if self.recreate.contains_key(&node) {
                continue;
            }
            if let Node::Type(t) = &node {
                if !self.replaced_types.contains(t) && self.type_used_by_tables(&node) {
                    self.manual.push(ManualStep {
                        kind: Kind::Type,
                        object: t.to_string(),
                        reason: format!(
                            "{reason}: the type must be recreated, but table columns use it; \
                             convert those columns to a new type by hand (ALTER TABLE ... \
                             ALTER COLUMN ... TYPE ... USING ...), then drop the old type"
                        ),
                    });
                    continue;
                }
            }
            self.recreate.insert(node.clone(), reason.clone());
            if !self.column_users.contains(&node) {
                self.own.insert(node.clone());
            }
            queue.push((node, reason));
        }
        while let Some((node, _)) = queue.pop() {
            let dependents: Vec<Node> = self.dependents().of(&node);
            let why = format!("it depends on {}, which is recreated", describe(&node));
            for d in dependents {
                if self.recreate.contains_key(&d) {
                    continue;
                }
                match &d {
                    Node::Default(t, c) => {
                        self.reset_defaults.insert((t.clone(), c.clone()));
                    }
                    Node::Table(t) => {
                        let enum_columns =
                            matches!(&node, Node::Type(x) if self.replaced_types.contains(x));
                        if !enum_columns && !self.dropped_tables.contains(t) {
                            self.manual.push(ManualStep {
                                kind: Kind::Table,
                                object: t.to_string(),
                                reason: format!(
                                    "the table uses {}, which must be dropped and recreated; \
                                     change the table's columns by hand first",
                                    describe(&node)
                                ),
                            });
                        }
                    }
                    Node::Type(t) => {
                        if self.diff.to.types.contains_key(t) {
                            self.manual.push(ManualStep {
                                kind: Kind::Type,
                                object: t.to_string(),
                                reason: format!(
                                    "the type is built on {}, which must be recreated; \
                                     recreate this type by hand",
                                    describe(&node)
                                ),
                            });
                        } else {
                            self.early.insert(d.clone());
                        }
                    }
                    _ => {
                        if self.in_to(&d) {
                            self.recreate.insert(d.clone(), why.clone());
                            queue.push((d.clone(), why.clone()));
                        } else {
                            self.early.insert(d.clone());
                            queue.push((d.clone(), why.clone()));
                        }
                    }
                }
            }
        }
    }

    fn type_used_by_tables(&mut self, node: &Node) -> bool {
        let dropped = self.dropped_tables.clone();
        self.dependents()
            .of(node)
            .iter()
            .any(|d| matches!(d, Node::Table(t) if !dropped.contains(t)))
    }

    /// True when the `to` catalog has the object.
    pub fn in_to(&self, node: &Node) -> bool {
        let c = self.diff.to;
        match node {
            Node::Schema(s) => c.schemas.contains_key(s),
            Node::Extension(e) => c.extensions.contains_key(e),
            Node::Type(k) => c.types.contains_key(k),
            Node::Sequence(k) | Node::SequenceOwner(k) => c.sequences.contains_key(k),
            Node::Function(k) => c.functions.contains_key(k),
            Node::Table(k) => c.tables.contains_key(k),
            Node::View(k) => c.views.contains_key(k),
            Node::Constraint(k) => c.constraints.contains_key(k),
            Node::Index(k) => c.indexes.contains_key(k),
            Node::Trigger(k) => c.triggers.contains_key(k),
            Node::Policy(k) => c.policies.contains_key(k),
            Node::Operator(k) => c.operators.contains_key(k),
            Node::Rule(k) => c.rules.contains_key(k),
            Node::ExtendedStatistics(k) => c.extended_statistics.contains_key(k),
            Node::Collation(k) => c.collations.contains_key(k),
            Node::EventTrigger(k) => c.event_triggers.contains_key(k),
            Node::Default(t, col) => c
                .tables
                .get(t)
                .and_then(|t| t.column(col))
                .is_some_and(|c| c.default.is_some()),
        }
    }

    /// Adds an action.
    pub fn push(&mut self, phase: Phase, node: Node, deps: Vec<Node>, mut steps: Vec<Step>) {
        if steps.is_empty() {
            return;
        }
        if matches!(phase, Phase::Before | Phase::After) {
            for s in &mut steps {
                s.transactional = false;
            }
        }
        self.actions.push(Action {
            phase,
            node,
            deps,
            steps,
        });
    }

    /// A manual step.
    pub fn manual(&mut self, kind: Kind, object: impl Into<String>, reason: impl Into<String>) {
        self.manual.push(ManualStep {
            kind,
            object: object.into(),
            reason: reason.into(),
        });
    }

    /// The lock hazard for a statement that takes ACCESS EXCLUSIVE on `table`, when the
    /// table is known to be big.
    pub fn lock_hazard(&self, step: Step, table: &QualName) -> Step {
        if self.opts.table_rows.is_empty() {
            return step;
        }
        match self.opts.table_rows.get(table) {
            Some(&rows) if rows >= self.opts.big_table_rows => step.hazard(
                HazardKind::LocksTable,
                format!("{table} has about {} rows", rows as u64),
            ),
            _ => step,
        }
    }

    /// True when the plan runs on a server of at least this `server_version_num`.
    pub fn server_at_least(&self, version: u32) -> bool {
        self.opts.server_version_num == 0 || self.opts.server_version_num >= version
    }

    /// True when `table` exists before the plan runs (so changes to it touch data).
    pub fn existing_table(&self, table: &QualName) -> bool {
        self.diff.from.tables.contains_key(table)
    }
}

/// The graph node of a change's object.
pub(super) fn node_of(c: &Change<'_>) -> Option<Node> {
    use crate::model::Object;
    Some(match c.subject {
        Subject::Schema(p) => Node::Schema(p.current().key()),
        Subject::Extension(p) => Node::Extension(p.current().key()),
        Subject::Type(p) => Node::Type(p.current().key()),
        Subject::Sequence(p) => Node::Sequence(p.current().key()),
        Subject::Table(p) => Node::Table(p.current().key()),
        Subject::Column { .. } => return None,
        Subject::Constraint(p) => Node::Constraint(p.current().key()),
        Subject::Index(p) => Node::Index(p.current().key()),
        Subject::View(p) => Node::View(p.current().key()),
        Subject::Function(p) => Node::Function(p.current().key()),
        Subject::Trigger(p) => Node::Trigger(p.current().key()),
        Subject::Policy(p) => Node::Policy(p.current().key()),
        Subject::Operator(p) => Node::Operator(p.current().key()),
        Subject::Rule(p) => Node::Rule(p.current().key()),
        Subject::ExtendedStatistics(p) => Node::ExtendedStatistics(p.current().key()),
        Subject::Collation(p) => Node::Collation(p.current().key()),
        Subject::EventTrigger(p) => Node::EventTrigger(p.current().key()),
    })
}

/// A node for people: `view app.v`.
pub(super) fn describe(node: &Node) -> String {
    match node {
        Node::Schema(s) => format!("schema {s}"),
        Node::Extension(e) => format!("extension {e}"),
        Node::Type(k) => format!("type {k}"),
        Node::Sequence(k) | Node::SequenceOwner(k) => format!("sequence {k}"),
        Node::Function(k) => format!("routine {k}"),
        Node::Table(k) => format!("table {k}"),
        Node::View(k) => format!("view {k}"),
        Node::Constraint(k) => format!("constraint {k}"),
        Node::Index(k) => format!("index {k}"),
        Node::Trigger(k) => format!("trigger {k}"),
        Node::Policy(k) => format!("policy {k}"),
        Node::Operator(k) => format!("operator {k}"),
        Node::Rule(k) => format!("rule {k}"),
        Node::ExtendedStatistics(k) => format!("statistics {k}"),
        Node::Collation(k) => format!("collation {k}"),
        Node::EventTrigger(k) => format!("event trigger {k}"),
        Node::Default(t, c) => format!("the default of {t}.{c}"),
    }
}
