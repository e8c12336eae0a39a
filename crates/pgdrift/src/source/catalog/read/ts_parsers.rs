//! The user's text search parsers; their functions come as `{schema, name}` arrays.

use super::super::rows::get;
use super::super::InspectError;
use super::ts_templates::{function, required};
use crate::model::TextSearchParser;
use tokio_postgres::Row;

pub(super) const QUERY: &str = "ts_parsers";
pub(super) const COLS: &[&str] = &[
    "schema", "name", "start", "gettoken", "end", "lextypes", "headline", "comment",
];

pub(super) fn decode(row: &Row) -> Result<TextSearchParser, InspectError> {
    Ok(TextSearchParser {
        schema: get!(row, "schema"),
        name: get!(row, "name"),
        start: required(get!(row, "start"), (QUERY, "start"))?,
        gettoken: required(get!(row, "gettoken"), (QUERY, "gettoken"))?,
        end: required(get!(row, "end"), (QUERY, "end"))?,
        lextypes: required(get!(row, "lextypes"), (QUERY, "lextypes"))?,
        headline: function(get!(row, "headline"), (QUERY, "headline"))?,
        comment: get!(row, "comment"),
    })
}
