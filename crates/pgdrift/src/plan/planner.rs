//! The planner, in two stages over three kinds of state. [`Facts`] are what is known before
//! anything is decided: the diff, the options, both catalogs by name, the dependents; they
//! never change. The [`Decide`] stage reads the facts and makes the [`Decisions`] that span
//! the whole plan: which objects are dropped and created again around the changes (found by
//! following dependents in the `from` catalog), which drop early, which types are replaced,
//! which keys are renamed. The [`Pass`] stage then goes once over the changes and asks each
//! kind's module for its actions: it reads facts and decisions and writes only the
//! [`Output`], so no kind's planning can change what another kind was told.

use super::graph::{Dependents, Names, Node};
use super::order::{Action, Phase};
use super::{HazardKind, ManualStep, PlanOptions, Step};
use crate::diff::{Change, ColumnChange, Diff, Op, Subject};
use crate::model::{Kind, QualName};
use rustc_hash::FxHashSet as HashSet;
use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Deref;

/// What is known before planning decides anything.
pub(super) struct Facts<'d, 'a> {
    pub diff: &'d Diff<'a>,
    pub opts: &'d PlanOptions,
    pub from: Names<'a>,
    pub to: Names<'a>,
    /// Dependents in the `from` catalog, computed on first use.
    dependents: OnceCell<Dependents>,
    /// Objects with an alter change of their own (whose handler recreates them if needed).
    altered: HashSet<Node>,
    /// Tables dropped: what lives on them goes with them.
    pub dropped_tables: HashSet<QualName>,
    /// Views dropped (not recreated): their indexes and triggers go with them.
    pub dropped_views: HashSet<QualName>,
}

/// What the [`Decide`] stage settles for the whole plan, before the pass over the changes.
#[derive(Default)]
pub(super) struct Decisions {
    /// Objects on both sides that are dropped early and created again from `to`, with why.
    pub recreate: BTreeMap<Node, String>,
    /// The recreated objects whose own change needs it (the others follow a dependency).
    pub own: HashSet<Node>,
    /// Seeds that are recreated for a column they use, not for their own change.
    pub column_users: HashSet<Node>,
    /// Objects only in `from` whose drop must come early, before something recreated.
    pub early: HashSet<Node>,
    /// Types replaced by a new type of the same name, their columns converted: enums that
    /// lose or reorder labels, domains whose base type changes.
    pub replaced_types: BTreeSet<QualName>,
    /// Columns whose type changes (by their own change or a replaced type).
    pub retyped: HashSet<(QualName, String)>,
    /// Constraints and indexes renamed rather than dropped and created: new -> old.
    pub renames: BTreeMap<Node, Node>,
}

/// What planning writes: the actions, the manual steps, and the column defaults that move
/// (dropped early, set in the main phase), written at the end of the pass.
#[derive(Default)]
pub(super) struct Output {
    pub actions: Vec<Action>,
    pub manual: Vec<ManualStep>,
    /// Columns whose default is dropped early (it is set again in the main phase when `to`
    /// has one).
    pub reset_defaults: BTreeSet<(QualName, String)>,
    /// Columns of existing tables whose `to` default is set in the main phase.
    pub set_defaults: BTreeSet<(QualName, String)>,
}

/// The first stage: reads the facts, makes the decisions (and the manual steps they imply).
pub(super) struct Decide<'p, 'd, 'a> {
    facts: &'p Facts<'d, 'a>,
    pub decided: &'p mut Decisions,
    pub out: &'p mut Output,
}

/// The second stage: one pass over the changes, each kind's planning reading the facts and
/// the decisions and writing the output.
pub(super) struct Pass<'p, 'd, 'a> {
    facts: &'p Facts<'d, 'a>,
    pub decided: &'p Decisions,
    pub out: &'p mut Output,
}

impl<'d, 'a> Deref for Decide<'_, 'd, 'a> {
    type Target = Facts<'d, 'a>;
    fn deref(&self) -> &Facts<'d, 'a> {
        self.facts
    }
}

