//! Drops and creations that look like renames. A column dropped from a table while one of
//! the same definition is added to it, or a table dropped while one with the same columns
//! is created in its schema, may be one object renamed: planned as it stands, its data
//! would be lost. The summary proposes the hint that keeps it; only a pair that matches
//! one way and the other is proposed, never a guess among several.

use super::Rename;
use crate::diff::{Diff, Pair, Subject};
use crate::model::{Column, Table};

/// What must match for two columns to be one renamed.
fn same_column(a: &Column, b: &Column) -> bool {
    a.type_name == b.type_name
        && a.not_null == b.not_null
        && a.collation == b.collation
        && a.identity.is_some() == b.identity.is_some()
        && a.generated == b.generated
}

/// What must match for two tables to be one renamed: the same columns, in order.
fn same_table(a: &Table, b: &Table) -> bool {
    a.schema == b.schema
        && a.kind == b.kind
        && a.columns.len() == b.columns.len()
        && a.columns
            .iter()
            .zip(&b.columns)
            .all(|(x, y)| x.name == y.name && same_column(x, y))
}

/// The pairs of `dropped` and `created` that match each other and nothing else.
fn unique_pairs<'a, T>(
    dropped: &[&'a T],
    created: &[&'a T],
    same: impl Fn(&T, &T) -> bool,
) -> Vec<(&'a T, &'a T)> {
    let mut out = Vec::new();
    for d in dropped {
        let matches: Vec<_> = created.iter().filter(|c| same(d, c)).collect();
        if let [c] = matches.as_slice() {
            if dropped.iter().filter(|d2| same(d2, c)).count() == 1 {
                out.push((*d, **c));
            }
        }
    }
    out
}

/// The renames `diff` suggests: tables first, then columns of tables on both sides.
pub fn suggest(diff: &Diff<'_>) -> Vec<Rename> {
    let mut out = Vec::new();
    let (mut dropped, mut created) = (Vec::new(), Vec::new());
    for c in &diff.changes {
        match c.subject {
            Subject::Table(Pair::Dropped(t)) => dropped.push(t),
            Subject::Table(Pair::Created(t)) => created.push(t),
            _ => {}
        }
    }
    for (d, c) in unique_pairs(&dropped, &created, same_table) {
        out.push(Rename::Table {
            schema: d.schema.clone(),
            from: d.name.clone(),
            to: c.name.clone(),
        });
    }
    let mut tables: Vec<&Table> = Vec::new();
    for c in &diff.changes {
        if let Subject::Column(cc) = c.subject {
            if !tables.iter().any(|t| std::ptr::eq(*t, cc.to_table)) {
                tables.push(cc.to_table);
            }
        }
    }
    for table in tables {
        let (mut dropped, mut created) = (Vec::new(), Vec::new());
        for c in &diff.changes {
            let Subject::Column(cc) = c.subject else {
                continue;
            };
            if !std::ptr::eq(cc.to_table, table) {
                continue;
            }
            match cc.column {
                Pair::Dropped(col) => dropped.push(col),
                Pair::Created(col) => created.push(col),
                Pair::Altered { .. } => {}
            }
        }
        for (d, c) in unique_pairs(&dropped, &created, same_column) {
            out.push(Rename::Column {
                schema: table.schema.clone(),
                table: table.name.clone(),
                from: d.name.clone(),
                to: c.name.clone(),
            });
        }
    }
    out
}
