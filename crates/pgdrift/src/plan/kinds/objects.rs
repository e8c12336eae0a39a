//! Constraints, indexes, views, triggers and policies: objects that live on a table (or
//! query one) and are cheap to drop and create again, so most changes to them are a drop
//! and a create around whatever else changes.

use super::super::ddl::{self, AclTarget};
use super::super::graph::Node;
use super::super::order::Phase;
use super::super::planner::Planner;
use super::super::{HazardKind, Step};
use crate::diff::{Change, Op, Pair};
use crate::model::{
    Constraint, ConstraintKind, Index, Kind, Object, Policy, Privileges, QualName, TableKind,
    Trigger, View,
};
use crate::sql::{Ident, Verbatim};

/// Fields of a constraint that change without recreating it.
pub const CONSTRAINT_IN_PLACE: &[&str] = &["comment", "validated"];
/// Fields of an index that change without recreating it.
pub const INDEX_IN_PLACE: &[&str] = &["comment", "clustered", "options"];
/// Fields of a trigger that change without recreating it.
pub const TRIGGER_IN_PLACE: &[&str] = &["comment", "enabled"];

/// True when only `fields` of the change differ.
pub fn only(c: &Change<'_>, fields: &[&str]) -> bool {
    c.fields.iter().all(|f| fields.contains(&f.field.as_str()))
}

