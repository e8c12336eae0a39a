//! Backups before destructive steps. Before a table, a column, a sequence or a materialized
//! view is dropped, what it holds is copied into a table of the backup schema named after
//! it and the plan's tag: a table's rows, a column's values with a key that finds their
//! rows again, a sequence's `last_value` and `is_called`. Backups never depend on the
//! user's schema: values of user-defined types (enums, domains, composites, ranges,
//! extension types) are stored as text and values of user-defined collations take the
//! database's default one, so that the plan — or any later one — can drop those types and
//! collations. The rollback (`restore`) reads them back with the same names.

use super::super::ddl;
use super::super::graph::{Names, Node};
use super::super::planner::Pass;
use super::super::refs::qualified_names;
use super::super::{Backup, Step};
use crate::diff::Op;
use crate::model::{Column, ConstraintKind, Kind, QualName, Sequence, Table, TableKind};
use crate::sql::{DollarQuoted, Ident, Literal, QualIdent};
use sha2::{Digest, Sha256};

/// The backup table for what `parts` name (`app`, `users`, `email`): `app.users.email@tag`,
/// shortened with a hash when it would pass PostgreSQL's 63 bytes.
pub fn backup_table_name(parts: &[&str], tag: &str) -> String {
    let full = format!("{}@{tag}", parts.join("."));
    if full.len() <= 63 {
        return full;
    }
    let hash = Sha256::digest(full.as_bytes());
    let short: String = hash.iter().take(3).map(|b| format!("{b:02x}")).collect();
    let suffix = format!("~{short}@{tag}");
    let mut cut = 63usize.saturating_sub(suffix.len());
    let prefix = parts.join(".");
    cut = cut.min(prefix.len());
    while !prefix.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{suffix}", &prefix[..cut])
}

/// The backup of an identity column's sequence: `schema.table.column:sequence`.
pub fn identity_part(column: &str) -> String {
    format!("{column}:sequence")
}

/// True for tables whose rows live here (not a partitioned parent, not a foreign table).
pub fn holds_rows(t: &Table) -> bool {
    t.kind == TableKind::Table
}

/// True when a column's type is defined outside `pg_catalog` (PostgreSQL prints those
/// qualified): its backup stores the text form.
pub fn stored_as_text(c: &Column) -> bool {
    !qualified_names(&c.type_name).is_empty()
}

/// True when a column's collation is defined outside `pg_catalog`: its backup takes the
/// database's default collation instead, so that the plan can drop the collation.
fn user_collation(c: &Column) -> bool {
    c.collation
        .as_deref()
        .is_some_and(|coll| qualified_names(coll).iter().any(|(s, _)| s != "pg_catalog"))
}

/// A column as the backup selects it: `m::text AS m` for a user-defined type, `s COLLATE
/// pg_catalog."default" AS s` for a user-defined collation.
fn backed_up(c: &Column) -> String {
    let col = Ident(&c.name);
    if stored_as_text(c) {
        format!("{col}::text AS {col}")
    } else if user_collation(c) {
        format!("{col} COLLATE pg_catalog.\"default\" AS {col}")
    } else {
        col.to_string()
    }
}

/// The key that finds a table's rows again in a backup: the primary key, else the first
/// unique constraint or unique index (plain columns, no predicate) whose columns are all
/// NOT NULL; only keys whose columns all pass `usable`. `names` is the catalog's, with the
/// keys of each table at hand.
pub fn row_key(names: &Names<'_>, t: &Table, usable: impl Fn(&str) -> bool) -> Option<Vec<String>> {
    let not_null = |name: &str| t.column(name).is_some_and(|c| c.not_null);
    let fits = |cols: &[String]| !cols.is_empty() && cols.iter().all(|c| not_null(c) && usable(c));
    let catalog = names.catalog();
    let mut primary = None;
    let mut unique = Vec::new();
    for node in &names.table_keys(&t.schema, &t.name) {
        match node {
            Node::Constraint(k) => match catalog.constraints.get(k).map(|c| &c.kind) {
                Some(ConstraintKind::PrimaryKey { columns, .. }) => primary = Some(columns.clone()),
                Some(ConstraintKind::Unique { columns, index, .. }) if !index.without_overlaps => {
                    unique.push(columns.clone())
                }
                _ => {}
            },
            Node::Index(k) => {
                let Some(i) = catalog.indexes.get(k) else {
                    continue;
                };
                if !(i.unique && i.valid && i.predicate.is_none()) {
                    continue;
                }
                let columns: Option<Vec<String>> = i
                    .keys
                    .iter()
                    .map(|k| k.expression.is_none().then(|| k.column.clone()).flatten())
                    .collect();
                unique.extend(columns);
            }
            _ => {}
        }
    }
    primary.into_iter().chain(unique).find(|k| fits(k))
}

