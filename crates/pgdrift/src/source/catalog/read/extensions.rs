//! Installed extensions.

use super::super::rows::get;
use super::super::InspectError;
use crate::model::Extension;
use tokio_postgres::Row;

pub(super) const QUERY: &str = "extensions";
pub(super) const COLS: &[&str] = &["name", "schema", "version"];

pub(super) fn decode(row: &Row) -> Result<Extension, InspectError> {
    Ok(Extension {
        schema: get!(row, "schema"),
        name: get!(row, "name"),
        version: get!(row, "version"),
    })
}
