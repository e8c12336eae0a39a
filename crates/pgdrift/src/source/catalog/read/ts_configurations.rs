//! The user's text search configurations, their mappings gathered from the aligned arrays
//! the query returns (token type, dictionary schema, dictionary name).

use super::super::rows::get;
use super::super::InspectError;
use crate::model::{QualName, TextSearchConfiguration};
use std::collections::BTreeMap;
use tokio_postgres::Row;

pub(super) const QUERY: &str = "ts_configurations";
pub(super) const COLS: &[&str] = &[
    "schema",
    "name",
    "parser_schema",
    "parser_name",
    "tokens",
    "dictionary_schemas",
    "dictionary_names",
    "owner",
    "comment",
];

pub(super) fn decode(row: &Row) -> Result<TextSearchConfiguration, InspectError> {
    let tokens: Option<Vec<String>> = get!(row, "tokens");
    let schemas: Option<Vec<String>> = get!(row, "dictionary_schemas");
    let names: Option<Vec<String>> = get!(row, "dictionary_names");
    let mut mappings: BTreeMap<String, Vec<QualName>> = BTreeMap::new();
    let (schemas, names) = (schemas.unwrap_or_default(), names.unwrap_or_default());
    for ((token, schema), name) in tokens
        .unwrap_or_default()
        .into_iter()
        .zip(schemas)
        .zip(names)
    {
        mappings
            .entry(token)
            .or_default()
            .push(QualName::new(schema, name));
    }
    Ok(TextSearchConfiguration {
        schema: get!(row, "schema"),
        name: get!(row, "name"),
        parser: QualName::new(
            get!(row, "parser_schema", String),
            get!(row, "parser_name", String),
        ),
        mappings,
        owner: get!(row, "owner"),
        comment: get!(row, "comment"),
    })
}
