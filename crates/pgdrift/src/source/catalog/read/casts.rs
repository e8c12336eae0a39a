//! The user's casts.

use super::super::rows::get;
use super::super::InspectError;
use crate::model::{Cast, CastFunction};
use tokio_postgres::Row;

pub(super) const QUERY: &str = "casts";
pub(super) const COLS: &[&str] = &[
    "source",
    "target",
    "method",
    "function_schema",
    "function_name",
    "function_arguments",
    "context",
    "comment",
];

pub(super) fn decode(row: &Row) -> Result<Cast, InspectError> {
    let schema: Option<String> = get!(row, "function_schema");
    let name: Option<String> = get!(row, "function_name");
    let arguments: Option<String> = get!(row, "function_arguments");
    let function = match (schema, name) {
        (Some(schema), Some(name)) => Some(CastFunction {
            schema,
            name,
            arguments: arguments.unwrap_or_default(),
        }),
        _ => None,
    };
    Ok(Cast {
        source: get!(row, "source"),
        target: get!(row, "target"),
        method: get!(row, "method"),
        function,
        context: get!(row, "context"),
        comment: get!(row, "comment"),
    })
}
