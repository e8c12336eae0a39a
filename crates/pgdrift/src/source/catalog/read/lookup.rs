//! Operator classes and collations by OID, turned into SQL names once; OIDs never reach the
//! model.

use super::super::nodes::Names;
use super::super::rows::{check_columns, get};
use super::super::InspectError;
use crate::sql::{Ident, QualIdent};
use std::collections::HashMap;
use tokio_postgres::Row;

/// The database's default collation's OID (`DEFAULT_COLLATION_OID`).
pub(super) const DEFAULT_COLLATION: u32 = 100;

#[derive(Debug, Default)]
pub(crate) struct Lookups {
    opclasses: HashMap<u32, (String, bool)>,
    collations: HashMap<u32, String>,
    /// What the client needs to deparse stored expressions (`None`: the server deparses).
    pub(crate) names: Option<Names>,
}

/// `name` when it lives in `pg_catalog`, else `schema.name`, quoted as SQL needs.
pub(super) fn sql_name(schema: &str, name: &str) -> String {
    if schema == "pg_catalog" {
        Ident(name).to_string()
    } else {
        QualIdent(schema, name).to_string()
    }
}

impl Lookups {
    pub(crate) fn read(opclasses: &[Row], collations: &[Row]) -> Result<Lookups, InspectError> {
        let mut out = Lookups::default();
        {
            const QUERY: &str = "opclasses";
            const COLS: &[&str] = &["oid", "schema", "name", "is_default"];
            if let Some(first) = opclasses.first() {
                check_columns(QUERY, first, COLS)?;
            }
            for row in opclasses {
                let (schema, name): (String, String) = (get!(row, "schema"), get!(row, "name"));
                out.opclasses.insert(
                    get!(row, "oid"),
                    (sql_name(&schema, &name), get!(row, "is_default")),
                );
            }
        }
        {
            const QUERY: &str = "collations";
            const COLS: &[&str] = &["oid", "schema", "name"];
            if let Some(first) = collations.first() {
                check_columns(QUERY, first, COLS)?;
            }
            for row in collations {
                let (schema, name): (String, String) = (get!(row, "schema"), get!(row, "name"));
                out.collations
                    .insert(get!(row, "oid"), sql_name(&schema, &name));
            }
        }
        Ok(out)
    }

    /// The collation's SQL name; `None` for OID 0.
    pub(super) fn collation(&self, oid: u32) -> Option<String> {
        (oid != 0).then(|| {
            self.collations
                .get(&oid)
                .cloned()
                .unwrap_or_else(|| format!("collation {oid}"))
        })
    }

    /// The operator class's SQL name when it is not the default for its type.
    pub(super) fn non_default_opclass(&self, oid: u32) -> Option<String> {
        match self.opclasses.get(&oid) {
            Some((_, true)) => None,
            Some((name, false)) => Some(name.clone()),
            None if oid == 0 => None,
            None => Some(format!("opclass {oid}")),
        }
    }
}
