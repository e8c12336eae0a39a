//! The catalog regrouped once per run, so that every rule finds a table's keys, indexes,
//! policies and triggers, a routine's overloads or a column's sequence without scanning
//! the whole catalog for each table (a 10,000-table schema would otherwise take minutes).

use crate::model::{Catalog, ConstraintKind, Function, QualName, Trigger};
use std::collections::{HashMap, HashSet};

/// One key or index of a table, as column names.
#[derive(Debug, Clone)]
pub(crate) struct KeyColumns {
    pub name: String,
    /// The leading plain columns, in order (an expression key ends the list).
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

/// The catalog by table and by name.
#[derive(Debug, Default)]
pub(crate) struct Lookup<'a> {
    keys: HashMap<QualName, Vec<KeyColumns>>,
    policies: HashMap<QualName, usize>,
    triggers: HashMap<QualName, Vec<&'a Trigger>>,
    functions: HashMap<QualName, Vec<&'a Function>>,
    /// `(schema, table, column)` of every column that owns a sequence.
    owned: HashSet<(String, String, String)>,
}

fn table_of(schema: &str, table: &str) -> QualName {
    QualName::new(schema, table)
}

impl<'a> Lookup<'a> {
    pub fn new(cat: &'a Catalog) -> Lookup<'a> {
        let mut l = Lookup::default();
        for k in cat.constraints.values() {
            let (columns, primary) = match &k.kind {
                ConstraintKind::PrimaryKey { columns, .. } => (columns, true),
                ConstraintKind::Unique { columns, .. } => (columns, false),
                _ => continue,
            };
            l.keys
                .entry(table_of(&k.schema, &k.table))
                .or_default()
                .push(KeyColumns {
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
            let table = table_of(&i.schema, &i.table);
            if !i.valid {
                continue;
            }
            let columns: Vec<String> = i.keys.iter().map_while(|k| k.column.clone()).collect();
            l.keys.entry(table).or_default().push(KeyColumns {
                name: i.name.clone(),
                leading_ok: !columns.is_empty()
                    && (i.method == "btree" || (i.method == "hash" && i.keys.len() == 1)),
                columns,
                primary: false,
                unique: i.unique,
                partial: i.predicate.is_some(),
                index: true,
                plain: i.keys.iter().all(|k| k.column.is_some()),
            });
        }
        for p in cat.policies.values() {
            *l.policies.entry(table_of(&p.schema, &p.table)).or_default() += 1;
        }
        for g in cat.triggers.values() {
            l.triggers
                .entry(table_of(&g.schema, &g.table))
                .or_default()
                .push(g);
        }
        for f in cat.functions.values() {
            l.functions
                .entry(table_of(&f.schema, &f.name))
                .or_default()
                .push(f);
        }
        for s in cat.sequences.values() {
            if let Some(o) = &s.owned_by {
                l.owned
                    .insert((o.schema.clone(), o.table.clone(), o.column.clone()));
            }
        }
        l
    }

    /// The keys and indexes (valid ones) of `table`.
    pub fn keys(&self, table: &QualName) -> &[KeyColumns] {
        self.keys.get(table).map_or(&[], Vec::as_slice)
    }

    pub fn policy_count(&self, table: &QualName) -> usize {
        self.policies.get(table).copied().unwrap_or(0)
    }

    pub fn triggers(&self, table: &QualName) -> &[&'a Trigger] {
        self.triggers.get(table).map_or(&[], Vec::as_slice)
    }

    /// The routines called `name` (every overload).
    pub fn functions(&self, name: &QualName) -> &[&'a Function] {
        self.functions.get(name).map_or(&[], Vec::as_slice)
    }

    /// True when `schema.table.column` owns a sequence (a serial).
    pub fn owns_sequence(&self, schema: &str, table: &str, column: &str) -> bool {
        self.owned
            .contains(&(schema.to_string(), table.to_string(), column.to_string()))
    }

    /// True when `column` alone is the primary key of `table`.
    pub fn is_primary_key(&self, table: &QualName, column: &str) -> bool {
        self.keys(table)
            .iter()
            .any(|k| k.primary && k.columns.len() == 1 && k.columns[0] == column)
    }
}