impl<'d, 'a> Deref for Pass<'_, 'd, 'a> {
    type Target = Facts<'d, 'a>;
    fn deref(&self) -> &Facts<'d, 'a> {
        self.facts
    }
}

/// Plans the changes of `diff`: their actions (in no order yet) and the manual steps.
pub(super) fn plan_actions(diff: &Diff<'_>, opts: &PlanOptions) -> (Vec<Action>, Vec<ManualStep>) {
    let facts = Facts::new(diff, opts);
    let mut decided = Decisions::default();
    let mut out = Output {
        actions: Vec::with_capacity(diff.changes.len()),
        ..Output::default()
    };
    Decide {
        facts: &facts,
        decided: &mut decided,
        out: &mut out,
    }
    .run();
    Pass {
        facts: &facts,
        decided: &decided,
        out: &mut out,
    }
    .run();
    super::kinds::reshape::hold_back(diff, &mut out);
    super::guard::attach(&mut out.actions);
    (out.actions, out.manual)
}

impl<'d, 'a> Facts<'d, 'a> {
    fn new(diff: &'d Diff<'a>, opts: &'d PlanOptions) -> Self {
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
        Facts {
            diff,
            opts,
            from: Names::new(diff.from),
            to: Names::new(diff.to),
            dependents: OnceCell::new(),
            altered: diff
                .changes
                .iter()
                .filter(|c| c.op == Op::Alter)
                .filter_map(Node::of_change)
                .collect(),
            dropped_tables,
            dropped_views,
        }
    }

    /// Dependents in the `from` catalog, computed on first use.
    pub fn dependents(&self) -> &Dependents {
        self.dependents.get_or_init(|| Dependents::new(&self.from))
    }

    /// True when `node` has an alter change of its own (whose handler recreates it).
    pub fn altered_node(&self, node: &Node) -> bool {
        self.altered.contains(node)
    }

    /// True when the `to` catalog has the object.
    pub fn in_to(&self, node: &Node) -> bool {
        node.in_catalog(self.diff.to)
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

    fn type_used_by_tables(&self, node: &Node) -> bool {
        self.dependents()
            .of(node)
            .iter()
            .any(|d| matches!(d, Node::Table(t) if !self.dropped_tables.contains(t)))
    }
}

impl<'a> Decide<'_, '_, 'a> {
    fn run(&mut self) {
        let diff = self.diff;
        // What must be recreated, and what it drags along.
        let mut seeds: Vec<(Node, String)> = Vec::new();
        for c in &diff.changes {
            self.seeds(c, &mut seeds);
        }
        self.foreign_key_seeds(&mut seeds);
        self.close(seeds);
        self.early_drops();
        self.find_renames();
    }

