//! The user's collations.

use super::super::rows::get;
use super::super::InspectError;
use crate::model::Collation;
use tokio_postgres::Row;

pub(super) const QUERY: &str = "user_collations";
pub(super) const COLS: &[&str] = &[
    "schema",
    "name",
    "provider",
    "locale",
    "lc_collate",
    "lc_ctype",
    "deterministic",
    "rules",
    "owner",
    "comment",
];

pub(super) fn decode(row: &Row) -> Result<Collation, InspectError> {
    Ok(Collation {
        schema: get!(row, "schema"),
        name: get!(row, "name"),
        provider: get!(row, "provider"),
        locale: get!(row, "locale"),
        lc_collate: get!(row, "lc_collate"),
        lc_ctype: get!(row, "lc_ctype"),
        deterministic: get!(row, "deterministic"),
        rules: get!(row, "rules"),
        owner: get!(row, "owner"),
        comment: get!(row, "comment"),
    })
}
