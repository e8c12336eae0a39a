//! Which relations the patterns name: resolved as `pgdrift investigate` resolves them
//! (`name` or `schema.name`, globs, the closest names for a pattern matching nothing), with
//! what ties to each; pgdrift's own schemas left out unless asked for by name.

use super::{db_error, CleanupError};
use crate::evidence::object::{investigate, InvestigateOptions, NotFound, Tie};
use crate::pg::Connection;
use std::time::Duration;

/// Schemas pgdrift keeps for itself.
pub const OWN_SCHEMAS: &[&str] = &[
    super::QUARANTINE_SCHEMA,
    crate::plan::BACKUP_SCHEMA,
    crate::migrate::tracking::SCHEMA,
];

/// One relation found.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub oid: u32,
    pub schema: String,
    pub name: String,
    /// `table`, `view`, `materialized view`, `sequence`...
    pub kind: String,
    pub ties: Vec<Tie>,
}

impl Resolved {
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }
}

/// The relations `patterns` match, in order, and the patterns matching none. With
/// `own_schemas`, relations in pgdrift's schemas are kept.
pub async fn resolve(
    conn: &Connection,
    patterns: &[String],
    own_schemas: bool,
) -> Result<(Vec<Resolved>, Vec<NotFound>), CleanupError> {
    let opts = InvestigateOptions {
        count_timeout: Duration::ZERO,
        estimate_sizes: true,
        relations_only: true,
    };
    let inv = investigate(conn, patterns, &opts).await?;
    let mut out = Vec::with_capacity(inv.objects.len());
    for o in inv.objects {
        let Some((schema, name)) = o.object.split_once('.') else {
            continue;
        };
        if !own_schemas && OWN_SCHEMAS.contains(&schema) {
            continue;
        }
        let oid = oid_of(conn, schema, name).await?;
        out.push(Resolved {
            oid,
            schema: schema.to_string(),
            name: name.to_string(),
            kind: o.kind.to_string(),
            ties: o.ties,
        });
    }
    // A sequence a found table owns follows that table.
    let owned: Vec<String> = (out.iter())
        .flat_map(|r| r.ties.iter().filter(|t| t.kind == "sequence"))
        .map(|t| t.other.clone())
        .collect();
    out.retain(|r| r.kind != "sequence" || !owned.contains(&quoted(&r.schema, &r.name)));
    Ok((out, inv.not_found))
}

/// `schema.name` as `regclass` prints it with only `pg_catalog` on the path.
pub fn quoted(schema: &str, name: &str) -> String {
    format!("{}.{}", crate::sql::Ident(schema), crate::sql::Ident(name))
}

async fn oid_of(conn: &Connection, schema: &str, name: &str) -> Result<u32, CleanupError> {
    let row = conn
        .client
        .query_one(
            "SELECT c.oid FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = $1 AND c.relname = $2",
            &[&schema, &name],
        )
        .await
        .map_err(db_error(conn, format!("finding {schema}.{name}")))?;
    Ok(row.get(0))
}

/// The names of the relations that move with relation `$1`: itself, its indexes and the
/// sequences it owns.
const MOVING: &str = "SELECT m.relname::text FROM pg_catalog.pg_class m WHERE m.oid = $1 \
    OR m.oid IN (SELECT i.indexrelid FROM pg_catalog.pg_index i WHERE i.indrelid = $1) \
    OR m.oid IN (SELECT d.objid FROM pg_catalog.pg_depend d \
                 JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S' \
                 WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass \
                   AND d.refobjid = $1 AND d.deptype IN ('a', 'i')) \
    ORDER BY 1";

/// The names of the relations moving with relation `oid` (see [`MOVING`]).
pub async fn moving_names(conn: &Connection, oid: u32) -> Result<Vec<String>, CleanupError> {
    let rows = conn
        .client
        .query(MOVING, &[&oid])
        .await
        .map_err(db_error(conn, "listing indexes and owned sequences"))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// The relation names taken in schema `schema`.
pub async fn names_in(conn: &Connection, schema: &str) -> Result<Vec<String>, CleanupError> {
    let rows = conn
        .client
        .query(
            "SELECT c.relname::text FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1",
            &[&schema],
        )
        .await
        .map_err(db_error(conn, format!("listing the relations of {schema}")))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// The keyword ALTER and DROP use for a relation of `kind`.
pub fn keyword(kind: &str) -> &'static str {
    match kind {
        "view" => "VIEW",
        "materialized view" => "MATERIALIZED VIEW",
        "sequence" => "SEQUENCE",
        "foreign table" => "FOREIGN TABLE",
        _ => "TABLE",
    }
}
