//! Readers: each catalog query's rows are decoded one by one as they stream in (into model
//! objects, or into raw records where they point at other objects by OID or column number);
//! `assemble` then resolves those references: columns by number, tables by OID, the
//! indexes behind constraints, identity sequences onto their columns.

mod columns;
mod constraints;
mod extensions;
mod functions;
mod indexes;
pub(crate) mod lookup;
mod operators;
mod policies;
mod schemas;
mod sequences;
mod tables;
mod triggers;
mod types;
mod views;

use super::query::QueryId;
use super::rows::check_columns;
use super::InspectError;
use crate::model::{Catalog, Extension, Function, Object, Operator, Policy, Schema, TypeDef};
use lookup::Lookups;
use std::collections::BTreeMap;
use tokio_postgres::Row;

/// What one query's rows decode into.
#[derive(Debug)]
pub(crate) enum Decoded {
    Schemas(Vec<Schema>),
    Extensions(Vec<Extension>),
    Types(Vec<TypeDef>),
    Sequences(Vec<sequences::Raw>),
    Tables(Vec<tables::Raw>),
    Columns(Vec<columns::Raw>),
    Constraints(Vec<constraints::Raw>),
    Indexes(Vec<indexes::Raw>),
    Views(Vec<views::Raw>),
    Functions(Vec<Function>),
    Triggers(Vec<triggers::Raw>),
    Policies(Vec<Policy>),
    Operators(Vec<Operator>),
}

/// Decodes the rows of one query as they arrive.
#[derive(Debug)]
pub(crate) struct Decoder<'a> {
    lookups: &'a Lookups,
    checked: bool,
    out: Decoded,
}

