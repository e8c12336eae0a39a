//! Event triggers, with their firing state decoded as rules' is.

use super::super::rows::get;
use super::super::InspectError;
use super::rules::firing_state;
use super::sorted;
use crate::model::{EventTrigger, QualName};
use tokio_postgres::Row;

pub(super) const QUERY: &str = "event_triggers";
pub(super) const COLS: &[&str] = &[
    "name",
    "event",
    "tags",
    "function_schema",
    "function_name",
    "enabled",
    "owner",
    "comment",
];

pub(super) fn decode(row: &Row) -> Result<EventTrigger, InspectError> {
    Ok(EventTrigger {
        name: get!(row, "name"),
        event: get!(row, "event"),
        tags: sorted(get!(row, "tags")),
        function: QualName::new(
            get!(row, "function_schema", String),
            get!(row, "function_name", String),
        ),
        enabled: firing_state(&get!(row, "enabled", String)).to_string(),
        owner: get!(row, "owner"),
        comment: get!(row, "comment"),
    })
}
