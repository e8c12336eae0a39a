//! Readers: rows of each catalog query into model objects. Columns are read first, since
//! constraints, indexes and triggers name columns by number; tables and views then take
//! their columns.

mod columns;
mod constraints;
mod functions;
mod indexes;
mod lookup;
mod operators;
mod policies;
mod schemas;
mod sequences;
mod tables;
mod triggers;
mod types;
mod views;

use super::query::QueryId;
use super::InspectError;
use crate::model::Catalog;
use std::collections::BTreeMap;
use tokio_postgres::Row;

/// Builds the catalog from every query's rows.
pub(crate) fn assemble(mut results: BTreeMap<QueryId, Vec<Row>>) -> Result<Catalog, InspectError> {
    let mut take = |id: QueryId| results.remove(&id).unwrap_or_default();
    let lookups = lookup::Lookups::read(&take(QueryId::Opclasses), &take(QueryId::Collations))?;
    let mut identity_sequences = columns::IdentitySequences::new();
    let sequences = sequences::read(&take(QueryId::Sequences), &mut identity_sequences)?;
    let mut columns = columns::read(&take(QueryId::Columns), &lookups, &mut identity_sequences)?;
    let table_rows = take(QueryId::Tables);
    let table_names = tables::names(&table_rows)?;
    let mut indexes = indexes::read(&take(QueryId::Indexes), &columns, &lookups)?;
    let constraints = constraints::read(
        &take(QueryId::Constraints),
        &columns,
        &mut indexes,
        &table_names,
    )?;
    let mut catalog = Catalog {
        constraints,
        indexes: indexes.into_map(),
        triggers: triggers::read(&take(QueryId::Triggers), &columns)?,
        schemas: schemas::read_schemas(&take(QueryId::Schemas))?,
        extensions: schemas::read_extensions(&take(QueryId::Extensions))?,
        types: types::read(&take(QueryId::Types), &lookups)?,
        sequences: sequences.finish(&columns, &table_names)?,
        functions: functions::read(&take(QueryId::Functions))?,
        policies: policies::read(&take(QueryId::Policies))?,
        operators: operators::read(&take(QueryId::Operators))?,
        ..Catalog::default()
    };
    catalog.tables = tables::read(&table_rows, &mut columns)?;
    catalog.views = views::read(&take(QueryId::Views), &mut columns)?;
    Ok(catalog)
}

/// Sorted copy of an optional text array (options lists are compared as sets).
pub(super) fn sorted(v: Option<Vec<String>>) -> Vec<String> {
    let mut v = v.unwrap_or_default();
    v.sort();
    v
}