impl<'a> Planner<'_, 'a> {
    // ---- constraints ----

    pub fn constraint(&mut self, c: &Change<'a>, p: Pair<'a, Constraint>) {
        match c.op {
            Op::Create => {
                let x = p.current();
                if let Some(Node::Constraint(old)) = self.renames.get(&Node::Constraint(x.key())) {
                    if let Some(old) = self.diff.from.constraints.get(old) {
                        return self.rename_constraint(old, x);
                    }
                }
                self.create_constraint(x, None)
            }
            Op::Drop => {
                let x = p.current();
                if self.renamed_away(&Node::Constraint(x.key())) {
                    return;
                }
                let table = QualName::new(&x.schema, &x.table);
                if self.dropped_tables.contains(&table)
                    && !self.early.contains(&Node::Constraint(x.key()))
                {
                    // Goes with its table, but a foreign key is dropped first so that the
                    // tables can be dropped in any order.
                    if matches!(x.kind, ConstraintKind::ForeignKey { .. }) {
                        let step = Step::new(
                            ddl::drop_constraint(x),
                            Kind::Constraint,
                            Op::Drop,
                            c.name.clone(),
                        )
                        .part_of(format!("dropping table {table}"));
                        let deps = self.from.constraint_deps(x);
                        self.push(
                            Phase::EarlyDrop,
                            Node::Constraint(x.key()),
                            deps,
                            vec![step],
                        );
                    }
                    return;
                }
                self.drop_constraint(x, None);
            }
            Op::Alter => {
                let node = Node::Constraint(p.current().key());
                if let Some(reason) = self.recreate.get(&node).cloned() {
                    return self.recreate_node(&node, &reason);
                }
                let (from, to) = (p.from.expect("alter"), p.to.expect("alter"));
                let mut steps = Vec::new();
                let table = qn_table(to);
                if !from.validated && to.validated {
                    steps.push(
                        Step::new(
                            format!(
                                "ALTER TABLE {table} VALIDATE CONSTRAINT {}",
                                Ident(&to.name)
                            ),
                            Kind::Constraint,
                            Op::Alter,
                            c.name.clone(),
                        )
                        .hazard(
                            HazardKind::MayFailOnData,
                            format!("validates {} against existing rows", c.name),
                        ),
                    );
                }
                if c.changed("comment") {
                    steps.push(self.comment_step(
                        Kind::Constraint,
                        &c.name,
                        &constraint_target(to),
                        to.comment.as_deref(),
                    ));
                }
                let deps = self.to.constraint_deps(to);
                self.push(Phase::Main, node, deps, steps);
            }
        }
    }

    pub fn create_constraint(&mut self, x: &Constraint, reason: Option<&str>) {
        let key = x.key();
        let name = key.to_string();
        let table = QualName::new(&x.schema, &x.table);
        let existing = self.existing_table(&table);
        let partitioned = self
            .diff
            .to
            .tables
            .get(&table)
            .is_some_and(|t| t.kind == TableKind::Partitioned);
        let mut main = Vec::new();
        let mut after = Vec::new();
        // A foreign key on columns added by this plan without a default holds only NULLs,
        // which no foreign key rejects.
        let only_new_null_columns = match &x.kind {
            ConstraintKind::ForeignKey { columns, .. } => {
                let (old, new) = (
                    self.diff.from.tables.get(&table),
                    self.diff.to.tables.get(&table),
                );
                columns.iter().all(|name| {
                    let was = old.is_some_and(|t| t.columns.iter().any(|c| &c.name == name));
                    let plain_new = new
                        .and_then(|t| t.columns.iter().find(|c| &c.name == name))
                        .is_some_and(|c| {
                            c.default.is_none() && c.identity.is_none() && c.generated.is_none()
                        });
                    !was && plain_new
                })
            }
            _ => false,
        };
        let may_fail = |s: Step| {
            if existing && !only_new_null_columns {
                s.hazard(
                    HazardKind::MayFailOnData,
                    format!("existing rows of {table} may violate {}", x.name),
                )
            } else {
                s
            }
        };
        match &x.kind {
            ConstraintKind::Check { .. } | ConstraintKind::ForeignKey { .. }
                if existing || !x.validated =>
            {
                // Added without checking the rows (a brief lock), then validated (which
                // does not block writes): with --online in a transaction of its own.
                let add = Step::new(
                    ddl::add_constraint(x, true),
                    Kind::Constraint,
                    Op::Create,
                    name.clone(),
                );
                main.push(self.lock_hazard(add, &table));
                if x.validated {
                    let validate = may_fail(Step::new(
                        format!(
                            "ALTER TABLE {} VALIDATE CONSTRAINT {}",
                            qn_table(x),
                            Ident(&x.name)
                        ),
                        Kind::Constraint,
                        Op::Alter,
                        name.clone(),
                    ));
                    if self.opts.online {
                        after.push(validate);
                    } else {
                        main.push(validate);
                    }
                }
            }
            ConstraintKind::PrimaryKey { columns, index }
            | ConstraintKind::Unique { columns, index, .. }
                if existing && self.opts.online && !partitioned =>
            {
                // Build the index without blocking writes, then attach it as the constraint.
                let nulls_not_distinct = matches!(
                    &x.kind,
                    ConstraintKind::Unique {
                        nulls_not_distinct: true,
                        ..
                    }
                );
                let idx = Index {
                    schema: x.schema.clone(),
                    name: x.name.clone(),
                    table: x.table.clone(),
                    unique: true,
                    method: "btree".into(),
                    keys: columns
                        .iter()
                        .map(|c| crate::model::IndexKey {
                            column: Some(c.clone()),
                            expression: None,
                            opclass: None,
                            collation: None,
                            descending: false,
                            nulls_first: false,
                        })
                        .collect(),
                    include: index.include.clone(),
                    predicate: None,
                    nulls_not_distinct,
                    valid: true,
                    clustered: false,
                    options: index.index_options.clone(),
                    comment: None,
                };
                after.push(may_fail(Step::new(
                    ddl::create_index(&idx, true),
                    Kind::Constraint,
                    Op::Create,
                    name.clone(),
                )));
                let kind = if matches!(&x.kind, ConstraintKind::PrimaryKey { .. }) {
                    "PRIMARY KEY"
                } else {
                    "UNIQUE"
                };
                let mut sql = format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} {kind} USING INDEX {}",
                    qn_table(x),
                    Ident(&x.name),
                    Ident(&x.name)
                );
                if x.deferrable {
                    sql.push_str(" DEFERRABLE");
                    if x.initially_deferred {
                        sql.push_str(" INITIALLY DEFERRED");
                    }
                }
                after.push(Step::new(sql, Kind::Constraint, Op::Create, name.clone()));
            }
            kind => {
                let mut add = may_fail(Step::new(
                    ddl::add_constraint(x, false),
                    Kind::Constraint,
                    Op::Create,
                    name.clone(),
                ));
                if existing
                    && !matches!(
                        kind,
                        ConstraintKind::Check { .. } | ConstraintKind::ForeignKey { .. }
                    )
                {
                    add = add.hazard(
                        HazardKind::IndexNotConcurrent,
                        format!(
                            "builds the index of {} while writes to {table} wait",
                            x.name
                        ),
                    );
                }
                main.push(self.lock_hazard(add, &table));
            }
        }
        if let Some(first) = main.first_mut().or(after.first_mut()) {
            *first = first.clone().recreated_because(&name, reason);
        }
        if x.comment.is_some() {
            let step = self.comment_step(
                Kind::Constraint,
                &name,
                &constraint_target(x),
                x.comment.as_deref(),
            );
            if after.is_empty() {
                main.push(step);
            } else {
                after.push(step);
            }
        }
        let deps = self.to.constraint_deps(x);
        if after.is_empty() {
            self.push(Phase::Main, Node::Constraint(key), deps, main);
        } else {
            self.push(
                Phase::Main,
                Node::Constraint(key.clone()),
                deps.clone(),
                main,
            );
            self.push(Phase::After, Node::Constraint(key), deps, after);
        }
    }

    pub fn drop_constraint(&mut self, x: &Constraint, reason: Option<&str>) {
        let name = x.key().to_string();
        let mut step = Step::new(
            ddl::drop_constraint(x),
            Kind::Constraint,
            Op::Drop,
            name.clone(),
        );
        step = step.recreated_because(&name, reason);
        let deps = self.from.constraint_deps(x);
        self.push(
            Phase::EarlyDrop,
            Node::Constraint(x.key()),
            deps,
            vec![step],
        );
    }

    // ---- indexes ----

    pub fn index(&mut self, c: &Change<'a>, p: Pair<'a, Index>) {
        match c.op {
            Op::Create => {
                let x = p.current();
                if let Some(Node::Index(old)) = self.renames.get(&Node::Index(x.key())) {
                    if let Some(old) = self.diff.from.indexes.get(old) {
                        return self.rename_index(old, x);
                    }
                }
                self.create_index(x, None)
            }
            Op::Drop => {
                let x = p.current();
                let rel = QualName::new(&x.schema, &x.table);
                let gone = self.dropped_tables.contains(&rel) || self.dropped_views.contains(&rel);
                let renamed = self.renamed_away(&Node::Index(x.key()));
                if renamed || gone && !self.early.contains(&Node::Index(x.key())) {
                    return;
                }
                self.drop_index(x, None);
            }
            Op::Alter => {
                let node = Node::Index(p.current().key());
                if let Some(reason) = self.recreate.get(&node).cloned() {
                    return self.recreate_node(&node, &reason);
                }
                let (from, to) = (p.from.expect("alter"), p.to.expect("alter"));
                if from.valid && !to.valid {
                    self.invalid_in_to(&c.name);
                }
                let mut steps = Vec::new();
                let name = ddl::qn(&to.schema, &to.name).to_string();
                let (set, reset) = ddl::option_changes(&from.options, &to.options);
                if !reset.is_empty() {
                    steps.push(Step::new(
                        format!(
                            "ALTER INDEX {name} RESET ({})",
                            ddl::reloption_names(&reset)
                        ),
                        Kind::Index,
                        Op::Alter,
                        c.name.clone(),
                    ));
                }
                if !set.is_empty() {
                    steps.push(Step::new(
                        format!("ALTER INDEX {name} SET ({})", ddl::reloptions(&set)),
                        Kind::Index,
                        Op::Alter,
                        c.name.clone(),
                    ));
                }
                if from.clustered != to.clustered {
                    steps.push(self.cluster_step(to, &c.name));
                }
                if c.changed("comment") {
                    steps.push(self.comment_step(
                        Kind::Index,
                        &c.name,
                        &format!("INDEX {name}"),
                        to.comment.as_deref(),
                    ));
                }
                let deps = self.to.index_deps(to);
                self.push(Phase::Main, node, deps, steps);
            }
        }
    }

    /// An index INVALID in `to` (a failed concurrent build there): the plan builds indexes
    /// valid and cannot copy that state, so it says so.
    fn invalid_in_to(&mut self, name: &str) {
        self.manual(
            Kind::Index,
            name,
            "the index is INVALID in TO (a failed CREATE INDEX CONCURRENTLY or REINDEX there): \
             the plan builds it valid, if at all; rebuild it in TO with REINDEX INDEX \
             CONCURRENTLY, or drop it there",
        );
    }

    fn cluster_step(&self, i: &Index, object: &str) -> Step {
        let table = ddl::qn(&i.schema, &i.table);
        let sql = if i.clustered {
            format!("ALTER TABLE {table} CLUSTER ON {}", Ident(&i.name))
        } else {
            format!("ALTER TABLE {table} SET WITHOUT CLUSTER")
        };
        Step::new(sql, Kind::Index, Op::Alter, object)
    }

    pub fn create_index(&mut self, x: &Index, reason: Option<&str>) {
        let key = x.key();
        let name = key.to_string();
        if !x.valid {
            self.invalid_in_to(&name);
        }
        let rel = QualName::new(&x.schema, &x.table);
        let existing = self.existing_table(&rel) || self.diff.from.views.contains_key(&rel);
        let partitioned = self
            .diff
            .to
            .tables
            .get(&rel)
            .is_some_and(|t| t.kind == TableKind::Partitioned);
        let online = self.opts.online && existing && !partitioned;
        let mut step = Step::new(
            ddl::create_index(x, online),
            Kind::Index,
            Op::Create,
            name.clone(),
        );
        if existing && !online {
            step = step.hazard(
                HazardKind::IndexNotConcurrent,
                format!("writes to {rel} wait while {} builds", x.name),
            );
        }
        if existing && x.unique {
            step = step.hazard(
                HazardKind::MayFailOnData,
                format!("existing rows of {rel} may hold duplicates"),
            );
        }
        step = step.recreated_because(&name, reason);
        let mut steps = vec![step];
        if x.clustered {
            steps.push(self.cluster_step(x, &name));
        }
        if x.comment.is_some() {
            let target = format!("INDEX {}", ddl::qn(&x.schema, &x.name));
            steps.push(self.comment_step(Kind::Index, &name, &target, x.comment.as_deref()));
        }
        let deps = self.to.index_deps(x);
        let phase = if online { Phase::After } else { Phase::Main };
        self.push(phase, Node::Index(key), deps, steps);
    }

    pub fn drop_index(&mut self, x: &Index, reason: Option<&str>) {
        let name = x.key().to_string();
        let rel = QualName::new(&x.schema, &x.table);
        let partitioned = self
            .diff
            .from
            .tables
            .get(&rel)
            .is_some_and(|t| t.kind == TableKind::Partitioned);
        // Concurrently only for an index that goes away for good (a recreated one must be
        // gone before its replacement is built in the transaction).
        let online = self.opts.online && !partitioned && reason.is_none();
        let mut step = Step::new(
            ddl::drop_index(x, online),
            Kind::Index,
            Op::Drop,
            name.clone(),
        );
        if !x.valid {
            let again = if self.in_to(&Node::Index(x.key())) {
                " and built again"
            } else {
                ""
            };
            step = step.hazard(
                HazardKind::InvalidIndex,
                format!("{name} is INVALID in FROM (a failed concurrent build?): dropped{again}"),
            );
        }
        step = step.recreated_because(&name, reason);
        let deps = self.from.index_deps(x);
        let phase = if online {
            Phase::Before
        } else {
            Phase::EarlyDrop
        };
        self.push(phase, Node::Index(x.key()), deps, vec![step]);
    }

    // ---- views ----

    pub fn view(&mut self, c: &Change<'a>, p: Pair<'a, View>) {
        match c.op {
            Op::Create => self.create_view(p.current(), None),
            Op::Drop => self.drop_view(p.current(), None),
            Op::Alter => {
                let node = Node::View(p.current().key());
                if let Some(reason) = self.recreate.get(&node).cloned() {
                    return self.recreate_node(&node, &reason);
                }
                let (from, to) = (p.from.expect("alter"), p.to.expect("alter"));
                let mut steps = Vec::new();
                if from.definition != to.definition
                    || from.options != to.options
                    || view_columns_changed(from, to)
                {
                    steps.push(Step::new(
                        ddl::create_view(to, true),
                        Kind::View,
                        Op::Alter,
                        c.name.clone(),
                    ));
                }
                steps.extend(self.view_extras(from, to, &c.name));
                let deps = self.to.view_deps(to);
                self.push(Phase::Main, node, deps, steps);
            }
        }
    }

    pub fn create_view(&mut self, v: &View, reason: Option<&str>) {
        let name = v.key().to_string();
        let mut step = Step::new(
            ddl::create_view(v, false),
            Kind::View,
            Op::Create,
            name.clone(),
        );
        step = step.recreated_because(&name, reason);
        let mut steps = vec![step];
        let blank = View {
            comment: None,
            privileges: Privileges::default(),
            columns: v
                .columns
                .iter()
                .map(|c| crate::model::Column {
                    default: None,
                    comment: None,
                    privileges: Vec::new(),
                    ..c.clone()
                })
                .collect(),
            ..v.clone()
        };
        steps.extend(self.view_extras(&blank, v, &name));
        let deps = self.to.view_deps(v);
        self.push(Phase::Main, Node::View(v.key()), deps, steps);
    }

    /// Comments, privileges and column defaults of a view.
    fn view_extras(&self, from: &View, to: &View, name: &str) -> Vec<Step> {
        let mut steps = Vec::new();
        let keyword = ddl::view_keyword(to);
        let qn = ddl::qn(&to.schema, &to.name).to_string();
        if from.comment != to.comment {
            steps.push(self.comment_step(
                Kind::View,
                name,
                &format!("{keyword} {qn}"),
                to.comment.as_deref(),
            ));
        }
        for col in &to.columns {
            let old = from.columns.iter().find(|c| c.name == col.name);
            let old_comment = old.and_then(|c| c.comment.as_deref());
            if old_comment != col.comment.as_deref() {
                let target = format!("COLUMN {qn}.{}", Ident(&col.name));
                steps.push(self.comment_step(Kind::View, name, &target, col.comment.as_deref()));
            }
            let old_default = old.and_then(|c| c.default.as_deref());
            if old_default != col.default.as_deref() {
                let sql = match &col.default {
                    Some(d) => format!(
                        "ALTER VIEW {qn} ALTER COLUMN {} SET DEFAULT {}",
                        Ident(&col.name),
                        Verbatim(d)
                    ),
                    None => format!(
                        "ALTER VIEW {qn} ALTER COLUMN {} DROP DEFAULT",
                        Ident(&col.name)
                    ),
                };
                steps.push(Step::new(sql, Kind::View, Op::Alter, name));
            }
        }
        // Privileges: the view's, then the columns' (a REVOKE on the view also revokes the
        // privilege on its columns).
        let target = AclTarget::object(format!("TABLE {qn}"));
        let statements = ddl::privilege_statements(&target, &from.privileges, &to.privileges);
        let columns: Vec<ddl::ColumnGrants> = to
            .columns
            .iter()
            .filter_map(|c| {
                let old = from.columns.iter().find(|o| o.name == c.name)?;
                Some((c.name.as_str(), &old.privileges[..], &c.privileges[..]))
            })
            .collect();
        let regrants = ddl::regrant_columns(&target.object, &statements, &columns);
        for s in statements.into_iter().chain(regrants) {
            steps.push(self.acl_step(Kind::View, name, s));
        }
        for col in &to.columns {
            let old = from.columns.iter().find(|c| c.name == col.name);
            let old_grants = old.map_or(&[][..], |c| c.privileges.as_slice());
            let target = AclTarget::column(format!("TABLE {qn}"), &col.name);
            for s in ddl::column_privilege_statements(&target, old_grants, &col.privileges) {
                steps.push(self.acl_step(Kind::View, name, s));
            }
        }
        steps
    }

    pub fn drop_view(&mut self, v: &View, reason: Option<&str>) {
        let name = v.key().to_string();
        let mut step = Step::new(ddl::drop_view(v), Kind::View, Op::Drop, name.clone());
        let mut steps = Vec::new();
        if v.materialized && !self.in_to(&Node::View(v.key())) {
            // Gone for good: its rows are copied first. A rollback creates it again from
            // its query, which computes the rows anew.
            steps.extend(self.backup_matview(v, &name));
            step = step.hazard(
                HazardKind::DeletesData,
                format!(
                    "drops materialized view {name} and its rows (a rollback recomputes them \
                     from the query, as REFRESH does)"
                ),
            );
        }
        step = step.recreated_because(&name, reason);
        steps.push(step);
        let deps = self.from.view_deps(v);
        self.push(Phase::EarlyDrop, Node::View(v.key()), deps, steps);
    }

    // ---- triggers ----

    pub fn trigger(&mut self, c: &Change<'a>, p: Pair<'a, Trigger>) {
        match c.op {
            Op::Create => self.create_trigger(p.current(), None),
            Op::Drop => {
                let x = p.current();
                let rel = QualName::new(&x.schema, &x.table);
                let gone = self.dropped_tables.contains(&rel) || self.dropped_views.contains(&rel);
                if gone && !self.early.contains(&Node::Trigger(x.key())) {
                    return;
                }
                self.drop_trigger(x, None);
            }
            Op::Alter => {
                let node = Node::Trigger(p.current().key());
                if let Some(reason) = self.recreate.get(&node).cloned() {
                    return self.recreate_node(&node, &reason);
                }
                let (from, to) = (p.from.expect("alter"), p.to.expect("alter"));
                let mut steps = Vec::new();
                if from.enabled != to.enabled {
                    let sql = ddl::trigger_enabled(to).unwrap_or_else(|| ddl::trigger_enable(to));
                    steps.push(Step::new(sql, Kind::Trigger, Op::Alter, c.name.clone()));
                }
                if c.changed("comment") {
                    steps.push(self.comment_step(
                        Kind::Trigger,
                        &c.name,
                        &trigger_target(to),
                        to.comment.as_deref(),
                    ));
                }
                let deps = self.to.trigger_deps(to);
                self.push(Phase::Main, node, deps, steps);
            }
        }
    }

    pub fn create_trigger(&mut self, t: &Trigger, reason: Option<&str>) {
        let name = t.key().to_string();
        let mut step = Step::new(
            ddl::create_trigger(t),
            Kind::Trigger,
            Op::Create,
            name.clone(),
        );
        step = step.recreated_because(&name, reason);
        let mut steps = vec![step];
        if let Some(sql) = ddl::trigger_enabled(t) {
            steps.push(Step::new(sql, Kind::Trigger, Op::Alter, name.clone()));
        }
        if t.comment.is_some() {
            steps.push(self.comment_step(
                Kind::Trigger,
                &name,
                &trigger_target(t),
                t.comment.as_deref(),
            ));
        }
        let deps = self.to.trigger_deps(t);
        self.push(Phase::Main, Node::Trigger(t.key()), deps, steps);
    }

    pub fn drop_trigger(&mut self, t: &Trigger, reason: Option<&str>) {
        let name = t.key().to_string();
        let mut step = Step::new(ddl::drop_trigger(t), Kind::Trigger, Op::Drop, name.clone());
        if !self.in_to(&Node::Trigger(t.key())) {
            step = step.hazard(
                HazardKind::DropsBehavior,
                format!(
                    "{} no longer calls {} on {} of {}.{}",
                    t.name,
                    t.function,
                    t.events.join(" or "),
                    t.schema,
                    t.table
                ),
            );
        }
        step = step.recreated_because(&name, reason);
        let deps = self.from.trigger_deps(t);
        self.push(Phase::EarlyDrop, Node::Trigger(t.key()), deps, vec![step]);
    }

    // ---- policies ----

    pub fn policy(&mut self, c: &Change<'a>, p: Pair<'a, Policy>) {
        match c.op {
            Op::Create => self.create_policy(p.current(), None),
            Op::Drop => {
                let x = p.current();
                if self
                    .dropped_tables
                    .contains(&QualName::new(&x.schema, &x.table))
                    && !self.early.contains(&Node::Policy(x.key()))
                {
                    return;
                }
                self.drop_policy(x, None);
            }
            Op::Alter => {
                let node = Node::Policy(p.current().key());
                if let Some(reason) = self.recreate.get(&node).cloned() {
                    return self.recreate_node(&node, &reason);
                }
                let (from, to) = (p.from.expect("alter"), p.to.expect("alter"));
                let mut steps = Vec::new();
                if c.fields.iter().any(|f| f.field != "comment") {
                    if let Some(sql) = ddl::alter_policy(from, to) {
                        steps.push(Step::new(sql, Kind::Policy, Op::Alter, c.name.clone()));
                    }
                }
                if c.changed("comment") {
                    steps.push(self.comment_step(
                        Kind::Policy,
                        &c.name,
                        &policy_target(to),
                        to.comment.as_deref(),
                    ));
                }
                let deps = self.to.policy_deps(to);
                self.push(Phase::Main, node, deps, steps);
            }
        }
    }

    pub fn create_policy(&mut self, p: &Policy, reason: Option<&str>) {
        let name = p.key().to_string();
        let mut step = Step::new(
            ddl::create_policy(p),
            Kind::Policy,
            Op::Create,
            name.clone(),
        );
        step = step.recreated_because(&name, reason);
        let mut steps = vec![step];
        if p.comment.is_some() {
            steps.push(self.comment_step(
                Kind::Policy,
                &name,
                &policy_target(p),
                p.comment.as_deref(),
            ));
        }
        let deps = self.to.policy_deps(p);
        self.push(Phase::Main, Node::Policy(p.key()), deps, steps);
    }

    pub fn drop_policy(&mut self, p: &Policy, reason: Option<&str>) {
        let name = p.key().to_string();
        let mut step = Step::new(ddl::drop_policy(p), Kind::Policy, Op::Drop, name.clone());
        if !self.in_to(&Node::Policy(p.key())) {
            step = step.hazard(
                HazardKind::DropsBehavior,
                format!(
                    "row-level security on {}.{} no longer applies policy {}",
                    p.schema, p.table, p.name
                ),
            );
        }
        step = step.recreated_because(&name, reason);
        let deps = self.from.policy_deps(p);
        self.push(Phase::EarlyDrop, Node::Policy(p.key()), deps, vec![step]);
    }

    // ---- shared ----

    pub fn comment_step(&self, kind: Kind, object: &str, target: &str, text: Option<&str>) -> Step {
        Step::new(ddl::comment(target, text), kind, Op::Alter, object)
    }

    pub fn acl_step(&self, kind: Kind, object: &str, s: ddl::AclStatement) -> Step {
        let step = Step::new(s.sql, kind, Op::Alter, object);
        if s.revokes {
            step.hazard(HazardKind::PrivilegeRevoked, format!("on {object}"))
        } else {
            step
        }
    }
}

