//! The user's access methods.

use super::super::rows::get;
use super::super::InspectError;
use crate::model::AccessMethod;
use tokio_postgres::Row;

pub(super) const QUERY: &str = "access_methods";
pub(super) const COLS: &[&str] = &["name", "kind", "handler", "comment"];

pub(super) fn decode(row: &Row) -> Result<AccessMethod, InspectError> {
    Ok(AccessMethod {
        name: get!(row, "name"),
        kind: get!(row, "kind"),
        handler: get!(row, "handler"),
        comment: get!(row, "comment"),
    })
}
