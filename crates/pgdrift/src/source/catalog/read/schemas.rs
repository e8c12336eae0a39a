//! Schemas and extensions.

use super::super::acl::privileges;
use super::super::rows::{check_columns, get};
use super::super::InspectError;
use crate::model::{Extension, Object, Schema};
use std::collections::BTreeMap;
use tokio_postgres::Row;

pub(super) fn read_schemas(rows: &[Row]) -> Result<BTreeMap<String, Schema>, InspectError> {
    const QUERY: &str = "schemas";
    const COLS: &[&str] = &["name", "owner", "comment", "acl", "acl_default"];
    check_columns(QUERY, rows, COLS)?;
    let mut out = BTreeMap::new();
    for row in rows {
        let name: String = get!(row, "name");
        let schema = Schema {
            schema: name.clone(),
            name,
            owner: get!(row, "owner"),
            comment: get!(row, "comment"),
            privileges: privileges(
                &get!(row, "acl", Vec<String>),
                &get!(row, "acl_default", Vec<String>),
            ),
        };
        out.insert(schema.key(), schema);
    }
    Ok(out)
}

pub(super) fn read_extensions(rows: &[Row]) -> Result<BTreeMap<String, Extension>, InspectError> {
    const QUERY: &str = "extensions";
    const COLS: &[&str] = &["name", "schema", "version"];
    check_columns(QUERY, rows, COLS)?;
    let mut out = BTreeMap::new();
    for row in rows {
        let ext = Extension {
            schema: get!(row, "schema"),
            name: get!(row, "name"),
            version: get!(row, "version"),
        };
        out.insert(ext.key(), ext);
    }
    Ok(out)
}