impl Pass<'_, '_, '_> {
    fn backup_target(&self, b: &Backup, parts: &[&str]) -> (String, String) {
        let name = backup_table_name(parts, &b.tag);
        let qualified = QualIdent(&b.schema, &name).to_string();
        (name, qualified)
    }

    fn backup_step(&self, sql: String, kind: Kind, change: &str, what: &str, name: String) -> Step {
        let mut step =
            Step::new(sql, kind, Op::Create, change).part_of(format!("backing up {what}"));
        step.backup = Some(name);
        step
    }

    /// The key a dropped column's backup and its restore use: found in the `from` table,
    /// among columns that the `to` table keeps.
    pub fn column_key(&self, t: &Table, column: &str) -> Option<Vec<String>> {
        let to = self.diff.to.tables.get(&QualName::new(&t.schema, &t.name));
        row_key(&self.from, t, |c| {
            c != column && to.is_some_and(|x| x.column(c).is_some())
        })
    }

    /// A copy of `t`'s rows before the table is dropped, and of its identity sequences.
    pub fn backup_table(&self, t: &Table, change: &str) -> Vec<Step> {
        let Some(b) = self.opts.backup.as_ref() else {
            return Vec::new();
        };
        if !holds_rows(t) {
            return Vec::new();
        }
        let (name, target) = self.backup_target(b, &[&t.schema, &t.name]);
        let list: Vec<String> = t.columns.iter().map(backed_up).collect();
        let sql = format!(
            "CREATE TABLE {target} AS SELECT {} FROM ONLY {}",
            list.join(", "),
            ddl::qn(&t.schema, &t.name)
        );
        let mut steps =
            vec![self.backup_step(sql, Kind::Table, change, &format!("table {change}"), name)];
        for c in t.columns.iter().filter(|c| c.identity.is_some()) {
            steps.extend(self.backup_identity(t, c, change));
        }
        steps
    }

    /// A copy of a column's values, with the key that finds their rows (the whole table
    /// when there is none), before the column is dropped or replaced.
    pub fn backup_column(&self, t: &Table, column: &str, change: &str) -> Vec<Step> {
        let Some(b) = self.opts.backup.as_ref() else {
            return Vec::new();
        };
        let Some(col) = t.column(column).filter(|_| holds_rows(t)) else {
            return Vec::new();
        };
        let (name, target) = self.backup_target(b, &[&t.schema, &t.name, column]);
        let columns: Vec<&Column> = match self.column_key(t, column) {
            Some(key) => key
                .iter()
                .filter_map(|k| t.column(k))
                .chain(std::iter::once(col))
                .collect(),
            None => t.columns.iter().collect(),
        };
        let list: Vec<String> = columns.into_iter().map(backed_up).collect();
        let sql = format!(
            "CREATE TABLE {target} AS SELECT {} FROM ONLY {}",
            list.join(", "),
            ddl::qn(&t.schema, &t.name)
        );
        let what = format!("column {change}");
        let mut steps = vec![self.backup_step(sql, Kind::Column, change, &what, name)];
        if col.identity.is_some() {
            steps.extend(self.backup_identity(t, col, change));
        }
        steps
    }

    /// The position of an identity column's sequence (whose name only the server knows).
    pub fn backup_identity(&self, t: &Table, c: &Column, change: &str) -> Option<Step> {
        let b = self.opts.backup.as_ref()?;
        let part = identity_part(&c.name);
        let (name, target) = self.backup_target(b, &[&t.schema, &t.name, &part]);
        let table = ddl::qn(&t.schema, &t.name).to_string();
        let create = format!("CREATE TABLE {target} AS SELECT last_value, is_called FROM %s");
        let body = format!(
            "\nBEGIN\n    EXECUTE pg_catalog.format({}, pg_catalog.pg_get_serial_sequence({}, {})::regclass);\nEND\n",
            Literal(&create),
            Literal(&table),
            Literal(&c.name)
        );
        let sql = format!("DO {}", DollarQuoted(&body));
        let what = format!("the identity sequence of {}.{}", table, c.name);
        Some(self.backup_step(sql, Kind::Column, change, &what, name))
    }

    /// A sequence's position (`last_value`, `is_called`) before it is dropped.
    pub fn backup_sequence(&self, s: &Sequence, change: &str) -> Option<Step> {
        let b = self.opts.backup.as_ref()?;
        let (name, target) = self.backup_target(b, &[&s.schema, &s.name]);
        let sql = format!(
            "CREATE TABLE {target} AS SELECT last_value, is_called FROM {}",
            ddl::qn(&s.schema, &s.name)
        );
        Some(self.backup_step(
            sql,
            Kind::Sequence,
            change,
            &format!("sequence {change}"),
            name,
        ))
    }

    /// A materialized view's rows before it is dropped, when it has been populated.
    pub fn backup_matview(&self, v: &crate::model::View, change: &str) -> Option<Step> {
        let b = self.opts.backup.as_ref()?;
        let (name, target) = self.backup_target(b, &[&v.schema, &v.name]);
        let qn = ddl::qn(&v.schema, &v.name).to_string();
        let list: Vec<String> = v.columns.iter().map(backed_up).collect();
        let body = format!(
            "\nBEGIN\n    IF (SELECT relispopulated FROM pg_catalog.pg_class WHERE oid = {}::regclass) THEN\n        CREATE TABLE {target} AS SELECT {} FROM {qn};\n    END IF;\nEND\n",
            Literal(&qn),
            list.join(", ")
        );
        let sql = format!("DO {}", DollarQuoted(&body));
        Some(self.backup_step(
            sql,
            Kind::View,
            change,
            &format!("materialized view {change}"),
            name,
        ))
    }

    /// The sequences of `from` that go with a dropped table or column (`OWNED BY` it).
    pub fn owned_sequence_backup(&mut self, s: &Sequence, change: &str) {
        if let Some(step) = self.backup_sequence(s, change) {
            let node = Node::Sequence(QualName::new(&s.schema, &s.name));
            self.push(
                super::super::order::Phase::EarlyDrop,
                node,
                Vec::new(),
                vec![step],
            );
        }
    }
}

/// Columns that may hold large object references (`oid`, the `lo` extension's type): their
/// objects stay in `pg_largeobject` when the column goes, orphaned.
pub fn large_object_columns<'t>(t: &'t Table, only: Option<&str>) -> Vec<&'t str> {
    t.columns
        .iter()
        .filter(|c| only.is_none_or(|o| o == c.name))
        .filter(|c| c.type_name == "oid" || c.type_name.ends_with(".lo"))
        .map(|c| c.name.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fit_in_63_bytes() {
        assert_eq!(
            backup_table_name(&["app", "users"], "20261121T120000"),
            "app.users@20261121T120000"
        );
        let long = "x".repeat(60);
        let name = backup_table_name(&["app", &long, "col"], "20261121T120000");
        assert!(name.len() <= 63, "{name}");
        assert!(name.ends_with("@20261121T120000"));
        assert_ne!(
            name,
            backup_table_name(&["app", &long, "other"], "20261121T120000")
        );
    }
}
