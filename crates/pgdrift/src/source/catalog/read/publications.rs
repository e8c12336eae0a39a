//! Publications, their tables (as JSON, each with its column list and row filter) and
//! their schemas.

use super::super::rows::get;
use super::super::InspectError;
use crate::model::{Publication, PublishedTable};
use tokio_postgres::types::Json;
use tokio_postgres::Row;

pub(super) const QUERY: &str = "publications";
pub(super) const COLS: &[&str] = &[
    "name",
    "all_tables",
    "tables",
    "schemas",
    "publish",
    "via_root",
    "generated_columns",
    "owner",
    "comment",
];

pub(super) fn decode(row: &Row) -> Result<Publication, InspectError> {
    let Json(tables): Json<Vec<PublishedTable>> = get!(row, "tables");
    Ok(Publication {
        name: get!(row, "name"),
        all_tables: get!(row, "all_tables"),
        tables,
        schemas: get!(row, "schemas"),
        publish: get!(row, "publish"),
        via_root: get!(row, "via_root"),
        generated_columns: get!(row, "generated_columns"),
        owner: get!(row, "owner"),
        comment: get!(row, "comment"),
    })
}
