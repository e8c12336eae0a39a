//! Database-level settings, one row per (role or none, setting).

use super::super::rows::get;
use super::super::InspectError;
use crate::model::DatabaseSetting;
use tokio_postgres::Row;

pub(super) const QUERY: &str = "database_settings";
pub(super) const COLS: &[&str] = &["role", "name", "value"];

pub(super) fn decode(row: &Row) -> Result<DatabaseSetting, InspectError> {
    Ok(DatabaseSetting {
        role: get!(row, "role"),
        name: get!(row, "name"),
        value: get!(row, "value"),
        masked_digest: None,
    })
}
