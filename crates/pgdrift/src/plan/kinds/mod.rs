//! One module per group of kinds, each turning that kind's changes into actions; here,
//! what decides that a change needs its object dropped and created again (the seeds of
//! the planner's recreation pass), and the generic drop-and-create of one object.

mod access_method;
mod backup;
mod cast;
mod coerce;
mod collation;
mod column;
mod column_type;
mod constraint;
mod conversion;
mod database_settings;
mod default_privileges;
mod defaults;
mod event_trigger;
mod foreign;
mod index;
mod index_settings;
mod language;
mod objects;
mod on_table;
mod opclass;
mod publication;
mod rename;
pub(super) mod reshape;
mod restore;
mod routines;
mod rule;
mod schema;
mod skeleton;
mod statistics;
mod subscription;
mod table;
mod text_search;
mod transform;
mod ts_configuration;
mod ts_template;
mod types;

use super::ddl;
use super::graph::Node;
use super::order::Phase;
use super::planner::{Decide, Pass};
use super::refs::mentions;
use crate::diff::{field, label_changes, Change, ColumnChange, Op, Pair, Subject};
use crate::model::{ConstraintKind, QualName, TypeKind};
use collation::COLLATION_IN_PLACE;
use constraint::CONSTRAINT_IN_PLACE;
use index::INDEX_IN_PLACE;
use objects::{only, view_columns_changed, view_replaceable};
use on_table::TRIGGER_IN_PLACE;
use routines::{routine_needs_recreate, OPERATOR_IN_PLACE};
use text_search::TS_DICTIONARY_IN_PLACE;
use ts_configuration::TS_CONFIGURATION_IN_PLACE;
use ts_template::{TS_PARSER_IN_PLACE, TS_TEMPLATE_IN_PLACE};
use types::{domain_rebased, is_type_or_array, type_needs_recreate};

