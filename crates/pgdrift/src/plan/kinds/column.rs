//! Columns: added, dropped, and changed field by field (type with a `USING` cast where
//! PostgreSQL has no assignment cast, nullability, identity, generation, storage, ...).
//! A dropped or replaced column's values are backed up first (`backup`) and, in a
//! rollback, put back (`restore`); defaults, and type and identity changes (`column_type`),
//! have files of their own.

use super::super::ddl::{self, AclTarget};
use super::super::graph::Node;
use super::super::guard::{self, Guard};
use super::super::order::Phase;
use super::super::planner::{Facts, Pass};
use super::super::{HazardKind, Step};
use crate::diff::{Change, Op, Pair};
use crate::model::{Catalog, Column, Kind, Object, QualName, Table};
use crate::sql::{Ident, Verbatim};

impl<'a> Pass<'_, '_, 'a> {
    pub fn column(
        &mut self,
        c: &Change<'a>,
        from_table: &'a Table,
        to_table: &'a Table,
        p: Pair<'a, Column>,
    ) {
        let key = to_table.key();
        let qn = ddl::qn(&to_table.schema, &to_table.name).to_string();
        let name = c.name.as_str();
        match p {
            Pair::Created(col) => {
                if col.inherited {
                    // Added to the parent, which gives it to its children.
                    return;
                }
                let split = self.split_default(col);
                // A rollback fills a restored column from its backup before it becomes
                // NOT NULL.
                let restoring = self.restores_column(to_table, &col.name);
                let definition = if restoring {
                    let nullable = Column {
                        not_null: false,
                        ..col.clone()
                    };
                    ddl::column_definition(&to_table.schema, &nullable, !split)
                } else {
                    ddl::column_definition(&to_table.schema, col, !split)
                };
                let mut add = Step::new(
                    format!("ALTER TABLE {qn} ADD COLUMN {definition}"),
                    Kind::Column,
                    Op::Create,
                    name,
                )
                .guarded(Guard::When(guard::not(&guard::column::exists(
                    &key, &col.name,
                ))));
                if col.not_null
                    && col.default.is_none()
                    && col.identity.is_none()
                    && col.generated.is_none()
                    && !restoring
                {
                    add = add.hazard(
                        HazardKind::MayFailOnData,
                        format!("{name} is NOT NULL without a default: fails if {key} has rows"),
                    );
                }
                if col.identity.is_some()
                    || col.generated.as_ref().is_some_and(|g| g.stored)
                    || volatile_default(col)
                {
                    add = add.hazard(
                        HazardKind::RewritesTable,
                        format!("{key} is rewritten to fill {}", col.name),
                    );
                }
                let mut steps = Vec::new();
                let restore = self.opts.restore.is_some() && col.generated.is_none();
                if restore {
                    steps.extend(self.restore_guard(to_table, col, name));
                }
                steps.push(self.lock_hazard(add, &key));
                if restore {
                    steps.extend(self.restore_column(to_table, col, name));
                }
                steps.extend(self.column_settings(to_table, None, col, name));
                let mut deps = Vec::new();
                self.to.column_deps(col, !split, &mut deps);
                self.push(Phase::Main, Node::Table(key.clone()), deps, steps);
                if split {
                    self.out.set_defaults.insert((key, col.name.clone()));
                }
            }
            Pair::Dropped(_) => {
                let col = p.current();
                if col.inherited {
                    return;
                }
                // Children that keep their copy in TO: `ONLY` leaves it to them (as their
                // own), and the children that lose it drop it themselves.
                let children =
                    inheriting_children(self.diff.from, self.diff.to, from_table, &col.name);
                let only = children.iter().any(|(_, keeps)| *keeps);
                let step = Step::new(
                    format!(
                        "ALTER TABLE {}{qn} DROP COLUMN {}",
                        if only { "ONLY " } else { "" },
                        Ident(&col.name)
                    ),
                    Kind::Column,
                    Op::Drop,
                    name,
                )
                .guarded(Guard::When(guard::column::exists(
                    &from_table.key(),
                    &col.name,
                )))
                .hazard(
                    HazardKind::DeletesData,
                    format!(
                        "drops column {name} and its values{}",
                        super::table::large_objects_note(from_table, Some(&col.name))
                    ),
                );
                let step = self.unmatched_hazard(step, from_table, &col.name);
                let mut deps = Vec::new();
                self.from.column_deps(col, true, &mut deps);
                let mut steps = self.backup_column(from_table, &col.name, name);
                steps.push(step);
                for (child, _) in children.iter().filter(|(_, keeps)| only && !keeps) {
                    let child_name = format!("{}.{}", child.key(), col.name);
                    steps.extend(self.backup_column(child, &col.name, &child_name));
                    let drop = Step::new(
                        format!(
                            "ALTER TABLE {} DROP COLUMN {}",
                            ddl::qn(&child.schema, &child.name),
                            Ident(&col.name)
                        ),
                        Kind::Column,
                        Op::Drop,
                        child_name.clone(),
                    )
                    .guarded(Guard::When(guard::column::exists(&child.key(), &col.name)))
                    .hazard(
                        HazardKind::DeletesData,
                        format!("drops column {child_name} and its values"),
                    );
                    steps.push(drop);
                }
                self.push(Phase::LateDrop, Node::Table(key), deps, steps);
            }
            Pair::Altered { from, to } => self.alter_column(c, from_table, to_table, from, to),
        }
    }

