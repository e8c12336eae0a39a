//! User-defined operators.

use super::super::rows::{check_columns, get};
use super::super::InspectError;
use crate::model::{Object, Operator, Signature};
use std::collections::BTreeMap;
use tokio_postgres::Row;

const QUERY: &str = "operators";
const COLS: &[&str] = &[
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

pub(super) fn read(rows: &[Row]) -> Result<BTreeMap<Signature, Operator>, InspectError> {
    check_columns(QUERY, rows, COLS)?;
    let mut out = BTreeMap::new();
    for row in rows {
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
        out.insert(op.key(), op);
    }
    Ok(out)
}