impl<'a> Decide<'_, '_, 'a> {
    /// The objects a change needs recreated, with why.
    pub fn seeds(&mut self, c: &Change<'a>, seeds: &mut Vec<(Node, String)>) {
        if let Subject::View(Pair::Dropped(view)) = c.subject {
            self.dropped_view_seeds(view, seeds);
        }
        if let Subject::Transform(Pair::Dropped(t)) = c.subject {
            self.dropped_transform_seeds(t, seeds);
        }
        if c.op != Op::Alter {
            return;
        }
        let Some(node) = Node::of_change(c) else {
            if let Subject::Column(ColumnChange {
                from_table,
                column: Pair::Altered { from, to },
                ..
            }) = c.subject
            {
                let inherited = from.inherited && to.inherited;
                let table = QualName::new(&from_table.schema, &from_table.name);
                if self.column_replaced(from, to) {
                    self.column_seeds(
                        &table,
                        &to.name,
                        true,
                        &format!("column {} is replaced", c.name),
                        seeds,
                    );
                } else if !inherited
                    && (from.type_name != to.type_name || from.collation != to.collation)
                {
                    self.column_seeds(
                        &table,
                        &to.name,
                        false,
                        &format!("column {} changes type", c.name),
                        seeds,
                    );
                }
            }
            return;
        };
        let why = |what: &str| format!("its {what} changed");
        match c.subject {
            Subject::View(Pair::Altered { from, to }) => {
                let redefined = from.definition != to.definition
                    || from.options != to.options
                    || view_columns_changed(from, to)
                    || from.materialized != to.materialized;
                if redefined && !view_replaceable(from, to) {
                    seeds.push((node, why("definition")));
                }
            }
            Subject::Constraint(Pair::Altered { from, to })
                if !only(c, CONSTRAINT_IN_PLACE) || (from.validated && !to.validated) =>
            {
                seeds.push((node, why("definition")));
            }
            // An index INVALID in `to` is not rebuilt for that: the plan only says so.
            Subject::Index(Pair::Altered { to, .. })
                if !only(c, INDEX_IN_PLACE)
                    && (to.valid
                        || !only(
                            c,
                            &[INDEX_IN_PLACE, &[field!(crate::model::Index, valid)]].concat(),
                        )) =>
            {
                seeds.push((node, why("definition")))
            }
            Subject::Trigger(_) if !only(c, TRIGGER_IN_PLACE) => {
                seeds.push((node, why("definition")))
            }
            Subject::Policy(Pair::Altered { from, to })
                if !only(c, &[field!(crate::model::Policy, comment)])
                    && ddl::alter_policy(from, to).is_none() =>
            {
                seeds.push((node, why("command or kind")));
            }
            Subject::Function(p) if routine_needs_recreate(c, p.current()) => {
                seeds.push((node, why("signature or result")));
            }
            Subject::Collation(_) if !only(c, COLLATION_IN_PLACE) => {
                self.collation_seeds(node, seeds)
            }
            Subject::ForeignServer(_) if !only(c, foreign::SERVER_IN_PLACE) => {
                self.server_seeds(node, seeds)
            }
            Subject::Cast(_) if !only(c, cast::CAST_IN_PLACE) => {
                seeds.push((node, why("definition")))
            }
            Subject::Conversion(_) if !only(c, conversion::CONVERSION_IN_PLACE) => {
                seeds.push((node, why("definition")))
            }
            Subject::TextSearchDictionary(_) if !only(c, TS_DICTIONARY_IN_PLACE) => self
                .text_search_seeds(
                    node,
                    crate::model::Kind::TextSearchDictionary,
                    "template",
                    seeds,
                ),
            Subject::TextSearchConfiguration(_) if !only(c, TS_CONFIGURATION_IN_PLACE) => {
                let kind = crate::model::Kind::TextSearchConfiguration;
                self.text_search_seeds(node, kind, "parser", seeds)
            }
            Subject::TextSearchTemplate(_) if !only(c, TS_TEMPLATE_IN_PLACE) => {
                let kind = crate::model::Kind::TextSearchTemplate;
                self.text_search_seeds(node, kind, "functions", seeds)
            }
            Subject::TextSearchParser(_) if !only(c, TS_PARSER_IN_PLACE) => {
                let kind = crate::model::Kind::TextSearchParser;
                self.text_search_seeds(node, kind, "functions", seeds)
            }
            Subject::Operator(_) if !only(c, OPERATOR_IN_PLACE) => {
                seeds.push((node, why("definition")))
            }
            Subject::AccessMethod(_) if !only(c, access_method::ACCESS_METHOD_IN_PLACE) => {
                self.access_method_seeds(node, seeds)
            }
            Subject::OperatorClass(_) if !only(c, opclass::CLASS_IN_PLACE) => {
                self.operator_class_seeds(node, seeds)
            }
            Subject::Type(Pair::Altered { from, to }) => match (&from.kind, &to.kind) {
                (TypeKind::Enum { labels: a }, TypeKind::Enum { labels: b })
                    if !label_changes(a, b).additions_only() =>
                {
                    let key = QualName::new(&to.schema, &to.name);
                    self.decided.replaced_types.insert(key.clone());
                    seeds.push((node, "its labels are removed or reordered".to_string()));
                    self.type_column_seeds(&key, seeds);
                }
                (TypeKind::Domain { .. }, TypeKind::Domain { .. }) if domain_rebased(from, to) => {
                    let key = QualName::new(&to.schema, &to.name);
                    self.decided.replaced_types.insert(key.clone());
                    seeds.push((node, "its base type changes".to_string()));
                    self.type_column_seeds(&key, seeds);
                }
                _ if type_needs_recreate(from, to) => seeds.push((node, why("definition"))),
                _ => {}
            },
            _ => {}
        }
    }

