//! Index health read from the catalog: invalid indexes (PL201), duplicates (PL202),
//! indexes whose keys lead another's (PL203), indexes on a lone boolean column (PL205).
//! Unused indexes need the statistics (`lint::stats`).

use crate::lint::{Checker, RuleId, Subject};
use crate::model::{Index, IndexKey, QualName};
use crate::report::finding::ObjectRef;
use crate::sql::QualIdent;
use std::collections::BTreeMap;

pub(super) fn run(c: &mut Checker<'_>) {
    let cat = c.cat;
    let mut by_table: BTreeMap<QualName, Vec<&Index>> = BTreeMap::new();
    for i in cat.indexes.values() {
        if !i.valid {
            invalid(c, i);
            continue;
        }
        by_table
            .entry(QualName::new(&i.schema, &i.table))
            .or_default()
            .push(i);
        boolean(c, i);
    }
    for (table, indexes) in &by_table {
        overlapping(c, table, indexes);
    }
}

fn index_ref(i: &Index) -> ObjectRef {
    ObjectRef {
        kind: "index",
        name: format!("{}.{}", i.schema, i.name),
    }
}

fn subject<'s>(i: &'s Index, anchor: &'s QualName) -> Subject<'s> {
    Subject {
        object: index_ref(i),
        comments: vec![i.comment.as_deref()],
        anchor: Some(anchor),
    }
}

/// PL201.
fn invalid(c: &mut Checker<'_>, i: &Index) {
    let name = QualName::new(&i.schema, &i.name);
    c.report(
        RuleId::InvalidIndex,
        subject(i, &name),
        format!(
            "index {name} on {}.{} is invalid: a concurrent build failed, and writes still maintain it",
            i.schema, i.table
        ),
        Some(format!(
            "REINDEX INDEX CONCURRENTLY {};",
            QualIdent(&i.schema, &i.name)
        )),
    );
}

/// PL205.
fn boolean(c: &mut Checker<'_>, i: &Index) {
    let [key] = i.keys.as_slice() else { return };
    let Some(col) = &key.column else { return };
    if i.predicate.is_some() || i.unique {
        return;
    }
    let table = QualName::new(&i.schema, &i.table);
    let is_bool = (c.cat.tables.get(&table))
        .and_then(|t| t.column(col))
        .is_some_and(|col| col.type_name == "boolean");
    if is_bool {
        let name = QualName::new(&i.schema, &i.name);
        c.report(
            RuleId::BooleanIndex,
            subject(i, &name),
            format!("index {name} has one key, the boolean column {table}.{col}"),
            Some(format!(
                "DROP INDEX CONCURRENTLY {}; -- or a partial index WHERE the rare value holds",
                QualIdent(&i.schema, &i.name)
            )),
        );
    }
}

/// What makes two indexes serve the same queries: method, predicate, and the keys.
fn same_shape(a: &Index, b: &Index) -> bool {
    a.method == b.method
        && a.predicate == b.predicate
        && a.include.is_empty() == b.include.is_empty()
}

fn plain_key(column: &str) -> IndexKey {
    IndexKey {
        column: Some(column.to_string()),
        expression: None,
        opclass: None,
        collation: None,
        descending: false,
        nulls_first: false,
    }
}

/// The constraint-backed keys of `table`, as index keys: duplicates of them are reported too.
fn constraint_keys(c: &Checker<'_>, table: &QualName) -> Vec<(String, Vec<IndexKey>)> {
    (c.by.keys(table).iter())
        .filter(|k| !k.index)
        .map(|k| {
            (
                k.name.clone(),
                k.columns.iter().map(|c| plain_key(c)).collect(),
            )
        })
        .collect()
}

/// PL202 and PL203 among the stand-alone indexes of one table (and its constraints' keys).
fn overlapping(c: &mut Checker<'_>, table: &QualName, indexes: &[&Index]) {
    let constraints = constraint_keys(c, table);
    for (n, i) in indexes.iter().enumerate() {
        let name = QualName::new(&i.schema, &i.name);
        let same_as_constraint = (i.method == "btree" && i.predicate.is_none())
            .then(|| constraints.iter().find(|(_, keys)| *keys == i.keys))
            .flatten();
        let twin = (indexes.iter().enumerate())
            .find(|(m, o)| {
                *m != n && same_shape(i, o) && o.keys == i.keys && o.include == i.include
            })
            .map(|(m, o)| (m, *o));
        if let Some((cname, _)) = same_as_constraint {
            c.report(
                RuleId::DuplicateIndex,
                subject(i, &name),
                format!("index {name} has the same keys as constraint {cname} on {table}, whose index serves the same queries"),
                Some(format!("DROP INDEX CONCURRENTLY {};", QualIdent(&i.schema, &i.name))),
            );
            continue;
        }
        if let Some((m, o)) = twin {
            // Of two twins, the unique one stays; else the one whose name sorts first.
            let keep_other = o.unique && !i.unique || (o.unique == i.unique && m < n);
            if keep_other {
                c.report(
                    RuleId::DuplicateIndex,
                    subject(i, &name),
                    format!("index {name} duplicates {}.{} on {table}", o.schema, o.name),
                    Some(format!(
                        "DROP INDEX CONCURRENTLY {};",
                        QualIdent(&i.schema, &i.name)
                    )),
                );
            }
            continue;
        }
        prefix(c, table, i, indexes, &constraints);
    }
}

/// PL203: a non-unique B-tree whose keys begin a longer index or key of the same table.
fn prefix(
    c: &mut Checker<'_>,
    table: &QualName,
    i: &Index,
    indexes: &[&Index],
    constraints: &[(String, Vec<IndexKey>)],
) {
    if i.unique || i.method != "btree" || !i.include.is_empty() {
        return;
    }
    let longer =
        |keys: &[IndexKey]| keys.len() > i.keys.len() && keys[..i.keys.len()] == i.keys[..];
    let by_index = (indexes.iter())
        .find(|o| o.method == "btree" && o.predicate == i.predicate && longer(&o.keys))
        .map(|o| o.name.clone());
    let by_key = (i.predicate.is_none())
        .then(|| {
            constraints
                .iter()
                .find(|(_, k)| longer(k))
                .map(|(n, _)| n.clone())
        })
        .flatten();
    let Some(other) = by_index.or(by_key) else {
        return;
    };
    let name = QualName::new(&i.schema, &i.name);
    c.report(
        RuleId::RedundantIndex,
        subject(i, &name),
        format!("index {name}'s keys lead {other} on {table}, which serves the same queries"),
        Some(format!(
            "DROP INDEX CONCURRENTLY {};",
            QualIdent(&i.schema, &i.name)
        )),
    );
}