impl<'a> Decoder<'a> {
    pub(crate) fn new(id: QueryId, lookups: &'a Lookups) -> Decoder<'a> {
        let out = match id {
            QueryId::Schemas => Decoded::Schemas(Vec::new()),
            QueryId::Extensions => Decoded::Extensions(Vec::new()),
            QueryId::Types => Decoded::Types(Vec::new()),
            QueryId::Sequences => Decoded::Sequences(Vec::new()),
            QueryId::Tables => Decoded::Tables(Vec::new()),
            QueryId::Columns => Decoded::Columns(Vec::new()),
            QueryId::Constraints => Decoded::Constraints(Vec::new()),
            QueryId::Indexes => Decoded::Indexes(Vec::new()),
            QueryId::Views => Decoded::Views(Vec::new()),
            QueryId::Functions => Decoded::Functions(Vec::new()),
            QueryId::Triggers => Decoded::Triggers(Vec::new()),
            QueryId::Policies => Decoded::Policies(Vec::new()),
            QueryId::Operators => Decoded::Operators(Vec::new()),
        };
        Decoder {
            lookups,
            checked: false,
            out,
        }
    }

    /// Decodes one row.
    pub(crate) fn push(&mut self, row: &Row) -> Result<(), InspectError> {
        macro_rules! take {
            ($module:ident, $v:expr, $decode:expr) => {{
                if !self.checked {
                    check_columns($module::QUERY, row, $module::COLS)?;
                    self.checked = true;
                }
                $v.push($decode?);
            }};
        }
        let lookups = self.lookups;
        match &mut self.out {
            Decoded::Schemas(v) => take!(schemas, v, schemas::decode_schema(row)),
            Decoded::Extensions(v) => take!(extensions, v, extensions::decode(row)),
            Decoded::Types(v) => take!(types, v, types::decode(row, lookups)),
            Decoded::Sequences(v) => take!(sequences, v, sequences::decode(row)),
            Decoded::Tables(v) => take!(tables, v, tables::decode(row)),
            Decoded::Columns(v) => take!(columns, v, columns::decode(row, lookups)),
            Decoded::Constraints(v) => take!(constraints, v, constraints::decode(row)),
            Decoded::Indexes(v) => take!(indexes, v, indexes::decode(row, lookups)),
            Decoded::Views(v) => take!(views, v, views::decode(row)),
            Decoded::Functions(v) => take!(functions, v, functions::decode(row)),
            Decoded::Triggers(v) => take!(triggers, v, triggers::decode(row)),
            Decoded::Policies(v) => take!(policies, v, policies::decode(row)),
            Decoded::Operators(v) => take!(operators, v, operators::decode(row)),
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> Decoded {
        self.out
    }
}

/// Everything decoded, merged over queries and slices.
#[derive(Debug, Default)]
struct Parts {
    schemas: Vec<Schema>,
    extensions: Vec<Extension>,
    types: Vec<TypeDef>,
    sequences: Vec<sequences::Raw>,
    tables: Vec<tables::Raw>,
    columns: Vec<columns::Raw>,
    constraints: Vec<constraints::Raw>,
    indexes: Vec<indexes::Raw>,
    views: Vec<views::Raw>,
    functions: Vec<Function>,
    triggers: Vec<triggers::Raw>,
    policies: Vec<Policy>,
    operators: Vec<Operator>,
}

impl Parts {
    fn add(&mut self, d: Decoded) {
        match d {
            Decoded::Schemas(v) => self.schemas.extend(v),
            Decoded::Extensions(v) => self.extensions.extend(v),
            Decoded::Types(v) => self.types.extend(v),
            Decoded::Sequences(v) => self.sequences.extend(v),
            Decoded::Tables(v) => self.tables.extend(v),
            Decoded::Columns(v) => self.columns.extend(v),
            Decoded::Constraints(v) => self.constraints.extend(v),
            Decoded::Indexes(v) => self.indexes.extend(v),
            Decoded::Views(v) => self.views.extend(v),
            Decoded::Functions(v) => self.functions.extend(v),
            Decoded::Triggers(v) => self.triggers.extend(v),
            Decoded::Policies(v) => self.policies.extend(v),
            Decoded::Operators(v) => self.operators.extend(v),
        }
    }
}

/// Keys a list of objects. Sorts the keys, not the (large) objects, then builds the map from
/// the sorted sequence in one pass.
pub(super) fn keyed<T: Object>(items: Vec<T>) -> BTreeMap<T::Key, T> {
    let mut order: Vec<(T::Key, usize)> = items
        .iter()
        .enumerate()
        .map(|(i, o)| (o.key(), i))
        .collect();
    order.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(key, i)| slots[i].take().map(|o| (key, o)))
        .collect()
}

/// Builds the catalog from every query's decoded rows, resolving cross-references.
pub(crate) fn assemble(decoded: Vec<Decoded>, lookups: &Lookups) -> Result<Catalog, InspectError> {
    let mut parts = Parts::default();
    for d in decoded {
        parts.add(d);
    }
    let (sequences, identity) = sequences::split(parts.sequences);
    let mut columns = columns::group(parts.columns, identity)?;
    let table_names = tables::names(&parts.tables);
    let mut indexes = indexes::resolve(parts.indexes, &columns, lookups)?;
    let constraints =
        constraints::resolve(parts.constraints, &columns, &mut indexes, &table_names)?;
    Ok(Catalog {
        schemas: keyed(parts.schemas),
        extensions: keyed(parts.extensions),
        types: keyed(parts.types),
        sequences: sequences.resolve(&columns, &table_names)?,
        constraints: keyed(constraints),
        indexes: indexes.into_map(),
        triggers: keyed(triggers::resolve(parts.triggers, &columns)?),
        functions: keyed(parts.functions),
        policies: keyed(parts.policies),
        operators: keyed(parts.operators),
        tables: keyed(tables::attach(parts.tables, &mut columns)),
        views: keyed(views::attach(parts.views, &mut columns)),
    })
}

/// Sorted copy of an optional text array (options lists are compared as sets).
pub(super) fn sorted(v: Option<Vec<String>>) -> Vec<String> {
    let mut v = v.unwrap_or_default();
    v.sort();
    v
}