    fn alter_column(
        &mut self,
        c: &Change<'a>,
        from_table: &Table,
        to_table: &'a Table,
        from: &Column,
        to: &'a Column,
    ) {
        let key = to_table.key();
        let qn = ddl::qn(&to_table.schema, &to_table.name).to_string();
        let col = Ident(&to.name).to_string();
        let name = c.name.as_str();
        let step = |sql: String| Step::new(sql, Kind::Column, Op::Alter, name);
        let inherited = from.inherited && to.inherited;
        // A table attached as a partition holds its columns only through its parent after
        // the attach; a table that starts to inherit keeps them as its own too.
        if !from.inherited && to.inherited && to_table.partition_of.is_none() {
            self.manual(
                Kind::Column,
                name,
                format!(
                    "{name} is defined by {key} itself in FROM and only inherited in TO: \
                     PostgreSQL cannot make a column inherited-only without dropping it (and its \
                     values) from {key}; it stays defined there too, which only matters when its \
                     parent drops the column"
                ),
            );
        }
        let replace = self.column_replaced(from, to);
        let retype = !replace
            && !inherited
            && (from.type_name != to.type_name || from.collation != to.collation);
        // Early: defaults and identities out of the way.
        if from.default != to.default || (retype && from.default.is_some()) || replace {
            if from.default.is_some() {
                self.out
                    .reset_defaults
                    .insert((key.clone(), to.name.clone()));
            } else if to.default.is_some() {
                self.out.set_defaults.insert((key.clone(), to.name.clone()));
            }
        }
        if from.identity.is_some() && to.identity.is_none() && !inherited {
            // The identity's sequence goes with it, and with it the position it reached: the
            // state a sequence holds is data. Backed up first; the rollback puts it back.
            let s = step(format!("ALTER TABLE {qn} ALTER COLUMN {col} DROP IDENTITY")).hazard(
                HazardKind::DeletesData,
                format!("{name} loses its identity, and its sequence the position it reached"),
            );
            let mut steps: Vec<Step> = self
                .backup_identity(from_table, from, name)
                .into_iter()
                .collect();
            steps.push(s);
            self.push(
                Phase::EarlyDrop,
                Node::Default(key.clone(), to.name.clone()),
                Vec::new(),
                steps,
            );
        }
        let mut steps = Vec::new();
        if replace {
            // A column that becomes generated, or changes generation where PostgreSQL
            // cannot, is replaced: dropped and added again with the new definition.
            let destructive = from.generated.is_none();
            let mut drop = step(format!("ALTER TABLE {qn} DROP COLUMN {col}"));
            drop = if destructive {
                let drop = drop.hazard(
                    HazardKind::DeletesData,
                    format!("{name} becomes a generated column: its stored values are replaced"),
                );
                self.unmatched_hazard(drop, from_table, &to.name)
            } else {
                drop.hazard(
                    HazardKind::RewritesTable,
                    format!("{key} is rewritten to recompute {}", to.name),
                )
            };
            let mut add = step(format!(
                "ALTER TABLE {qn} ADD COLUMN {}",
                ddl::column_definition(&to_table.schema, to, !self.split_default(to))
            ));
            if destructive {
                add = add.part_of(format!("replacing column {name}"));
            }
            if destructive {
                steps.extend(self.backup_column(from_table, &to.name, name));
            }
            steps.push(self.lock_hazard(drop, &key));
            steps.push(add);
            steps.extend(self.column_settings(to_table, None, to, name));
        } else {
            if retype {
                match self.no_conversion(from, to) {
                    Some(reason) => self.manual(Kind::Column, name, reason),
                    None => {
                        self.retype_steps(&qn, from_table, to_table, from, to, name, &mut steps)
                    }
                }
            }
            if !inherited {
                if from.generated.is_some() && to.generated.is_none() {
                    // In a rollback: values that cannot be matched back stop it first.
                    steps.extend(self.restore_guard(to_table, to, name));
                }
                self.generation_steps(&qn, to_table, from, to, name, &mut steps);
                if from.not_null != to.not_null {
                    self.not_null_steps(&qn, &key, to, name, &mut steps);
                }
                self.identity_steps(&qn, &key, from, to, name, &mut steps);
            } else if from.not_null != to.not_null && !self.parent_makes_not_null(to_table, to) {
                // A NOT NULL of the child's own, which its parent does not give it.
                self.not_null_steps(&qn, &key, to, name, &mut steps);
            }
            steps.extend(self.column_settings(to_table, Some(from), to, name));
        }
        let mut deps = Vec::new();
        self.to.column_deps(to, false, &mut deps);
        self.push(Phase::Main, Node::Table(key), deps, steps);
    }

