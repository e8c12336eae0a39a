//! Views and materialized views; their columns come from the columns reader.

use super::super::acl::privileges;
use super::super::rows::get;
use super::super::InspectError;
use super::columns::RelColumns;
use super::sorted;
use crate::model::View;
use tokio_postgres::Row;

pub(super) const QUERY: &str = "views";
pub(super) const COLS: &[&str] = &[
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

/// A view and its OID, until it gets its columns.
#[derive(Debug)]
pub(crate) struct Raw {
    oid: u32,
    view: View,
}

pub(super) fn decode(row: &Row) -> Result<Raw, InspectError> {
    Ok(Raw {
        oid: get!(row, "oid"),
        view: View {
            schema: get!(row, "schema"),
            name: get!(row, "name"),
            materialized: get!(row, "materialized"),
            definition: get!(row, "definition", Option<String>).unwrap_or_default(),
            options: sorted(get!(row, "options")),
            owner: get!(row, "owner"),
            comment: get!(row, "comment"),
            privileges: privileges(get!(row, "acl"), get!(row, "acl_default")),
            columns: Vec::new(),
        },
    })
}

/// Gives every view its columns.
pub(super) fn attach(raws: impl IntoIterator<Item = Raw>, columns: &mut RelColumns) -> Vec<View> {
    raws.into_iter()
        .map(|mut r| {
            r.view.columns = columns.take(r.oid);
            r.view
        })
        .collect()
}