    /// What uses a dropped view and stays: it must stop using the view before the view
    /// goes (early), so it is dropped before it and created again, even when its new
    /// definition could replace the old one in place.
    fn dropped_view_seeds(&mut self, view: &crate::model::View, seeds: &mut Vec<(Node, String)>) {
        let key = QualName::new(&view.schema, &view.name);
        if !self.kept_objects_may_name(&view.name) {
            return;
        }
        let dependents: Vec<Node> = self.dependents().of(&Node::View(key.clone()));
        for d in dependents {
            let user = matches!(
                d,
                Node::View(_)
                    | Node::Function(_)
                    | Node::Policy(_)
                    | Node::Trigger(_)
                    | Node::Rule(_)
            );
            if user && self.in_to(&d) {
                if !self.altered_node(&d) {
                    self.decided.column_users.insert(d.clone());
                }
                seeds.push((d, format!("it uses view {key}, which is dropped")));
            }
        }
    }

    /// False when no view, routine, policy or trigger on both sides has `name` in its
    /// text: then nothing that stays can depend on the object so named, and the whole
    /// graph of dependents need not be built.
    fn kept_objects_may_name(&self, name: &str) -> bool {
        if name.contains('"') {
            return true;
        }
        let (from, to) = (self.diff.from, self.diff.to);
        from.views
            .iter()
            .any(|(k, v)| to.views.contains_key(k) && v.definition.contains(name))
            || from
                .functions
                .iter()
                .any(|(k, f)| to.functions.contains_key(k) && f.body.contains(name))
            || from.policies.iter().any(|(k, p)| {
                to.policies.contains_key(k)
                    && [&p.using, &p.with_check]
                        .into_iter()
                        .flatten()
                        .any(|e| e.contains(name))
            })
            || from
                .triggers
                .iter()
                .any(|(k, t)| to.triggers.contains_key(k) && t.definition.contains(name))
            || from
                .rules
                .iter()
                .any(|(k, r)| to.rules.contains_key(k) && r.definition.contains(name))
    }

    /// The columns converted when a type is replaced: what depends on them is recreated
    /// too, as for any type change.
    fn type_column_seeds(&mut self, ty: &QualName, seeds: &mut Vec<(Node, String)>) {
        let mut columns = Vec::new();
        for (tk, t) in &self.diff.from.tables {
            for col in &t.columns {
                if is_type_or_array(&col.type_name, ty) {
                    columns.push((tk.clone(), col.name.clone()));
                }
            }
        }
        for (t, c) in columns {
            self.column_seeds(&t, &c, false, &format!("type {ty} is recreated"), seeds);
        }
    }

    /// What depends on column `column` of `table` and cannot survive its change: views,
    /// triggers, policies and SQL-standard routines that name it (and with `keys`, indexes
    /// and constraints, which PostgreSQL drops with a dropped column).
    fn column_seeds(
        &mut self,
        table: &QualName,
        column: &str,
        keys: bool,
        reason: &str,
        seeds: &mut Vec<(Node, String)>,
    ) {
        if !keys {
            self.decided
                .retyped
                .insert((table.clone(), column.to_string()));
        }
        let dependents: Vec<Node> = self.dependents().of(&Node::Table(table.clone()));
        for d in dependents {
            let relevant = match &d {
                Node::View(_)
                | Node::Trigger(_)
                | Node::Policy(_)
                | Node::Function(_)
                | Node::Rule(_) => true,
                Node::Index(_) | Node::Constraint(_) => keys,
                _ => false,
            };
            if !relevant || !self.mentions_column(&d, table, column) {
                continue;
            }
            let why = format!("it uses {table}.{column}: {reason}");
            if self.in_to(&d) {
                if !self.altered_node(&d) {
                    self.decided.column_users.insert(d.clone());
                }
                seeds.push((d, why));
            } else {
                self.decided.early.insert(d);
            }
        }
    }

