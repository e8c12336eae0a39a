//! User-defined operators.

use super::super::rows::get;
use super::super::InspectError;
use crate::model::Operator;
use tokio_postgres::Row;

pub(super) const QUERY: &str = "operators";
pub(super) const COLS: &[&str] = &[
    "schema",
    "name",
    "arguments",
    "result",
    "function",
    "commutator",
    "negator",
    "restrict",
    "join_fn",
    "hashes",
    "merges",
    "owner",
    "comment",
];

pub(super) fn decode(row: &Row) -> Result<Operator, InspectError> {
    let op = Operator {
        schema: get!(row, "schema"),
        name: get!(row, "name"),
        arguments: get!(row, "arguments"),
        result: get!(row, "result"),
        function: get!(row, "function"),
        commutator: get!(row, "commutator"),
        negator: get!(row, "negator"),
        restrict: get!(row, "restrict"),
        join: get!(row, "join_fn"),
        hashes: get!(row, "hashes"),
        merges: get!(row, "merges"),
        owner: get!(row, "owner"),
        comment: get!(row, "comment"),
    };
    Ok(op)
}
