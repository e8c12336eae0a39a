//! Backups before destructive steps, and restores in rollbacks. Before a table or a column
//! is dropped, its rows (for a column: the primary key and the column) are copied into a
//! table of the backup schema named after what it holds and the plan's tag; the rollback
//! plan, made with the same tag, creates the table or column again and copies the data
//! back, then moves sequences past the restored values.

use super::super::ddl;
use super::super::graph::Node;
use super::super::planner::Planner;
use super::super::{Backup, Step};
use crate::diff::Op;
use crate::model::{
    Catalog, Column, ConstraintKind, IdentityGeneration, Kind, QualName, Table, TableKind,
};
use crate::sql::{Ident, Literal, QualIdent};
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

/// The primary key columns of `table` in `catalog`.
fn primary_key(catalog: &Catalog, table: &QualName) -> Option<Vec<String>> {
    catalog
        .constraints
        .values()
        .find(|c| {
            c.schema == table.schema
                && c.table == table.name
                && matches!(c.kind, ConstraintKind::PrimaryKey { .. })
        })
        .and_then(|c| match &c.kind {
            ConstraintKind::PrimaryKey { columns, .. } => Some(columns.clone()),
            _ => None,
        })
}

/// True for tables whose rows live here (not a partitioned parent, not a foreign table).
fn holds_rows(t: &Table) -> bool {
    t.kind == TableKind::Table
}

impl Planner<'_, '_> {
    fn backup_target(&self, b: &Backup, parts: &[&str]) -> (String, String) {
        let name = backup_table_name(parts, &b.tag);
        let qualified = QualIdent(&b.schema, &name).to_string();
        (name, qualified)
    }

    /// A copy of `t`'s rows before the table is dropped.
    pub fn backup_table(&self, t: &Table, change: &str) -> Option<Step> {
        let b = self.opts.backup.as_ref()?;
        if !holds_rows(t) {
            return None;
        }
        let (name, target) = self.backup_target(b, &[&t.schema, &t.name]);
        let sql = format!(
            "CREATE TABLE {target} AS TABLE ONLY {}",
            ddl::qn(&t.schema, &t.name)
        );
        let mut step = Step::new(sql, Kind::Table, Op::Create, change)
            .part_of(format!("backing up table {change}"));
        step.backup = Some(name);
        Some(step)
    }

    /// A copy of a column's values (with the primary key that finds their rows) before the
    /// column is dropped or replaced.
    pub fn backup_column(&self, t: &Table, column: &str, change: &str) -> Option<Step> {
        let b = self.opts.backup.as_ref()?;
        if !holds_rows(t) {
            return None;
        }
        let key = primary_key(self.diff.from, &QualName::new(&t.schema, &t.name));
        let (name, target) = self.backup_target(b, &[&t.schema, &t.name, column]);
        let source = ddl::qn(&t.schema, &t.name);
        let sql = match key.filter(|k| !k.iter().any(|c| c == column)) {
            Some(key) => format!(
                "CREATE TABLE {target} AS SELECT {}, {} FROM ONLY {source}",
                ddl::ident_list(&key),
                Ident(column)
            ),
            // Without a key to match rows by, the whole table.
            None => format!("CREATE TABLE {target} AS TABLE ONLY {source}"),
        };
        let mut step = Step::new(sql, Kind::Column, Op::Create, change)
            .part_of(format!("backing up column {change}"));
        step.backup = Some(name);
        Some(step)
    }

    /// In a rollback: the rows of a table the forward plan dropped, copied back from its
    /// backup, and its sequences moved past them.
    pub fn restore_table(&self, t: &Table, change: &str) -> Vec<Step> {
        let Some(b) = self.opts.restore.as_ref() else {
            return Vec::new();
        };
        if !holds_rows(t) {
            return Vec::new();
        }
        let (_, source) = self.backup_target(b, &[&t.schema, &t.name]);
        let table = ddl::qn(&t.schema, &t.name).to_string();
        let columns: Vec<String> = t
            .columns
            .iter()
            .filter(|c| c.generated.is_none())
            .map(|c| c.name.clone())
            .collect();
        let list = ddl::ident_list(&columns);
        let overriding = if t.columns.iter().any(|c| {
            c.identity
                .as_ref()
                .is_some_and(|i| i.generation == IdentityGeneration::Always)
        }) {
            " OVERRIDING SYSTEM VALUE"
        } else {
            ""
        };
        let mut steps = vec![Step::new(
            format!("INSERT INTO {table} ({list}){overriding} SELECT {list} FROM {source}"),
            Kind::Table,
            Op::Alter,
            change,
        )];
        for c in &t.columns {
            steps.extend(self.sequence_catch_up(&table, c, change));
        }
        steps
    }

    /// After restored values: the column's identity or serial sequence continues past them.
    fn sequence_catch_up(&self, table: &str, c: &Column, change: &str) -> Option<Step> {
        let col = Ident(&c.name);
        let sequence = if c.identity.is_some() {
            format!(
                "pg_catalog.pg_get_serial_sequence({}, {})",
                Literal(table),
                Literal(&c.name)
            )
        } else {
            let default = c.default.as_deref()?;
            let mut refs = Vec::new();
            self.to.refs(default, &mut refs);
            let seq = refs.into_iter().find_map(|n| match n {
                Node::Sequence(s) => Some(s),
                _ => None,
            })?;
            Literal(&ddl::qn(&seq.schema, &seq.name).to_string()).to_string()
        };
        Some(Step::new(
            format!("SELECT pg_catalog.setval({sequence}, max({col})) FROM {table} HAVING max({col}) IS NOT NULL"),
            Kind::Table,
            Op::Alter,
            change,
        ))
    }

    /// True when a rollback restores column `column` of `t` (so it is added nullable, then
    /// filled, then made NOT NULL).
    pub fn restores_column(&self, t: &Table, column: &str) -> bool {
        self.opts.restore.is_some()
            && holds_rows(t)
            && primary_key(self.diff.to, &QualName::new(&t.schema, &t.name))
                .is_some_and(|k| !k.iter().any(|c| c == column))
    }

    /// In a rollback: a dropped column's values put back from its backup, by primary key.
    pub fn restore_column(&mut self, t: &Table, c: &Column, change: &str) -> Vec<Step> {
        let Some(b) = self.opts.restore.clone() else {
            return Vec::new();
        };
        if !holds_rows(t) {
            return Vec::new();
        }
        let (_, source) = self.backup_target(&b, &[&t.schema, &t.name, &c.name]);
        let table = ddl::qn(&t.schema, &t.name).to_string();
        let Some(key) = primary_key(self.diff.to, &QualName::new(&t.schema, &t.name))
            .filter(|k| !k.contains(&c.name))
        else {
            self.manual(
                Kind::Column,
                change,
                format!("the backup {source} holds the whole table (it has no primary key to match rows by): copy the column's values back by hand"),
            );
            return Vec::new();
        };
        let col = Ident(&c.name);
        let matching: Vec<String> = key
            .iter()
            .map(|k| format!("t.{} = b.{}", Ident(k), Ident(k)))
            .collect();
        let mut steps = vec![Step::new(
            format!(
                "UPDATE {table} AS t SET {col} = b.{col} FROM {source} AS b WHERE {}",
                matching.join(" AND ")
            ),
            Kind::Column,
            Op::Alter,
            change,
        )];
        if c.not_null {
            steps.push(Step::new(
                format!("ALTER TABLE {table} ALTER COLUMN {col} SET NOT NULL"),
                Kind::Column,
                Op::Alter,
                change,
            ));
        }
        steps.extend(self.sequence_catch_up(&table, c, change));
        steps
    }
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
