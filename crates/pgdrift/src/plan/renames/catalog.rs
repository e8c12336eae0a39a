//! A rename applied to a catalog: what FROM would read like after `ALTER TABLE ... RENAME`.
//! Everything that names the table or column by name in the model follows it (keys, the
//! objects on the table, foreign keys that reference it, sequences it owns), and the SQL
//! text PostgreSQL prints for expressions on the table is rewritten as the server would
//! print it.

use super::text::{rename_column, rename_qualified, rename_regclass};
use crate::model::{default_sequence_name, Catalog, ConstraintKind, Object, QualName};
use std::collections::BTreeMap;

/// Moves the entries of `map` whose key `moves` says to a new key, rewritten by `edit`.
fn rekey<K: Ord + Clone, V: Object<Key = K>>(
    map: &mut BTreeMap<K, V>,
    moves: impl Fn(&V) -> bool,
    edit: impl Fn(&mut V),
) {
    let keys: Vec<K> = map
        .iter()
        .filter(|(_, v)| moves(v))
        .map(|(k, _)| k.clone())
        .collect();
    for k in keys {
        if let Some(mut v) = map.remove(&k) {
            edit(&mut v);
            map.insert(v.key(), v);
        }
    }
}

/// True when a relation (table, view, sequence or index) named `name` exists in `schema`.
pub(super) fn relation_exists(c: &Catalog, schema: &str, name: &str) -> bool {
    let q = QualName::new(schema, name);
    c.tables.contains_key(&q)
        || c.views.contains_key(&q)
        || c.sequences.contains_key(&q)
        || c.indexes.contains_key(&q)
}

/// Renames table `schema.old` to `new` in `c`.
pub(super) fn rename_table(c: &mut Catalog, schema: &str, old: &str, new: &str) {
    let is_old = |s: &str, t: &str| s == schema && t == old;
    let q_old = QualName::new(schema, old);
    let q_new = QualName::new(schema, new);
    rekey(
        &mut c.tables,
        |t| is_old(&t.schema, &t.name),
        |t| t.name = new.to_string(),
    );
    for t in c.tables.values_mut() {
        for parent in t.partition_of.iter_mut().chain(t.inherits.iter_mut()) {
            if *parent == q_old {
                *parent = q_new.clone();
            }
        }
        for col in &mut t.columns {
            col.type_name = rename_qualified(&col.type_name, schema, old, new);
            if let Some(d) = &mut col.default {
                *d = rename_qualified(d, schema, old, new);
            }
        }
    }
    rekey(
        &mut c.constraints,
        |k| is_old(&k.schema, &k.table),
        |k| k.table = new.to_string(),
    );
    for con in c.constraints.values_mut() {
        if let ConstraintKind::ForeignKey { references, .. } = &mut con.kind {
            if *references == q_old {
                *references = q_new.clone();
            }
        }
    }
    for ix in c
        .indexes
        .values_mut()
        .filter(|i| is_old(&i.schema, &i.table))
    {
        ix.table = new.to_string();
    }
    rekey(
        &mut c.triggers,
        |t| is_old(&t.schema, &t.table),
        |t| {
            t.table = new.to_string();
            t.definition = rename_qualified(&t.definition, schema, old, new);
        },
    );
    rekey(
        &mut c.policies,
        |p| is_old(&p.schema, &p.table),
        |p| p.table = new.to_string(),
    );
    rekey(
        &mut c.rules,
        |r| is_old(&r.schema, &r.table),
        |r| {
            r.table = new.to_string();
            r.definition = rename_qualified(&r.definition, schema, old, new);
        },
    );
    for s in c
        .extended_statistics
        .values_mut()
        .filter(|s| s.table == q_old)
    {
        s.table = q_new.clone();
    }
    for s in c.sequences.values_mut() {
        if let Some(o) = s.owned_by.as_mut().filter(|o| is_old(&o.schema, &o.table)) {
            o.table = new.to_string();
        }
    }
    for v in c.views.values_mut() {
        v.definition = rename_qualified(&v.definition, schema, old, new);
    }
}