    /// Foreign keys whose columns change type on both sides: PostgreSQL rebuilds a foreign
    /// key after each column's change and fails when the two sides do not compare yet (text
    /// against integer), so such keys are dropped before and added again after.
    pub(in crate::plan) fn foreign_key_seeds(&mut self, seeds: &mut Vec<(Node, String)>) {
        if self.decided.retyped.is_empty() {
            return;
        }
        let mut found = Vec::new();
        for (k, x) in &self.diff.from.constraints {
            let ConstraintKind::ForeignKey {
                columns,
                references,
                referenced_columns,
                ..
            } = &x.kind
            else {
                continue;
            };
            let own = QualName::new(&x.schema, &x.table);
            if self.dropped_tables.contains(&own) || self.dropped_tables.contains(references) {
                continue;
            }
            let both = columns.iter().zip(referenced_columns).find(|(a, b)| {
                self.decided.retyped.contains(&(own.clone(), a.to_string()))
                    && self
                        .decided
                        .retyped
                        .contains(&(references.clone(), b.to_string()))
            });
            if let Some((a, b)) = both {
                found.push((
                    Node::Constraint(k.clone()),
                    format!("{own}.{a} and {references}.{b} both change type"),
                ));
            }
        }
        for (node, why) in found {
            if self.in_to(&node) {
                if !self.altered_node(&node) {
                    self.decided.column_users.insert(node.clone());
                }
                seeds.push((node, why));
            } else {
                self.decided.early.insert(node);
            }
        }
    }

    /// True when the `from` object `node` names column `column` of `table`.
    fn mentions_column(&self, node: &Node, table: &QualName, column: &str) -> bool {
        let c = self.diff.from;
        match node {
            Node::View(k) => c
                .views
                .get(k)
                .is_some_and(|v| mentions(&v.definition, column)),
            Node::Trigger(k) => c
                .triggers
                .get(k)
                .is_some_and(|t| mentions(&t.definition, column)),
            Node::Rule(k) => c
                .rules
                .get(k)
                .is_some_and(|r| mentions(&r.definition, column)),
            Node::Policy(k) => c.policies.get(k).is_some_and(|p| {
                [&p.using, &p.with_check]
                    .into_iter()
                    .flatten()
                    .any(|e| mentions(e, column))
            }),
            Node::Function(k) => c
                .functions
                .get(k)
                .is_some_and(|f| ddl::has_standard_body(f) && mentions(&f.body, column)),
            Node::Index(k) => c.indexes.get(k).is_some_and(|i| {
                i.keys.iter().any(|key| {
                    key.column.as_deref() == Some(column)
                        || key
                            .expression
                            .as_deref()
                            .is_some_and(|e| mentions(e, column))
                }) || i.include.iter().any(|x| x == column)
                    || i.predicate.as_deref().is_some_and(|p| mentions(p, column))
            }),
            Node::Constraint(k) => c.constraints.get(k).is_some_and(|x| {
                let own = x.schema == table.schema && x.table == table.name;
                match &x.kind {
                    ConstraintKind::PrimaryKey { columns, index }
                    | ConstraintKind::Unique { columns, index, .. } => {
                        own && (columns.iter().any(|n| n == column)
                            || index.include.iter().any(|n| n == column))
                    }
                    ConstraintKind::Check { expression, .. } => own && mentions(expression, column),
                    ConstraintKind::Exclusion { definition, .. } => {
                        own && mentions(definition, column)
                    }
                    ConstraintKind::ForeignKey {
                        columns,
                        references,
                        referenced_columns,
                        ..
                    } => {
                        (own && columns.iter().any(|n| n == column))
                            || (references == table
                                && referenced_columns.iter().any(|n| n == column))
                    }
                }
            }),
            _ => false,
        }
    }
}

