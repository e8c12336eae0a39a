//! The user's encoding conversions.

use super::super::rows::get;
use super::super::InspectError;
use crate::model::{Conversion, QualName};
use tokio_postgres::Row;

pub(super) const QUERY: &str = "conversions";
pub(super) const COLS: &[&str] = &[
    "schema",
    "name",
    "source",
    "destination",
    "function_schema",
    "function_name",
    "is_default",
    "owner",
    "comment",
];

pub(super) fn decode(row: &Row) -> Result<Conversion, InspectError> {
    let function_schema: String = get!(row, "function_schema");
    let function_name: String = get!(row, "function_name");
    Ok(Conversion {
        schema: get!(row, "schema"),
        name: get!(row, "name"),
        source: get!(row, "source"),
        destination: get!(row, "destination"),
        function: QualName::new(function_schema, function_name),
        default: get!(row, "is_default"),
        owner: get!(row, "owner"),
        comment: get!(row, "comment"),
    })
}