    /// Drops that must come early, before the main phase, and so before what they depend
    /// on goes: a table whose name a new view, sequence, index or type takes, a sequence
    /// whose name a new identity takes; then, from every object dropped early (views dropped
    /// for good among them), what names it and is dropped too — a routine that returns a
    /// view's rows, say.
    fn early_drops(&mut self) {
        let facts = self.facts;
        let (from, to) = (facts.diff.from, facts.diff.to);
        for key in &facts.dropped_tables {
            if to.views.contains_key(key)
                || to.sequences.contains_key(key)
                || to.indexes.contains_key(key)
                || to.types.contains_key(key)
            {
                self.decided.early.insert(Node::Table(key.clone()));
            }
        }
        // A sequence whose name a new identity takes (a serial turned identity).
        for (key, t) in &to.tables {
            for col in &t.columns {
                let Some(identity) = &col.identity else {
                    continue;
                };
                let before = from.tables.get(key).and_then(|f| f.column(&col.name));
                if before.is_some_and(|c| c.identity.is_some()) {
                    continue;
                }
                let seq = QualName::new(&t.schema, identity.sequence_name_on(&t.name, &col.name));
                if from.sequences.contains_key(&seq) && !to.sequences.contains_key(&seq) {
                    self.decided.early.insert(Node::Sequence(seq));
                }
            }
        }
        // The routines, operators and types dropped for good that name an object dropped
        // early go early too, until none is added (their own dependencies, not the whole
        // graph of dependents: a plan that drops everything need not build it).
        let mut gone: HashSet<Node> = self.decided.early.iter().cloned().collect();
        gone.extend(facts.dropped_views.iter().map(|k| Node::View(k.clone())));
        if gone.is_empty() {
            return;
        }
        let names = &facts.from;
        loop {
            let mut found: Vec<Node> = Vec::new();
            for (k, f) in from
                .functions
                .iter()
                .filter(|(k, _)| !to.functions.contains_key(k))
            {
                let node = Node::Function(k.clone());
                if !gone.contains(&node) && names.function_deps(f).iter().any(|d| gone.contains(d))
                {
                    found.push(node);
                }
            }
            for (k, o) in from
                .operators
                .iter()
                .filter(|(k, _)| !to.operators.contains_key(k))
            {
                let node = Node::Operator(k.clone());
                if !gone.contains(&node) && names.operator_deps(o).iter().any(|d| gone.contains(d))
                {
                    found.push(node);
                }
            }
            for (k, t) in from.types.iter().filter(|(k, _)| !to.types.contains_key(k)) {
                let node = Node::Type(k.clone());
                if !gone.contains(&node) && names.type_deps(t).iter().any(|d| gone.contains(d)) {
                    found.push(node);
                }
            }
            if found.is_empty() {
                return;
            }
            for node in found {
                self.decided.early.insert(node.clone());
                gone.insert(node);
            }
        }
    }

