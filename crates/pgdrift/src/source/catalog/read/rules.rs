//! Rewrite rules, with their event and firing state decoded from `pg_rewrite`'s codes.

use super::super::rows::get;
use super::super::InspectError;
use crate::model::Rule;
use tokio_postgres::Row;

pub(super) const QUERY: &str = "rules";
pub(super) const COLS: &[&str] = &[
    "schema",
    "table_name",
    "name",
    "event",
    "instead",
    "enabled",
    "definition",
    "comment",
];

pub(super) fn decode(row: &Row) -> Result<Rule, InspectError> {
    let definition: String = get!(row, "definition");
    Ok(Rule {
        schema: get!(row, "schema"),
        table: get!(row, "table_name"),
        name: get!(row, "name"),
        event: match get!(row, "event", String).as_str() {
            "1" => "select",
            "2" => "update",
            "3" => "insert",
            _ => "delete",
        }
        .to_string(),
        instead: get!(row, "instead"),
        enabled: firing_state(&get!(row, "enabled", String)).to_string(),
        definition: definition.trim_end().trim_end_matches(';').to_string(),
        comment: get!(row, "comment"),
    })
}

/// The firing state of a rule or an event trigger, from its one-letter code.
pub(super) fn firing_state(code: &str) -> &'static str {
    match code {
        "D" => "disabled",
        "R" => "replica",
        "A" => "always",
        _ => "origin",
    }
}
