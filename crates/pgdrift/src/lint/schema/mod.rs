//! The schema rules: each reads the catalog alone, so they run on every source. Helpers
//! shared by the rules: the tables that count (partitions follow their parent), and every
//! key a table has — primary key, unique constraints and stand-alone indexes — as plain
//! column lists.

mod code;
mod columns;
mod indexes;
mod keys;
mod security;

use super::Checker;
use crate::model::{Catalog, ConstraintKind, QualName, Table, TableKind};
use crate::report::finding::ObjectRef;

/// Runs every schema rule.
pub(crate) fn run(c: &mut Checker<'_>) {
    keys::run(c);
    indexes::run(c);
    columns::run(c);
    code::run(c);
    security::run(c);
}

/// Ordinary and partitioned tables that are not partitions: a partition gets its keys,
/// columns and policies from its parent, where the finding belongs.
pub(super) fn tables(cat: &Catalog) -> impl Iterator<Item = &Table> {
    cat.tables
        .values()
        .filter(|t| t.kind != TableKind::Foreign && t.partition_of.is_none())
}

pub(super) fn table_ref(t: &Table) -> ObjectRef {
    ObjectRef {
        kind: "table",
        name: format!("{}.{}", t.schema, t.name),
    }
}

pub(super) fn column_ref(t: &Table, column: &str) -> ObjectRef {
    ObjectRef {
        kind: "column",
        name: format!("{}.{}.{}", t.schema, t.name, column),
    }
}

/// One key or index of a table, as column names.
#[derive(Debug, Clone)]
pub(super) struct KeyColumns {
    pub name: String,
    /// The key columns in order; an expression key ends the list (`leading_ok` is false
    /// past it).
    pub columns: Vec<String>,
    pub primary: bool,
    pub unique: bool,
    pub partial: bool,
    /// A B-tree (or a one-column hash) index: equality on the leading columns can use it.
    pub leading_ok: bool,
    /// A stand-alone index (rather than one a constraint owns).
    pub index: bool,
    /// Every key is a plain column (no expression).
    pub plain: bool,
}

/// The keys and indexes of `table`.
pub(super) fn key_columns_of(cat: &Catalog, table: &QualName) -> Vec<KeyColumns> {
    let mut out = Vec::new();
    for k in cat.constraints.values() {
        if k.schema != table.schema || k.table != table.name {
            continue;
        }
        let (columns, primary) = match &k.kind {
            ConstraintKind::PrimaryKey { columns, .. } => (columns, true),
            ConstraintKind::Unique { columns, .. } => (columns, false),
            _ => continue,
        };
        out.push(KeyColumns {
            name: k.name.clone(),
            columns: columns.clone(),
            primary,
            unique: true,
            partial: false,
            leading_ok: true,
            index: false,
            plain: true,
        });
    }
    for i in cat.indexes.values() {
        if i.schema != table.schema || i.table != table.name || !i.valid {
            continue;
        }
        let columns: Vec<String> = (i.keys.iter()).map_while(|k| k.column.clone()).collect();
        out.push(KeyColumns {
            name: i.name.clone(),
            leading_ok: !columns.is_empty()
                && (i.method == "btree" || (i.method == "hash" && columns.len() == 1)),
            columns,
            primary: false,
            unique: i.unique,
            partial: i.predicate.is_some(),
            index: true,
            plain: i.keys.iter().all(|k| k.column.is_some()),
        });
    }
    out
}
