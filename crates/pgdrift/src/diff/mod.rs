//! Catalog x Catalog -> Diff: the typed changes that turn one catalog into another.
//!
//! One generic keyed comparison walks every kind's map; an object present on one side only
//! is a create or a drop, and an object present on both sides that differs is an alter with
//! field-level detail. Columns are compared by name inside tables that exist on both sides.
//! Owners are ignored unless asked for (every environment has its own roles), and so are
//! column positions (PostgreSQL cannot reorder columns). Output order is deterministic:
//! kinds in the order of [`KINDS`](crate::model::KINDS), then keys.

mod fields;
pub(crate) use fields::field;
pub(crate) mod filter;
mod labels;

pub use fields::FieldChange;
pub use filter::{glob_match, retain, visit, Filter, Place};
pub use labels::{label_changes, LabelChanges, LabelPlacement};

use crate::model::{with_kinds, Catalog, Column, Kind, Object, Parent, Placed, Table};
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

/// An object on both sides of a change, typed by what happens to it.
#[derive(Debug)]
pub enum Pair<'a, T> {
    Created(&'a T),
    Dropped(&'a T),
    Altered { from: &'a T, to: &'a T },
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
        match *self {
            Pair::Created(t) | Pair::Dropped(t) | Pair::Altered { to: t, .. } => t,
        }
    }

    /// The object before the change (absent for a create).
    pub fn from(&self) -> Option<&'a T> {
        match *self {
            Pair::Created(_) => None,
            Pair::Dropped(f) | Pair::Altered { from: f, .. } => Some(f),
        }
    }

    /// The object after the change (absent for a drop).
    pub fn to(&self) -> Option<&'a T> {
        match *self {
            Pair::Dropped(_) => None,
            Pair::Created(t) | Pair::Altered { to: t, .. } => Some(t),
        }
    }

    pub fn op(&self) -> Op {
        match self {
            Pair::Created(_) => Op::Create,
            Pair::Dropped(_) => Op::Drop,
            Pair::Altered { .. } => Op::Alter,
        }
    }
}

/// A column change, of a table that exists on both sides.
#[derive(Debug, Clone, Copy)]
pub struct ColumnChange<'a> {
    pub from_table: &'a Table,
    pub to_table: &'a Table,
    pub column: Pair<'a, Column>,
}

