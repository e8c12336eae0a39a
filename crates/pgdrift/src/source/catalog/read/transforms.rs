//! The user's transforms; their functions come as `{schema, name}` arrays.

use super::super::rows::get;
use super::super::InspectError;
use super::ts_templates::function;
use crate::model::Transform;
use tokio_postgres::Row;

pub(super) const QUERY: &str = "transforms";
pub(super) const COLS: &[&str] = &["type", "language", "from_sql", "to_sql", "comment"];

pub(super) fn decode(row: &Row) -> Result<Transform, InspectError> {
    Ok(Transform {
        type_name: get!(row, "type"),
        language: get!(row, "language"),
        from_sql: function(get!(row, "from_sql"), (QUERY, "from_sql"))?,
        to_sql: function(get!(row, "to_sql"), (QUERY, "to_sql"))?,
        comment: get!(row, "comment"),
    })
}
