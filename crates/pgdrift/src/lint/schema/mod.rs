//! The schema rules: each reads the catalog alone, so they run on every source. Helpers
//! shared by the rules: the tables that count (partitions follow their parent) and how
//! objects are named in findings.

mod code;
mod columns;
mod comments;
mod indexes;
mod keys;
mod security;

use super::Checker;
use crate::model::{Catalog, Table, TableKind};
use crate::report::finding::ObjectRef;

/// Runs every schema rule.
pub(crate) fn run(c: &mut Checker<'_>) {
    keys::run(c);
    indexes::run(c);
    columns::run(c);
    code::run(c);
    security::run(c);
    comments::run(c);
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