macro_rules! subjects {
    (
        [$($a:ident: $af:ident: $ak:ty => $at:ty, $a1:literal, $an:literal, $ap:ident;)*]
        $col:ident: $c1:literal, $cn:literal, $cp:ident;
        [$($b:ident: $bf:ident: $bk:ty => $bt:ty, $b1:literal, $bn:literal, $bp:ident;)*]
    ) => {
        /// The object a change is about, typed by kind: one variant per kind of the registry.
        #[derive(Debug, Clone, Copy)]
        pub enum Subject<'a> {
            $($a(Pair<'a, $at>),)*
            $col(ColumnChange<'a>),
            $($b(Pair<'a, $bt>),)*
        }

        impl<'a> Subject<'a> {
            /// The kind of the object.
            pub fn kind(&self) -> Kind {
                match self {
                    $(Subject::$a(_) => Kind::$a,)*
                    Subject::$col(_) => Kind::$col,
                    $(Subject::$b(_) => Kind::$b,)*
                }
            }

            /// Whether the object is created, dropped or altered.
            pub fn op(&self) -> Op {
                match self {
                    $(Subject::$a(p) => p.op(),)*
                    Subject::$col(c) => c.column.op(),
                    $(Subject::$b(p) => p.op(),)*
                }
            }

            /// Where the object lives (a column's name is its own, on its table).
            pub fn place(&self) -> Place<'a> {
                match self {
                    $(Subject::$a(p) => p.current().place(),)*
                    Subject::$col(c) => Place::on(
                        Kind::$col,
                        &c.to_table.schema,
                        &c.column.current().name,
                        &c.to_table.name,
                    ),
                    $(Subject::$b(p) => p.current().place(),)*
                }
            }

            /// `(schema, table)` of the table the object lives on, for kinds whose parent is a
            /// table (columns, constraints, indexes, triggers, policies).
            pub fn parent_table(&self) -> Option<(&'a str, &'a str)> {
                let on_table = |parent: Parent, place: Place<'a>| match parent {
                    Parent::Table => place.table,
                    Parent::Database => None,
                };
                match self {
                    $(Subject::$a(p) => on_table(Parent::$ap, p.current().place()),)*
                    Subject::$col(_) => on_table(Parent::$cp, self.place()),
                    $(Subject::$b(p) => on_table(Parent::$bp, p.current().place()),)*
                }
            }

            /// Writes the object as it is after the change (before it, for a drop).
            fn serialize_object<S: SerializeStruct>(&self, st: &mut S) -> Result<(), S::Error> {
                match self {
                    $(Subject::$a(p) => st.serialize_field("object", p.current()),)*
                    Subject::$col(c) => st.serialize_field("object", c.column.current()),
                    $(Subject::$b(p) => st.serialize_field("object", p.current()),)*
                }
            }
        }

        /// Compares two catalogs, kind by kind in the registry's order.
        pub fn diff<'a>(from: &'a Catalog, to: &'a Catalog, options: &DiffOptions) -> Diff<'a> {
            let mut d = Differ {
                options,
                changes: Vec::new(),
            };
            $(d.kind(Kind::$a, &from.$af, &to.$af, Subject::$a);)*
            d.columns(from, to);
            $(d.kind(Kind::$b, &from.$bf, &to.$bf, Subject::$b);)*
            Diff {
                from,
                to,
                changes: d.changes,
            }
        }
    };
}
with_kinds!(subjects);

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

impl<'a> Change<'a> {
    /// The change to `subject`, its kind and operation read off the subject.
    pub fn new(name: String, fields: Vec<FieldChange>, subject: Subject<'a>) -> Self {
        Change {
            kind: subject.kind(),
            op: subject.op(),
            name,
            fields,
            subject,
        }
    }

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
            self.subject.serialize_object(&mut st)?;
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
            (Kind::Table, true) => &[field!(Table, owner), field!(Table, columns)],
            (Kind::Table, false) => &[field!(Table, columns)],
            (Kind::Column, _) => &[field!(Column, position)],
            // Every kind with an owner names it so.
            (_, true) => &[field!(Table, owner)],
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
            let (pair, fields) = match (a, b) {
                (Some(a), None) => (Pair::Dropped(a), Vec::new()),
                (None, Some(b)) => (Pair::Created(b), Vec::new()),
                (Some(a), Some(b)) => {
                    if a == b {
                        return;
                    }
                    let fields = fields::changes(a, b, ignored);
                    if fields.is_empty() {
                        return;
                    }
                    (Pair::Altered { from: a, to: b }, fields)
                }
                (None, None) => return,
            };
            self.changes
                .push(Change::new(key.to_string(), fields, wrap(pair)));
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
            let mut push = |column: Pair<'a, Column>, fields| {
                let name = format!("{key}.{}", column.current().name);
                let subject = Subject::Column(ColumnChange {
                    from_table,
                    to_table,
                    column,
                });
                self.changes.push(Change::new(name, fields, subject));
            };
            for b in &to_table.columns {
                match from_table.column(&b.name) {
                    None => push(Pair::Created(b), Vec::new()),
                    Some(a) if a != b => {
                        let fields = fields::changes(a, b, ignored);
                        if !fields.is_empty() {
                            push(Pair::Altered { from: a, to: b }, fields);
                        }
                    }
                    Some(_) => {}
                }
            }
            for a in &from_table.columns {
                if to_table.column(&a.name).is_none() {
                    push(Pair::Dropped(a), Vec::new());
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
    use std::cmp::Ordering;
    let mut a = from.iter().peekable();
    let mut b = to.iter().peekable();
    loop {
        let side = match (a.peek(), b.peek()) {
            (Some((ka, _)), Some((kb, _))) => ka.cmp(kb),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => break,
        };
        match side {
            Ordering::Less => {
                if let Some((k, v)) = a.next() {
                    f(k, Some(v), None);
                }
            }
            Ordering::Greater => {
                if let Some((k, v)) = b.next() {
                    f(k, None, Some(v));
                }
            }
            Ordering::Equal => {
                if let (Some((k, va)), Some((_, vb))) = (a.next(), b.next()) {
                    f(k, Some(va), Some(vb));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
