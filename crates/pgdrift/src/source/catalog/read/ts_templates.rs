//! The user's text search templates; their functions come as `{schema, name}` arrays.

use super::super::rows::get;
use super::super::InspectError;
use crate::model::{QualName, TextSearchTemplate};
use tokio_postgres::Row;

pub(super) const QUERY: &str = "ts_templates";
pub(super) const COLS: &[&str] = &["schema", "name", "init", "lexize", "comment"];

pub(super) fn decode(row: &Row) -> Result<TextSearchTemplate, InspectError> {
    Ok(TextSearchTemplate {
        schema: get!(row, "schema"),
        name: get!(row, "name"),
        init: function(get!(row, "init"), (QUERY, "init"))?,
        lexize: required(get!(row, "lexize"), (QUERY, "lexize"))?,
        comment: get!(row, "comment"),
    })
}

/// A function given as `{schema, name}`, or none.
pub(super) fn function(
    parts: Option<Vec<String>>,
    (query, column): (&'static str, &'static str),
) -> Result<Option<QualName>, InspectError> {
    match parts.as_deref() {
        None => Ok(None),
        Some([schema, name]) => Ok(Some(QualName::new(schema, name))),
        Some(other) => Err(InspectError::Decode {
            query,
            column,
            reason: format!("expected {{schema, name}}, got {other:?}"),
        }),
    }
}

/// A function that must be there.
pub(super) fn required(
    parts: Option<Vec<String>>,
    (query, column): (&'static str, &'static str),
) -> Result<QualName, InspectError> {
    function(parts, (query, column))?.ok_or_else(|| InspectError::Decode {
        query,
        column,
        reason: "the function is missing".to_string(),
    })
}