    /// Follows dependents from the seeds: each dependent present in `to` is recreated too,
    /// each one absent from `to` is dropped early; column defaults are reset; a table that
    /// would have to be recreated makes the change a manual step.
    fn close(&mut self, seeds: Vec<(Node, String)>) {
        let mut queue: Vec<(Node, String)> = Vec::new();
        for (node, reason) in seeds {
            if self.decided.recreate.contains_key(&node) {
                continue;
            }
            if let Node::Type(t) = &node {
                if !self.decided.replaced_types.contains(t) && self.type_used_by_tables(&node) {
                    self.out.manual.push(ManualStep {
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
            self.decided.recreate.insert(node.clone(), reason.clone());
            if !self.decided.column_users.contains(&node) {
                self.decided.own.insert(node.clone());
            }
            queue.push((node, reason));
        }
        while let Some((node, _)) = queue.pop() {
            let dependents: Vec<Node> = self.dependents().of(&node);
            let why = format!("it depends on {}, which is recreated", describe(&node));
            for d in dependents {
                if self.decided.recreate.contains_key(&d) {
                    continue;
                }
                match &d {
                    Node::Default(t, c) => {
                        self.out.reset_defaults.insert((t.clone(), c.clone()));
                    }
                    Node::Table(t) => {
                        let enum_columns = matches!(&node, Node::Type(x) if self.decided.replaced_types.contains(x));
                        if !enum_columns && !self.dropped_tables.contains(t) {
                            self.out.manual.push(ManualStep {
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
                            self.out.manual.push(ManualStep {
                                kind: Kind::Type,
                                object: t.to_string(),
                                reason: format!(
                                    "the type is built on {}, which must be recreated; \
                                     recreate this type by hand",
                                    describe(&node)
                                ),
                            });
                        } else {
                            self.decided.early.insert(d.clone());
                        }
                    }
                    _ => {
                        if self.in_to(&d) {
                            self.decided.recreate.insert(d.clone(), why.clone());
                            queue.push((d.clone(), why.clone()));
                        } else {
                            self.decided.early.insert(d.clone());
                            queue.push((d.clone(), why.clone()));
                        }
                    }
                }
            }
        }
    }
}

impl<'a> Pass<'_, '_, 'a> {
    fn run(&mut self) {
        let diff = self.diff;
        for c in &diff.changes {
            self.change(c);
        }
        // Objects recreated only because of something they depend on.
        let decided = self.decided;
        for (node, reason) in &decided.recreate {
            if !self.altered_node(node) {
                self.recreate_node(node, reason);
            }
        }
        self.index_settings();
        self.defaults();
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
            Subject::DefaultPrivilege(p) => self.default_privilege(c, p),
            Subject::DatabaseSetting(p) => self.database_setting(c, p),
            Subject::Rule(p) => self.rule(c, p),
            Subject::ExtendedStatistics(p) => self.statistics(c, p),
            Subject::Collation(p) => self.collation(c, p),
            Subject::EventTrigger(p) => self.event_trigger(c, p),
            Subject::ForeignDataWrapper(p) => self.foreign_data_wrapper(c, p),
            Subject::ForeignServer(p) => self.foreign_server(c, p),
            Subject::UserMapping(p) => self.user_mapping(c, p),
            Subject::Cast(p) => self.cast(c, p),
            Subject::TextSearchDictionary(p) => self.ts_dictionary(c, p),
            Subject::TextSearchConfiguration(p) => self.ts_configuration(c, p),
            Subject::TextSearchTemplate(p) => self.ts_template(c, p),
            Subject::TextSearchParser(p) => self.ts_parser(c, p),
            Subject::Publication(p) => self.publication(c, p),
            Subject::Subscription(p) => self.subscription(c, p),
            Subject::Language(p) => self.language(c, p),
            Subject::Transform(p) => self.transform(c, p),
            Subject::Conversion(p) => self.conversion(c, p),
            Subject::AccessMethod(p) => self.access_method(c, p),
            Subject::OperatorFamily(p) => self.operator_family(c, p),
            Subject::OperatorClass(p) => self.operator_class(c, p),
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
        self.out.actions.push(Action {
            phase,
            node,
            deps,
            steps,
        });
    }

    /// A manual step.
    pub fn manual(&mut self, kind: Kind, object: impl Into<String>, reason: impl Into<String>) {
        self.out.manual.push(ManualStep {
            kind,
            object: object.into(),
            reason: reason.into(),
        });
    }
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
        Node::DefaultPrivilege(k) => format!("default privileges {k}"),
        Node::DatabaseSetting(k) => format!("database setting {k}"),
        Node::Rule(k) => format!("rule {k}"),
        Node::ExtendedStatistics(k) => format!("statistics {k}"),
        Node::Collation(k) => format!("collation {k}"),
        Node::EventTrigger(k) => format!("event trigger {k}"),
        Node::ForeignDataWrapper(k) => format!("foreign data wrapper {k}"),
        Node::ForeignServer(k) => format!("server {k}"),
        Node::UserMapping(k) => format!("user mapping for {k}"),
        Node::Cast(k) => format!("cast {k}"),
        Node::TextSearchDictionary(k) => format!("text search dictionary {k}"),
        Node::TextSearchConfiguration(k) => format!("text search configuration {k}"),
        Node::TextSearchTemplate(k) => format!("text search template {k}"),
        Node::TextSearchParser(k) => format!("text search parser {k}"),
        Node::Publication(k) => format!("publication {k}"),
        Node::Subscription(k) => format!("subscription {k}"),
        Node::Language(k) => format!("language {k}"),
        Node::Transform(k) => format!("transform {k}"),
        Node::Conversion(k) => format!("conversion {k}"),
        Node::AccessMethod(k) => format!("access method {k}"),
        Node::OperatorFamily(k) => format!("operator family {k}"),
        Node::OperatorClass(k) => format!("operator class {k}"),
        Node::Default(t, c) => format!("the default of {t}.{c}"),
    }
}
