//! Views and materialized views, each with its columns.

use super::super::acl::privileges;
use super::super::rows::{check_columns, get};
use super::super::InspectError;
use super::columns::RelColumns;
use super::sorted;
use crate::model::{Object, QualName, View};
use std::collections::BTreeMap;
use tokio_postgres::Row;

const QUERY: &str = "views";
const COLS: &[&str] = &[
    "oid",
    "schema",
    "name",
    "materialized",
    "definition",
    "options",
    "owner",
    "comment",
    "acl",
    "acl_default",
];

pub(super) fn read(
    rows: &[Row],
    columns: &mut RelColumns,
) -> Result<BTreeMap<QualName, View>, InspectError> {
    check_columns(QUERY, rows, COLS)?;
    let mut out = BTreeMap::new();
    for row in rows {
        let view = View {
            schema: get!(row, "schema"),
            name: get!(row, "name"),
            materialized: get!(row, "materialized"),
            definition: get!(row, "definition", Option<String>).unwrap_or_default(),
            options: sorted(get!(row, "options")),
            owner: get!(row, "owner"),
            comment: get!(row, "comment"),
            privileges: privileges(
                &get!(row, "acl", Vec<String>),
                &get!(row, "acl_default", Vec<String>),
            ),
            columns: columns.take(get!(row, "oid")),
        };
        out.insert(view.key(), view);
    }
    Ok(out)
}
