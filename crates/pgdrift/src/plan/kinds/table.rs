//! Tables: creation (columns, partitioning, storage settings, comments, grants), drops,
//! and table-level changes (logging, partitions, inheritance, row-level security, replica
//! identity, access method, storage parameters, foreign options).

use super::super::ddl::{self, AclTarget};
use super::super::graph::Node;
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::{HazardKind, Step};
use crate::diff::{Change, Op, Pair};
use crate::model::{Catalog, Column, Kind, Object, Privileges, Table, TableKind};
use crate::sql::{Ident, Verbatim};

impl<'a> Pass<'_, '_, 'a> {
    /// True when a column default of the `to` catalog calls a routine there: it is set
    /// after the table exists, since the routine may itself need the table.
    pub fn split_default(&self, c: &Column) -> bool {
        let Some(d) = &c.default else {
            return false;
        };
        let mut refs = Vec::new();
        self.to.refs(d, &mut refs);
        refs.iter().any(|n| matches!(n, Node::Function(_)))
    }

    pub fn table(&mut self, c: &Change<'a>, p: Pair<'a, Table>) {
        match p {
            Pair::Created(x) => self.create_table(x, &c.name),
            Pair::Dropped(_) => {
                let t = p.current();
                let step = Step::new(
                    format!(
                        "DROP {} {}",
                        ddl::table_keyword(t),
                        ddl::qn(&t.schema, &t.name)
                    ),
                    Kind::Table,
                    Op::Drop,
                    c.name.clone(),
                )
                .hazard(
                    HazardKind::DeletesData,
                    format!(
                        "drops table {} and all its rows{}",
                        c.name,
                        large_objects_note(t, None)
                    ),
                );
                let deps = self.from.table_deps(t, |_| true);
                let mut steps = self.backup_table(t, &c.name);
                steps.push(step);
                let phase = if self.decided.early.contains(&Node::Table(t.key())) {
                    Phase::EarlyDrop
                } else {
                    Phase::LateDrop
                };
                self.push(phase, Node::Table(t.key()), deps, steps);
            }
            Pair::Altered { from, to } => self.alter_table(c, from, to),
        }
    }

    fn create_table(&mut self, t: &Table, name: &str) {
        let key = t.key();
        let split: Vec<String> = t
            .columns
            .iter()
            .filter(|c| !c.inherited && self.split_default(c))
            .map(|c| c.name.clone())
            .collect();
        let inline = |c: &Column| !split.contains(&c.name);
        let mut steps = vec![Step::new(
            ddl::create_table(t, inline),
            Kind::Table,
            Op::Create,
            name,
        )];
        let qn = ddl::qn(&t.schema, &t.name).to_string();
        if let Some(ty) = &t.of_type {
            // Created with its columns, then bound to the type (whose attributes they match).
            steps.push(Step::new(
                format!("ALTER TABLE {qn} OF {}", ddl::qn(&ty.schema, &ty.name)),
                Kind::Table,
                Op::Alter,
                name,
            ));
        }
        let target = format!("FOREIGN TABLE {qn}");
        self.secret_manual(Kind::Table, name, &target, &[], &t.foreign_options);
        steps.extend(self.restore_table(t, name));
        // Table privileges before column ones: a table-level REVOKE also revokes the
        // privilege on every column.
        steps.extend(self.table_extras(None, &Privileges::default(), None, t, name));
        for col in t.columns.iter().filter(|c| !c.inherited) {
            steps.extend(self.column_settings(t, None, col, name));
        }
        // What an inherited column has of its own: NOT NULL and a default its parent lacks.
        let mut own_defaults = Vec::new();
        for col in t.columns.iter().filter(|c| c.inherited) {
            let parent = inherited_from(self.diff.to, t, &col.name);
            if col.not_null && !parent.is_some_and(|p| p.not_null) {
                steps.push(Step::new(
                    format!(
                        "ALTER TABLE {qn} ALTER COLUMN {} SET NOT NULL",
                        Ident(&col.name)
                    ),
                    Kind::Column,
                    Op::Alter,
                    name,
                ));
            }
            if col.default.is_some() && col.default != parent.and_then(|p| p.default.clone()) {
                own_defaults.push(col.name.clone());
            }
        }
        if t.rls_enabled {
            steps.push(Step::new(
                format!("ALTER TABLE {qn} ENABLE ROW LEVEL SECURITY"),
                Kind::Table,
                Op::Alter,
                name,
            ));
        }
        if t.rls_forced {
            steps.push(Step::new(
                format!("ALTER TABLE {qn} FORCE ROW LEVEL SECURITY"),
                Kind::Table,
                Op::Alter,
                name,
            ));
        }
        let deps = self.to.table_deps(t, inline);
        self.push(Phase::Main, Node::Table(key.clone()), deps, steps);
        for col in split.into_iter().chain(own_defaults) {
            self.out.set_defaults.insert((key.clone(), col));
        }
    }