impl Pass<'_, '_, '_> {
    /// Drops an object early (as it is in `from`) and creates it again (as it is in `to`).
    /// The reason becomes a hazard when the object is recreated for something else's sake
    /// (and, for a routine, on its drop: callers see it missing until the commit).
    pub fn recreate_node(&mut self, node: &Node, reason: &str) {
        let (from, to) = (self.diff.from, self.diff.to);
        let own = self.decided.own.contains(node);
        let r = if own { None } else { Some(reason) };
        match node {
            Node::View(k) => {
                if let (Some(a), Some(b)) = (from.views.get(k), to.views.get(k)) {
                    self.drop_view(a, r);
                    self.create_view(b, r);
                }
            }
            Node::Constraint(k) => {
                if let (Some(a), Some(b)) = (from.constraints.get(k), to.constraints.get(k)) {
                    self.drop_planned(a, Phase::EarlyDrop, r);
                    self.create_constraint(b, r);
                }
            }
            Node::Index(k) => {
                if let (Some(a), Some(b)) = (from.indexes.get(k), to.indexes.get(k)) {
                    self.drop_index(a, r);
                    self.create_index(b, r);
                }
            }
            Node::Trigger(k) => self.recreate_planned(&from.triggers, &to.triggers, k, r),
            Node::Policy(k) => self.recreate_planned(&from.policies, &to.policies, k, r),
            Node::Function(k) => {
                if let (Some(a), Some(b)) = (from.functions.get(k), to.functions.get(k)) {
                    self.drop_function(a, Phase::EarlyDrop, Some(reason));
                    self.create_planned(b, r);
                }
            }
            Node::Operator(k) => self.recreate_planned(&from.operators, &to.operators, k, r),
            Node::Type(k) => self.recreate_planned(&from.types, &to.types, k, r),
            Node::Rule(k) => self.recreate_planned(&from.rules, &to.rules, k, r),
            Node::ExtendedStatistics(k) => {
                self.recreate_planned(&from.extended_statistics, &to.extended_statistics, k, r)
            }
            Node::Collation(k) => self.recreate_planned(&from.collations, &to.collations, k, r),
            Node::EventTrigger(k) => {
                self.recreate_planned(&from.event_triggers, &to.event_triggers, k, r)
            }
            Node::ForeignServer(k) => {
                self.recreate_planned(&from.foreign_servers, &to.foreign_servers, k, r)
            }
            Node::Cast(k) => self.recreate_planned(&from.casts, &to.casts, k, r),
            Node::TextSearchDictionary(k) => self.recreate_ts_dictionary(k, r),
            Node::TextSearchConfiguration(k) => {
                let (a, b) = (
                    &from.text_search_configurations,
                    &to.text_search_configurations,
                );
                self.recreate_planned(a, b, k, r)
            }
            Node::TextSearchTemplate(k) => {
                let (a, b) = (&from.text_search_templates, &to.text_search_templates);
                self.recreate_planned(a, b, k, r)
            }
            Node::TextSearchParser(k) => {
                let (a, b) = (&from.text_search_parsers, &to.text_search_parsers);
                self.recreate_planned(a, b, k, r)
            }
            Node::Publication(k) => {
                self.recreate_planned(&from.publications, &to.publications, k, r)
            }
            Node::Language(k) => self.recreate_planned(&from.languages, &to.languages, k, r),
            Node::Transform(k) => self.recreate_planned(&from.transforms, &to.transforms, k, r),
            Node::Conversion(k) => self.recreate_planned(&from.conversions, &to.conversions, k, r),
            Node::AccessMethod(k) => {
                self.recreate_planned(&from.access_methods, &to.access_methods, k, r)
            }
            Node::OperatorFamily(k) => {
                let (a, b) = (&from.operator_families, &to.operator_families);
                self.recreate_planned(a, b, k, r)
            }
            Node::OperatorClass(k) => {
                let (a, b) = (&from.operator_classes, &to.operator_classes);
                self.recreate_planned(a, b, k, r)
            }
            _ => {}
        }
    }
}
