//! Row-level security policies.

use super::super::rows::{check_columns, get};
use super::super::InspectError;
use crate::model::{Object, Policy, SubName};
use std::collections::BTreeMap;
use tokio_postgres::Row;

const QUERY: &str = "policies";
const COLS: &[&str] = &[
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

pub(super) fn read(rows: &[Row]) -> Result<BTreeMap<SubName, Policy>, InspectError> {
    check_columns(QUERY, rows, COLS)?;
    let mut out = BTreeMap::new();
    for row in rows {
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
        out.insert(policy.key(), policy);
    }
    Ok(out)
}