/// True when a view's columns differ in more than comments, defaults and privileges.
pub fn view_columns_changed(from: &View, to: &View) -> bool {
    from.columns.len() != to.columns.len()
        || from.columns.iter().zip(&to.columns).any(|(a, b)| {
            a.name != b.name || a.type_name != b.type_name || a.collation != b.collation
        })
}

/// True when `CREATE OR REPLACE VIEW` can turn `from` into `to`: a plain view whose
/// columns stay as they are, with new ones only at the end.
pub fn view_replaceable(from: &View, to: &View) -> bool {
    !from.materialized
        && !to.materialized
        && from.columns.len() <= to.columns.len()
        && from.columns.iter().zip(&to.columns).all(|(a, b)| {
            a.name == b.name && a.type_name == b.type_name && a.collation == b.collation
        })
}

fn qn_table(c: &Constraint) -> String {
    ddl::qn(&c.schema, &c.table).to_string()
}

fn constraint_target(c: &Constraint) -> String {
    format!("CONSTRAINT {} ON {}", Ident(&c.name), qn_table(c))
}

fn trigger_target(t: &Trigger) -> String {
    format!(
        "TRIGGER {} ON {}",
        Ident(&t.name),
        ddl::qn(&t.schema, &t.table)
    )
}

fn policy_target(p: &Policy) -> String {
    format!(
        "POLICY {} ON {}",
        Ident(&p.name),
        ddl::qn(&p.schema, &p.table)
    )
}
