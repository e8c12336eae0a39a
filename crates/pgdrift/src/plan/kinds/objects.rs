//! Views: cheap to drop and create again, so most changes to them are a drop and a create
//! around whatever else changes; and what every kind shares (comments, grants). Triggers and
//! policies (`on_table.rs`), constraints and indexes have files of their own.

use super::super::ddl::{self, AclTarget};
use super::super::graph::Node;
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::{HazardKind, Step};
use crate::diff::{Change, Op, Pair};
use crate::model::{Kind, Object, Privileges, View};
use crate::sql::{Ident, Verbatim};

/// True when only `fields` of the change differ.
pub fn only(c: &Change<'_>, fields: &[&str]) -> bool {
    c.fields.iter().all(|f| fields.contains(&f.field.as_str()))
}

impl<'a> Pass<'_, '_, 'a> {
    // ---- views ----

    pub fn view(&mut self, c: &Change<'a>, p: Pair<'a, View>) {
        match p {
            Pair::Created(x) => self.create_view(x, None),
            Pair::Dropped(x) => self.drop_view(x, None),
            Pair::Altered { from, to } => {
                let node = Node::View(p.current().key());
                if let Some(reason) = self.decided.recreate.get(&node).cloned() {
                    return self.recreate_node(&node, &reason);
                }
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
                    storage: None,
                    compression: None,
                    statistics: None,
                    options: Vec::new(),
                    ..c.clone()
                })
                .collect(),
            ..v.clone()
        };
        steps.extend(self.view_extras(&blank, v, &name));
        let deps = self.to.view_deps(v);
        self.push(Phase::Main, Node::View(v.key()), deps, steps);
    }

    /// Comments, privileges and column defaults of a view; the storage, compression,
    /// statistics targets and options of a materialized view's columns.
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
            if to.materialized {
                let relation = format!("MATERIALIZED VIEW {qn}");
                let server16 = self.server_at_least(160000);
                for sql in super::column::storage_settings(&relation, old, col, server16) {
                    steps.push(Step::new(sql, Kind::View, Op::Alter, name));
                }
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

    // ---- shared ----

    pub fn comment_step(&self, kind: Kind, object: &str, target: &str, text: Option<&str>) -> Step {
        Step::new(ddl::comment(target, text), kind, Op::Alter, object)
    }

    pub fn acl_step(&self, kind: Kind, object: &str, s: ddl::AclStatement) -> Step {
        let mut step = Step::new(s.sql, kind, Op::Alter, object);
        if let Some(guard) = s.guard {
            step = step.guarded(super::super::guard::Guard::When(guard));
        }
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