/// Renames column `old` of table `schema.table` to `new` in `c`.
pub(super) fn rename_column_in(c: &mut Catalog, schema: &str, table: &str, old: &str, new: &str) {
    let on = |s: &str, t: &str| s == schema && t == table;
    let q = QualName::new(schema, table);
    let swap = |cols: &mut Vec<String>| {
        for col in cols.iter_mut().filter(|c| *c == old) {
            *col = new.to_string();
        }
    };
    let text = |sql: &mut String| *sql = rename_column(sql, old, new);
    if let Some(t) = c.tables.get_mut(&q) {
        for col in &mut t.columns {
            if col.name == old {
                col.name = new.to_string();
            }
            if let Some(g) = &mut col.generated {
                text(&mut g.expression);
            }
        }
        if let Some(k) = &mut t.partition_key {
            text(k);
        }
    }
    for con in c.constraints.values_mut() {
        let own = on(&con.schema, &con.table);
        match &mut con.kind {
            ConstraintKind::PrimaryKey { columns, index } if own => {
                swap(columns);
                swap(&mut index.include);
            }
            ConstraintKind::Unique { columns, index, .. } if own => {
                swap(columns);
                swap(&mut index.include);
            }
            ConstraintKind::Check { expression, .. } if own => text(expression),
            ConstraintKind::Exclusion { definition, .. } if own => text(definition),
            ConstraintKind::ForeignKey {
                columns,
                references,
                referenced_columns,
                on_delete_columns,
                ..
            } => {
                if own {
                    swap(columns);
                    swap(on_delete_columns);
                }
                if *references == q {
                    swap(referenced_columns);
                }
            }
            _ => {}
        }
    }
    for ix in c.indexes.values_mut().filter(|i| on(&i.schema, &i.table)) {
        for key in &mut ix.keys {
            if key.column.as_deref() == Some(old) {
                key.column = Some(new.to_string());
            }
            if let Some(e) = &mut key.expression {
                text(e);
            }
        }
        swap(&mut ix.include);
        if let Some(p) = &mut ix.predicate {
            text(p);
        }
    }
    for t in c.triggers.values_mut().filter(|t| on(&t.schema, &t.table)) {
        swap(&mut t.update_columns);
    }
    for p in c.policies.values_mut().filter(|p| on(&p.schema, &p.table)) {
        for e in p.using.iter_mut().chain(p.with_check.iter_mut()) {
            text(e);
        }
    }
    for s in c.extended_statistics.values_mut().filter(|s| s.table == q) {
        text(&mut s.columns);
    }
    for s in c.sequences.values_mut() {
        if let Some(o) = s
            .owned_by
            .as_mut()
            .filter(|o| on(&o.schema, &o.table) && o.column == old)
        {
            o.column = new.to_string();
        }
    }
    // PostgreSQL renames the column in partitions and inheriting tables too.
    let children: Vec<QualName> = c
        .tables
        .values()
        .filter(|t| t.partition_of.as_ref() == Some(&q) || t.inherits.contains(&q))
        .filter(|t| t.column(old).is_some())
        .map(|t| QualName::new(&t.schema, &t.name))
        .collect();
    for child in children {
        rename_column_in(c, &child.schema, &child.name, old, new);
    }
}

/// A sequence renamed along with the column it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SequenceMove {
    pub schema: String,
    pub old: String,
    pub new: String,
}

/// The sequences of `schema.table`'s columns that were named after the old table or
/// column name and that TO names after the new one: each is renamed too, in `c` (with the
/// defaults that call it), and returned so that the plan renames it.
pub(super) fn follow_sequences(
    c: &mut Catalog,
    to: &Catalog,
    schema: &str,
    (old_table, new_table): (&str, &str),
    (old_column, new_column): (Option<&str>, Option<&str>),
) -> Vec<SequenceMove> {
    let mut moves = Vec::new();
    let Some(table) = c.tables.get(&QualName::new(schema, new_table)).cloned() else {
        return moves;
    };
    for col in &table.columns {
        if old_column.is_some() && new_column != Some(col.name.as_str()) {
            continue;
        }
        let before = default_sequence_name(old_table, old_column.unwrap_or(&col.name));
        let after = default_sequence_name(new_table, &col.name);
        if before == after {
            continue;
        }
        let wanted = to
            .tables
            .get(&QualName::new(schema, new_table))
            .and_then(|t| t.column(&col.name))
            .is_some_and(|tc| match &tc.identity {
                Some(id) => id.sequence_name.is_none(),
                None => to.sequences.contains_key(&QualName::new(schema, &after)),
            })
            && !relation_exists(c, schema, &after);
        let identity_default = col
            .identity
            .as_ref()
            .is_some_and(|id| id.sequence_name.is_none());
        let serial =
            col.identity.is_none() && c.sequences.contains_key(&QualName::new(schema, &before));
        if identity_default && !wanted {
            // The sequence keeps its name, which is no longer the default one.
            pin_identity_sequence(c, schema, new_table, &col.name, &before);
            continue;
        }
        if !wanted || !(identity_default || serial) {
            continue;
        }
        if serial {
            rename_sequence(c, schema, &before, &after);
        }
        moves.push(SequenceMove {
            schema: schema.to_string(),
            old: before,
            new: after,
        });
    }
    moves
}

/// Records that the identity sequence of `schema.table.column` is called `name`.
fn pin_identity_sequence(c: &mut Catalog, schema: &str, table: &str, column: &str, name: &str) {
    let col = c
        .tables
        .get_mut(&QualName::new(schema, table))
        .and_then(|t| t.columns.iter_mut().find(|col| col.name == column));
    if let Some(id) = col.and_then(|col| col.identity.as_mut()) {
        id.sequence_name = Some(name.to_string());
    }
}

/// Renames sequence `schema.old` to `new` in `c`, with the `nextval` defaults that name it.
fn rename_sequence(c: &mut Catalog, schema: &str, old: &str, new: &str) {
    rekey(
        &mut c.sequences,
        |s| s.schema == schema && s.name == old,
        |s| s.name = new.to_string(),
    );
    for t in c.tables.values_mut() {
        for col in &mut t.columns {
            if let Some(d) = &mut col.default {
                *d = rename_regclass(d, schema, old, new);
            }
        }
    }
}
