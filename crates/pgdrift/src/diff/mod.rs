//! Catalog x Catalog -> Diff: the typed changes that turn one catalog into another.
//!
//! One generic keyed comparison walks every kind's map; an object present on one side only
//! is a create or a drop, and an object present on both sides that differs is an alter with
//! field-level detail. Columns are compared by name inside tables that exist on both sides.
//! Owners are ignored unless asked for (every environment has its own roles), and so are
//! column positions (PostgreSQL cannot reorder columns). Output order is deterministic:
//! kinds in the order of [`KINDS`](crate::model::KINDS), then keys.

mod fields;
pub(crate) mod filter;
mod labels;

pub use fields::FieldChange;
pub use filter::{glob_match, retain, visit, Filter, Place};
pub use labels::{label_changes, LabelChanges, LabelPlacement};

use crate::model::{
    Catalog, Column, Constraint, Extension, Function, Index, Kind, Object, Operator, Policy,
    Schema, Sequence, Table, Trigger, TypeDef, View,
};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt::Display;

/// The version of the diff and plan JSON layout; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// What counts as a difference.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// Compare object owners too (off by default: owners differ between environments).
    pub compare_owners: bool,
}

/// What happens to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Create,
    Drop,
    Alter,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Drop => "drop",
            Op::Alter => "alter",
        }
    }
}

/// An object on both sides of a change: `from` is absent for a create, `to` for a drop.
#[derive(Debug)]
pub struct Pair<'a, T> {
    pub from: Option<&'a T>,
    pub to: Option<&'a T>,
}

impl<T> Clone for Pair<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Pair<'_, T> {}

impl<'a, T> Pair<'a, T> {
    /// The object as it is after the change, or before it for a drop.
    pub fn current(&self) -> &'a T {
        self.to
            .or(self.from)
            .expect("a change has at least one side")
    }
}