    /// True when a parent of `t` changes column `col` to the same nullability in this plan:
    /// the change reaches `t` from there.
    fn parent_makes_not_null(&self, t: &Table, col: &Column) -> bool {
        let before = super::table::inherited_from(self.diff.from, t, &col.name);
        let after = super::table::inherited_from(self.diff.to, t, &col.name);
        match (before, after) {
            (Some(b), Some(a)) => b.not_null != a.not_null && a.not_null == col.not_null,
            (None, Some(a)) => a.not_null == col.not_null,
            _ => false,
        }
    }

    /// On a step that deletes a column's values: the hazard that says a rollback cannot
    /// match them back to their rows, when the table has no key for it.
    pub(super) fn unmatched_hazard(&self, step: Step, t: &Table, column: &str) -> Step {
        if !super::backup::holds_rows(t) || self.column_key(t, column).is_some() {
            return step;
        }
        step.hazard(
            HazardKind::NotRestorable,
            format!(
                "{}.{} has no primary key or unique not-null key to match {column}'s values to \
                 their rows: its backup holds the whole table and a rollback stops instead of \
                 restoring the column",
                t.schema, t.name
            ),
        )
    }

    fn generation_steps(
        &self,
        qn: &str,
        table: &Table,
        from: &Column,
        to: &Column,
        name: &str,
        steps: &mut Vec<Step>,
    ) {
        let col = Ident(&to.name);
        match (&from.generated, &to.generated) {
            (Some(_), None) => {
                steps.push(Step::new(
                    format!("ALTER TABLE {qn} ALTER COLUMN {col} DROP EXPRESSION"),
                    Kind::Column,
                    Op::Alter,
                    name,
                ));
                // In a rollback: the values the column held before it became generated.
                steps.extend(self.restore_values(table, to, name));
            }
            (Some(a), Some(b)) if a != b => steps.push(
                Step::new(
                    format!(
                        "ALTER TABLE {qn} ALTER COLUMN {col} SET EXPRESSION AS ({})",
                        Verbatim(&b.expression)
                    ),
                    Kind::Column,
                    Op::Alter,
                    name,
                )
                .hazard(
                    HazardKind::RewritesTable,
                    format!("{name} is recomputed for every row"),
                ),
            ),
            _ => {}
        }
    }

