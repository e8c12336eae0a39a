//! Extended statistics objects, their kinds decoded from `stxkind`'s codes.

use super::super::rows::get;
use super::super::InspectError;
use crate::model::{ExtendedStatistics, QualName};
use tokio_postgres::Row;

pub(super) const QUERY: &str = "statistics";
pub(super) const COLS: &[&str] = &[
    "schema",
    "name",
    "table_schema",
    "table_name",
    "columns",
    "kinds",
    "target",
    "owner",
    "comment",
];

pub(super) fn decode(row: &Row) -> Result<ExtendedStatistics, InspectError> {
    let codes: Vec<String> = get!(row, "kinds");
    // In the order CREATE STATISTICS lists them; `e` (expressions) is implied.
    let kinds = [("d", "ndistinct"), ("f", "dependencies"), ("m", "mcv")]
        .iter()
        .filter(|(code, _)| codes.iter().any(|c| c == code))
        .map(|(_, name)| name.to_string())
        .collect();
    Ok(ExtendedStatistics {
        schema: get!(row, "schema"),
        name: get!(row, "name"),
        table: QualName::new(
            get!(row, "table_schema", String),
            get!(row, "table_name", String),
        ),
        columns: get!(row, "columns"),
        kinds,
        target: get!(row, "target"),
        owner: get!(row, "owner"),
        comment: get!(row, "comment"),
    })
}
