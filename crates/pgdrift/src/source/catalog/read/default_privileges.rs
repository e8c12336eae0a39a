//! Default privileges, one row per role, schema (or none) and type of objects.

use super::super::acl::privileges;
use super::super::rows::get;
use super::super::InspectError;
use crate::model::{DefaultObjects, DefaultPrivilege};
use tokio_postgres::Row;

pub(super) const QUERY: &str = "default_privileges";
pub(super) const COLS: &[&str] = &["role", "schema", "objects", "acl", "acl_default"];

pub(super) fn decode(row: &Row) -> Result<DefaultPrivilege, InspectError> {
    let code: String = get!(row, "objects");
    let objects = DefaultObjects::from_code(&code).ok_or_else(|| InspectError::Decode {
        query: QUERY,
        column: "objects",
        reason: format!("unknown type of objects {code:?} in pg_default_acl"),
    })?;
    Ok(DefaultPrivilege {
        role: get!(row, "role"),
        schema: get!(row, "schema"),
        objects,
        privileges: privileges(get!(row, "acl"), get!(row, "acl_default")),
    })
}