/// The object a change is about, typed by kind.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    Schema(Pair<'a, Schema>),
    Extension(Pair<'a, Extension>),
    Type(Pair<'a, TypeDef>),
    Sequence(Pair<'a, Sequence>),
    Table(Pair<'a, Table>),
    /// A column of a table that exists on both sides.
    Column {
        from_table: &'a Table,
        to_table: &'a Table,
        column: Pair<'a, Column>,
    },
    Constraint(Pair<'a, Constraint>),
    Index(Pair<'a, Index>),
    View(Pair<'a, View>),
    Function(Pair<'a, Function>),
    Trigger(Pair<'a, Trigger>),
    Policy(Pair<'a, Policy>),
    Operator(Pair<'a, Operator>),
}

/// One typed change.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub kind: Kind,
    pub op: Op,
    /// The object's identity for people (`app.users`, `app.users.email`, `app.f(integer)`).
    pub name: String,
    /// For alters: what differs, field by field.
    pub fields: Vec<FieldChange>,
    pub subject: Subject<'a>,
}

impl Change<'_> {
    /// True when the field called `name` is among the alter's differences.
    pub fn changed(&self, name: &str) -> bool {
        self.fields.iter().any(|f| f.field == name)
    }
}

impl Serialize for Change<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Change", 5)?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("op", &self.op)?;
        st.serialize_field("name", &self.name)?;
        if self.op == Op::Alter {
            st.serialize_field("fields", &self.fields)?;
        } else {
            // The whole object that is created or dropped.
            match self.subject {
                Subject::Schema(p) => st.serialize_field("object", p.current())?,
                Subject::Extension(p) => st.serialize_field("object", p.current())?,
                Subject::Type(p) => st.serialize_field("object", p.current())?,
                Subject::Sequence(p) => st.serialize_field("object", p.current())?,
                Subject::Table(p) => st.serialize_field("object", p.current())?,
                Subject::Column { column, .. } => st.serialize_field("object", column.current())?,
                Subject::Constraint(p) => st.serialize_field("object", p.current())?,
                Subject::Index(p) => st.serialize_field("object", p.current())?,
                Subject::View(p) => st.serialize_field("object", p.current())?,
                Subject::Function(p) => st.serialize_field("object", p.current())?,
                Subject::Trigger(p) => st.serialize_field("object", p.current())?,
                Subject::Policy(p) => st.serialize_field("object", p.current())?,
                Subject::Operator(p) => st.serialize_field("object", p.current())?,
            }
        }
        st.end()
    }
}

/// The changes that turn `from` into `to`.
#[derive(Debug, Clone)]
pub struct Diff<'a> {
    pub from: &'a Catalog,
    pub to: &'a Catalog,
    pub changes: Vec<Change<'a>>,
}

impl Diff<'_> {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many changes of each kind and operation.
    pub fn counts(&self) -> BTreeMap<(Kind, Op), usize> {
        let mut counts = BTreeMap::new();
        for c in &self.changes {
            *counts.entry((c.kind, c.op)).or_default() += 1;
        }
        counts
    }
}

/// Compares two catalogs.
pub fn diff<'a>(from: &'a Catalog, to: &'a Catalog, options: &DiffOptions) -> Diff<'a> {
    let mut d = Differ {
        options,
        changes: Vec::new(),
    };
    d.kind(Kind::Schema, &from.schemas, &to.schemas, Subject::Schema);
    d.kind(
        Kind::Extension,
        &from.extensions,
        &to.extensions,
        Subject::Extension,
    );
    d.kind(Kind::Type, &from.types, &to.types, Subject::Type);
    d.kind(
        Kind::Sequence,
        &from.sequences,
        &to.sequences,
        Subject::Sequence,
    );
    d.kind(Kind::Table, &from.tables, &to.tables, Subject::Table);
    d.columns(from, to);
    d.kind(
        Kind::Constraint,
        &from.constraints,
        &to.constraints,
        Subject::Constraint,
    );
    d.kind(Kind::Index, &from.indexes, &to.indexes, Subject::Index);
    d.kind(Kind::View, &from.views, &to.views, Subject::View);
    d.kind(
        Kind::Function,
        &from.functions,
        &to.functions,
        Subject::Function,
    );
    d.kind(
        Kind::Trigger,
        &from.triggers,
        &to.triggers,
        Subject::Trigger,
    );
    d.kind(Kind::Policy, &from.policies, &to.policies, Subject::Policy);
    d.kind(
        Kind::Operator,
        &from.operators,
        &to.operators,
        Subject::Operator,
    );
    Diff {
        from,
        to,
        changes: d.changes,
    }
}

struct Differ<'o, 'a> {
    options: &'o DiffOptions,
    changes: Vec<Change<'a>>,
}

impl<'a> Differ<'_, 'a> {
    /// Fields never compared for objects of `kind`.
    fn ignored(&self, kind: Kind) -> &'static [&'static str] {
        let owner = !self.options.compare_owners;
        match (kind, owner) {
            // Columns are compared one by one (see `columns`).
            (Kind::Table, true) => &["owner", "columns"],
            (Kind::Table, false) => &["columns"],
            (Kind::Column, _) => &["position"],
            (_, true) => &["owner"],
            (_, false) => &[],
        }
    }

    fn kind<K, T>(
        &mut self,
        kind: Kind,
        from: &'a BTreeMap<K, T>,
        to: &'a BTreeMap<K, T>,
        wrap: fn(Pair<'a, T>) -> Subject<'a>,
    ) where
        K: Ord + Display,
        T: PartialEq + Serialize + Object,
    {
        let ignored = self.ignored(kind);
        merge(from, to, |key, a, b| {
            let (op, fields) = match (a, b) {
                (Some(_), None) => (Op::Drop, Vec::new()),
                (None, Some(_)) => (Op::Create, Vec::new()),
                (Some(a), Some(b)) => {
                    if a == b {
                        return;
                    }
                    let fields = fields::changes(a, b, ignored);
                    if fields.is_empty() {
                        return;
                    }
                    (Op::Alter, fields)
                }
                (None, None) => return,
            };
            self.changes.push(Change {
                kind,
                op,
                name: key.to_string(),
                fields,
                subject: wrap(Pair { from: a, to: b }),
            });
        });
    }

    /// Columns of the tables present on both sides, by name, in the `to` table's order
    /// (then dropped columns in the `from` table's order).
    fn columns(&mut self, from: &'a Catalog, to: &'a Catalog) {
        let ignored = self.ignored(Kind::Column);
        for (key, to_table) in &to.tables {
            let Some(from_table) = from.tables.get(key) else {
                continue;
            };
            if from_table.columns == to_table.columns {
                continue;
            }
            let mut push = |op, column: Pair<'a, Column>, fields| {
                let name = format!("{key}.{}", column.current().name);
                self.changes.push(Change {
                    kind: Kind::Column,
                    op,
                    name,
                    fields,
                    subject: Subject::Column {
                        from_table,
                        to_table,
                        column,
                    },
                });
            };
            for b in &to_table.columns {
                match from_table.column(&b.name) {
                    None => push(
                        Op::Create,
                        Pair {
                            from: None,
                            to: Some(b),
                        },
                        Vec::new(),
                    ),
                    Some(a) if a != b => {
                        let fields = fields::changes(a, b, ignored);
                        if !fields.is_empty() {
                            push(
                                Op::Alter,
                                Pair {
                                    from: Some(a),
                                    to: Some(b),
                                },
                                fields,
                            );
                        }
                    }
                    Some(_) => {}
                }
            }
            for a in &from_table.columns {
                if to_table.column(&a.name).is_none() {
                    push(
                        Op::Drop,
                        Pair {
                            from: Some(a),
                            to: None,
                        },
                        Vec::new(),
                    );
                }
            }
        }
    }
}

/// Walks two ordered maps together, calling `f` once per key with the value on each side.
fn merge<'a, K: Ord, T>(
    from: &'a BTreeMap<K, T>,
    to: &'a BTreeMap<K, T>,
    mut f: impl FnMut(&'a K, Option<&'a T>, Option<&'a T>),
) {
    let mut a = from.iter().peekable();
    let mut b = to.iter().peekable();
    loop {
        match (a.peek(), b.peek()) {
            (Some((ka, _)), Some((kb, _))) => match ka.cmp(kb) {
                std::cmp::Ordering::Less => {
                    let (k, v) = a.next().expect("peeked");
                    f(k, Some(v), None);
                }
                std::cmp::Ordering::Greater => {
                    let (k, v) = b.next().expect("peeked");
                    f(k, None, Some(v));
                }
                std::cmp::Ordering::Equal => {
                    let (k, va) = a.next().expect("peeked");
                    let (_, vb) = b.next().expect("peeked");
                    f(k, Some(va), Some(vb));
                }
            },
            (Some(_), None) => {
                let (k, v) = a.next().expect("peeked");
                f(k, Some(v), None);
            }
            (None, Some(_)) => {
                let (k, v) = b.next().expect("peeked");
                f(k, None, Some(v));
            }
            (None, None) => break,
        }
    }
}

#[cfg(test)]
mod tests;