    fn not_null_steps(
        &self,
        qn: &str,
        key: &QualName,
        to: &Column,
        name: &str,
        steps: &mut Vec<Step>,
    ) {
        let col = Ident(&to.name);
        if !to.not_null {
            steps.push(
                Step::new(
                    format!("ALTER TABLE {qn} ALTER COLUMN {col} DROP NOT NULL"),
                    Kind::Column,
                    Op::Alter,
                    name,
                )
                .guarded(Guard::When(guard::column::not_null(key, &to.name, true))),
            );
            return;
        }
        let s = Step::new(
            format!("ALTER TABLE {qn} ALTER COLUMN {col} SET NOT NULL"),
            Kind::Column,
            Op::Alter,
            name,
        )
        .guarded(Guard::When(guard::column::not_null(key, &to.name, false)))
        .hazard(
            HazardKind::MayFailOnData,
            format!("rows of {key} with a null {} make it fail", to.name),
        );
        steps.push(self.lock_hazard(s, key));
    }

    /// Storage, compression, statistics, options (a foreign table's column's too: its
    /// secrets by hand), comment and grants of a column, from `from` (none for a new
    /// column) to `to`.
    pub fn column_settings(
        &mut self,
        table: &Table,
        from: Option<&Column>,
        to: &Column,
        name: &str,
    ) -> Vec<Step> {
        let qn = ddl::qn(&table.schema, &table.name);
        let col = Ident(&to.name);
        let mut steps = Vec::new();
        let step = |sql: String| Step::new(sql, Kind::Column, Op::Alter, name);
        let relation = format!("TABLE {qn}");
        for sql in storage_settings(&relation, from, to, self.server_at_least(160000)) {
            steps.push(step(sql));
        }
        let fdw = from.map_or(&[][..], |c| &c.foreign_options);
        let target = format!("FOREIGN TABLE {qn} ALTER COLUMN {col}");
        steps.extend(ddl::alter_options(&target, fdw, &to.foreign_options).map(step));
        self.secret_manual(Kind::Column, name, &target, fdw, &to.foreign_options);
        if from.and_then(|c| c.comment.as_deref()) != to.comment.as_deref() {
            let target = format!("COLUMN {qn}.{col}");
            steps.push(self.comment_step(Kind::Column, name, &target, to.comment.as_deref()));
        }
        let old_grants = from.map_or(&[][..], |c| &c.privileges);
        if old_grants != to.privileges.as_slice() {
            let acl = AclTarget::column(format!("TABLE {qn}"), &to.name);
            for s in ddl::column_privilege_statements(&acl, old_grants, &to.privileges) {
                steps.push(self.acl_step(Kind::Column, name, s));
            }
        }
        steps
    }
}