    /// Comment and grants of a table, and the column grants its revocations take away
    /// from the columns of `from` that stay.
    fn table_extras(
        &self,
        comment: Option<&str>,
        privileges: &Privileges,
        from: Option<&Table>,
        to: &Table,
        name: &str,
    ) -> Vec<Step> {
        let mut steps = Vec::new();
        let target = format!(
            "{} {}",
            ddl::table_keyword(to),
            ddl::qn(&to.schema, &to.name)
        );
        if comment != to.comment.as_deref() {
            steps.push(self.comment_step(Kind::Table, name, &target, to.comment.as_deref()));
        }
        let acl = AclTarget::object(format!("TABLE {}", ddl::qn(&to.schema, &to.name)));
        let statements = ddl::privilege_statements(&acl, privileges, &to.privileges);
        let kept: Vec<ddl::ColumnGrants> = to
            .columns
            .iter()
            .filter_map(|c| {
                let before = from?.column(&c.name)?;
                Some((
                    c.name.as_str(),
                    before.privileges.as_slice(),
                    c.privileges.as_slice(),
                ))
            })
            .collect();
        let regrants = ddl::regrant_columns(&acl.object, &statements, &kept);
        for s in statements.into_iter().chain(regrants) {
            steps.push(self.acl_step(Kind::Table, name, s));
        }
        steps
    }

