//! Schemas.

use super::super::acl::privileges;
use super::super::rows::get;
use super::super::InspectError;
use crate::model::Schema;
use tokio_postgres::Row;

pub(super) const QUERY: &str = "schemas";
pub(super) const COLS: &[&str] = &["name", "owner", "comment", "acl", "acl_default"];

pub(super) fn decode_schema(row: &Row) -> Result<Schema, InspectError> {
    let name: String = get!(row, "name");
    Ok(Schema {
        schema: name.clone(),
        name,
        owner: get!(row, "owner"),
        comment: get!(row, "comment"),
        privileges: privileges(get!(row, "acl"), get!(row, "acl_default")),
    })
}
