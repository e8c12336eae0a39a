//! Row-level security policies.

use super::super::rows::get;
use super::super::InspectError;
use crate::model::Policy;
use tokio_postgres::Row;

pub(super) const QUERY: &str = "policies";
pub(super) const COLS: &[&str] = &[
    "schema",
    "table_name",
    "name",
    "command",
    "permissive",
    "roles",
    "using_expr",
    "check_expr",
    "comment",
];

pub(super) fn decode(row: &Row) -> Result<Policy, InspectError> {
    let policy = Policy {
        schema: get!(row, "schema"),
        table: get!(row, "table_name"),
        name: get!(row, "name"),
        command: match get!(row, "command", String).as_str() {
            "r" => "select",
            "a" => "insert",
            "w" => "update",
            "d" => "delete",
            _ => "all",
        }
        .to_string(),
        permissive: get!(row, "permissive"),
        roles: get!(row, "roles"),
        using: get!(row, "using_expr"),
        with_check: get!(row, "check_expr"),
        comment: get!(row, "comment"),
    };
    Ok(policy)
}