    fn alter_table(&mut self, c: &Change<'a>, from: &'a Table, to: &'a Table) {
        let key = to.key();
        let qn = ddl::qn(&to.schema, &to.name).to_string();
        let keyword = ddl::table_keyword(to);
        let name = c.name.as_str();
        let mut steps = Vec::new();
        let step = |sql: String| Step::new(sql, Kind::Table, Op::Alter, name);
        if from.kind != to.kind || from.partition_key != to.partition_key {
            self.manual(
                Kind::Table,
                name,
                format!(
                    "{name} changes from {} to {}: PostgreSQL cannot change a table's kind or partition key in place; \
                     create the new table, copy the rows, and swap the names",
                    describe_kind(from),
                    describe_kind(to)
                ),
            );
        }
        if from.foreign_server != to.foreign_server {
            self.manual(
                Kind::Table,
                name,
                format!(
                    "foreign table {name} moves to another server: drop and recreate it by hand"
                ),
            );
        }
        // Partitions: detach from the old parent, attach to the new one.
        if from.partition_of != to.partition_of || from.partition_bound != to.partition_bound {
            if let Some(parent) = &from.partition_of {
                steps.push(step(format!(
                    "ALTER TABLE {} DETACH PARTITION {qn}",
                    ddl::qn(&parent.schema, &parent.name)
                )));
            }
            if let (Some(parent), Some(bound)) = (&to.partition_of, &to.partition_bound) {
                let s = step(format!(
                    "ALTER TABLE {} ATTACH PARTITION {qn} {}",
                    ddl::qn(&parent.schema, &parent.name),
                    Verbatim(bound)
                ))
                .hazard(
                    HazardKind::MayFailOnData,
                    format!("rows of {name} outside the partition bound make it fail"),
                );
                steps.push(s);
            }
        }
        if from.of_type != to.of_type {
            if from.of_type.is_some() {
                steps.push(step(format!("ALTER TABLE {qn} NOT OF")));
            }
            if let Some(ty) = &to.of_type {
                steps.push(step(format!(
                    "ALTER TABLE {qn} OF {}",
                    ddl::qn(&ty.schema, &ty.name)
                )));
            }
        }
        for parent in from.inherits.iter().filter(|p| !to.inherits.contains(p)) {
            steps.push(step(format!(
                "ALTER TABLE {qn} NO INHERIT {}",
                ddl::qn(&parent.schema, &parent.name)
            )));
        }
        for parent in to.inherits.iter().filter(|p| !from.inherits.contains(p)) {
            steps.push(step(format!(
                "ALTER TABLE {qn} INHERIT {}",
                ddl::qn(&parent.schema, &parent.name)
            )));
        }
        if from.unlogged != to.unlogged {
            let s = step(format!(
                "ALTER TABLE {qn} SET {}",
                if to.unlogged { "UNLOGGED" } else { "LOGGED" }
            ))
            .hazard(
                HazardKind::RewritesTable,
                format!("{name} is rewritten to change its logging"),
            );
            steps.push(self.lock_hazard(s, &key));
        }
        if from.access_method != to.access_method {
            let am = to.access_method.as_deref().unwrap_or("heap");
            let s = step(format!("ALTER TABLE {qn} SET ACCESS METHOD {}", Ident(am))).hazard(
                HazardKind::RewritesTable,
                format!("{name} is rewritten into access method {am}"),
            );
            steps.push(self.lock_hazard(s, &key));
        }
        let (set, reset) = ddl::option_changes(&from.options, &to.options);
        if !reset.is_empty() {
            steps.push(step(format!(
                "ALTER TABLE {qn} RESET ({})",
                ddl::reloption_names(&reset)
            )));
        }
        if !set.is_empty() {
            steps.push(step(format!(
                "ALTER TABLE {qn} SET ({})",
                ddl::reloptions(&set)
            )));
        }
        if from.foreign_server == to.foreign_server {
            let target = format!("FOREIGN TABLE {qn}");
            let (f, t) = (&from.foreign_options, &to.foreign_options);
            steps.extend(ddl::alter_options(&target, f, t).map(step));
            self.secret_manual(Kind::Table, name, &target, f, t);
        }
        if from.rls_enabled != to.rls_enabled {
            steps.push(step(format!(
                "ALTER TABLE {qn} {} ROW LEVEL SECURITY",
                if to.rls_enabled { "ENABLE" } else { "DISABLE" }
            )));
        }
        if from.rls_forced != to.rls_forced {
            steps.push(step(format!(
                "ALTER TABLE {qn} {} ROW LEVEL SECURITY",
                if to.rls_forced { "FORCE" } else { "NO FORCE" }
            )));
        }
        steps.extend(self.table_extras(
            from.comment.as_deref(),
            &from.privileges,
            Some(from),
            to,
            name,
        ));
        let _ = keyword;
        let deps = self.to.table_deps(to, |c| !self.split_default(c));
        self.push(Phase::Main, Node::Table(key), deps, steps);
    }
}

/// What a drop says about the large objects its columns may point at.
pub fn large_objects_note(t: &Table, column: Option<&str>) -> String {
    let columns = super::backup::large_object_columns(t, column);
    if columns.is_empty() {
        return String::new();
    }
    format!(
        "; {} may point at large objects, which stay behind unreferenced (vacuumlo would delete \
         them; the backup keeps their oids)",
        columns.join(", ")
    )
}

fn describe_kind(t: &Table) -> String {
    match (t.kind, &t.partition_key) {
        (TableKind::Partitioned, Some(k)) => format!("a table partitioned by {k}"),
        (TableKind::Partitioned, None) => "a partitioned table".into(),
        (TableKind::Foreign, _) => "a foreign table".into(),
        (TableKind::Table, _) => "an ordinary table".into(),
    }
}

/// The column `column` of the first parent of `t` (its partitioned table, or a parent by
/// inheritance) in `catalog` that has it: what an inherited column gets from its parent.
pub fn inherited_from<'c>(catalog: &'c Catalog, t: &Table, column: &str) -> Option<&'c Column> {
    t.partition_of
        .iter()
        .chain(&t.inherits)
        .filter_map(|p| catalog.tables.get(p))
        .find_map(|p| p.column(column))
}
