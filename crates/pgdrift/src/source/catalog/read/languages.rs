//! The user's procedural languages; their functions come as `{schema, name}` arrays.

use super::super::acl::privileges;
use super::super::rows::get;
use super::super::InspectError;
use super::ts_templates::{function, required};
use crate::model::Language;
use tokio_postgres::Row;

pub(super) const QUERY: &str = "languages";
pub(super) const COLS: &[&str] = &[
    "name",
    "trusted",
    "handler",
    "inline",
    "validator",
    "owner",
    "comment",
    "acl",
    "acl_default",
];

pub(super) fn decode(row: &Row) -> Result<Language, InspectError> {
    Ok(Language {
        name: get!(row, "name"),
        trusted: get!(row, "trusted"),
        handler: required(get!(row, "handler"), (QUERY, "handler"))?,
        inline: function(get!(row, "inline"), (QUERY, "inline"))?,
        validator: function(get!(row, "validator"), (QUERY, "validator"))?,
        owner: get!(row, "owner"),
        comment: get!(row, "comment"),
        privileges: privileges(get!(row, "acl"), get!(row, "acl_default")),
    })
}