/// The statements that turn a column's storage, compression, statistics target and options
/// from `from`'s (none: a new column, whose compression is set where it is defined) into
/// `to`'s, on `relation` (`TABLE app.t`, `MATERIALIZED VIEW app.mv`). `server16`: the
/// server takes `SET STORAGE DEFAULT`.
pub fn storage_settings(
    relation: &str,
    from: Option<&Column>,
    to: &Column,
    server16: bool,
) -> Vec<String> {
    let col = Ident(&to.name);
    let mut out = Vec::new();
    if from.map(|c| c.storage) != Some(to.storage) && (from.is_some() || to.storage.is_some()) {
        if let Some(s) = to.storage {
            out.push(format!(
                "ALTER {relation} ALTER COLUMN {col} SET STORAGE {}",
                ddl::storage_name(s)
            ));
        } else if from.and_then(|c| c.storage).is_some() {
            let storage = if server16 {
                "DEFAULT"
            } else {
                default_storage(&to.type_name)
            };
            out.push(format!(
                "ALTER {relation} ALTER COLUMN {col} SET STORAGE {storage}"
            ));
        }
    }
    if let Some(f) = from {
        if f.compression != to.compression {
            let method = to.compression.map_or("DEFAULT", ddl::compression_name);
            out.push(format!(
                "ALTER {relation} ALTER COLUMN {col} SET COMPRESSION {method}"
            ));
        }
    }
    if from.map(|c| c.statistics) != Some(to.statistics)
        && (from.is_some() || to.statistics.is_some())
    {
        out.push(format!(
            "ALTER {relation} ALTER COLUMN {col} SET STATISTICS {}",
            to.statistics.unwrap_or(-1)
        ));
    }
    let empty = Vec::new();
    let (set, reset) = ddl::option_changes(from.map_or(&empty, |c| &c.options), &to.options);
    if !reset.is_empty() {
        out.push(format!(
            "ALTER {relation} ALTER COLUMN {col} RESET ({})",
            ddl::reloption_names(&reset)
        ));
    }
    if !set.is_empty() {
        out.push(format!(
            "ALTER {relation} ALTER COLUMN {col} SET ({})",
            ddl::reloptions(&set)
        ));
    }
    out
}

/// The storage a built-in type has by default (`SET STORAGE DEFAULT` needs PostgreSQL 16).
fn default_storage(type_name: &str) -> &'static str {
    let base = type_name.split('(').next().unwrap_or(type_name).trim();
    if type_name.ends_with("[]") {
        return "EXTENDED";
    }
    match base {
        "numeric" | "inet" | "cidr" => "MAIN",
        "smallint"
        | "integer"
        | "bigint"
        | "real"
        | "double precision"
        | "boolean"
        | "date"
        | "time without time zone"
        | "time with time zone"
        | "timestamp without time zone"
        | "timestamp with time zone"
        | "interval"
        | "uuid"
        | "money"
        | "oid"
        | "\"char\""
        | "point"
        | "macaddr"
        | "macaddr8" => "PLAIN",
        _ => "EXTENDED",
    }
}

/// A default that is probably volatile (a call that is not one of the usual stable ones):
/// adding a column with it fills every row.
fn volatile_default(c: &Column) -> bool {
    let Some(d) = &c.default else {
        return false;
    };
    let lower = d.to_lowercase();
    const STABLE: &[&str] = &[
        "now()",
        "current_timestamp",
        "current_date",
        "current_time",
        "localtimestamp",
        "current_user",
        "session_user",
    ];
    lower.contains('(')
        && !STABLE.iter().any(|s| lower.starts_with(s))
        && !lower.starts_with('(')
        && !lower.starts_with('\'')
        || lower.contains("nextval(")
}

impl Facts<'_, '_> {
    /// True when a column must be dropped and added again: it becomes generated, or its
    /// generation changes in a way `ALTER COLUMN` cannot express.
    pub fn column_replaced(&self, from: &Column, to: &Column) -> bool {
        match (&from.generated, &to.generated) {
            (None, Some(_)) => true,
            (Some(a), Some(b)) if a != b => !(a.stored && b.stored && self.server_at_least(170000)),
            _ => false,
        }
    }
}

/// The tables that inherit `parent` (not its partitions) and hold column `column` only
/// through it, each with whether TO still has the column there.
fn inheriting_children<'c>(
    from: &'c Catalog,
    to: &Catalog,
    parent: &Table,
    column: &str,
) -> Vec<(&'c Table, bool)> {
    let key = parent.key();
    from.tables
        .values()
        .filter(|t| t.inherits.contains(&key))
        .filter(|t| t.column(column).is_some_and(|c| c.inherited))
        .map(|t| {
            let keeps = to
                .tables
                .get(&t.key())
                .is_some_and(|t| t.column(column).is_some());
            (t, keeps)
        })
        .collect()
}
