//! pgdrift's cleanup history, `pgdrift.cleanup_history`: one row per object per action
//! (quarantine, restore, drop) with who, when, why, the privileges recorded, where the
//! backup went and the row count and checksum. Created if missing, written in the same
//! transaction as the action; `restore` and `drop --quarantined-for` read it.

use super::{db_error, CleanupError};
use crate::pg::Connection;
use serde::Serialize;

const CREATE: &str = "CREATE SCHEMA IF NOT EXISTS pgdrift;
CREATE TABLE IF NOT EXISTS pgdrift.cleanup_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    action text NOT NULL CHECK (action IN ('quarantine', 'restore', 'drop')),
    kind text NOT NULL,
    original_schema text NOT NULL,
    original_name text NOT NULL,
    current_schema_name text,
    current_object_name text,
    db_user text NOT NULL DEFAULT current_user,
    os_user text,
    at timestamptz NOT NULL DEFAULT now(),
    reason text,
    privileges jsonb,
    backup text,
    row_count bigint,
    checksum text,
    pgdrift_version text NOT NULL
);
COMMENT ON TABLE pgdrift.cleanup_history IS 'Objects quarantined, restored and dropped by pgdrift: one row per object and action'";

const INSERT: &str = "INSERT INTO pgdrift.cleanup_history (action, kind, original_schema, \
    original_name, current_schema_name, current_object_name, os_user, reason, privileges, backup, \
    row_count, checksum, pgdrift_version) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb, $10, $11, $12, $13)";

/// The latest quarantine row of each object still in the quarantine schema.
const QUARANTINED: &str = "SELECT DISTINCT ON (h.current_object_name) h.original_schema, \
    h.original_name, h.current_object_name, h.kind, h.privileges::text, \
    to_char(h.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC', \
    extract(epoch FROM now() - h.at)::float8 \
    FROM pgdrift.cleanup_history h \
    WHERE h.action = 'quarantine' AND h.current_schema_name = 'pgdrift_quarantine' \
      AND to_regclass(quote_ident(h.current_schema_name) || '.' || quote_ident(h.current_object_name)) IS NOT NULL \
    ORDER BY h.current_object_name, h.at DESC, h.id DESC";

/// Who acts: the operating system's user (`$USER`, else `$LOGNAME`); the database user is
/// the server's `current_user`.
#[derive(Debug, Clone, Default)]
pub struct Who {
    pub os_user: Option<String>,
}

impl Who {
    pub fn from_env() -> Who {
        let var = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
        Who {
            os_user: var("USER").or_else(|| var("LOGNAME")),
        }
    }
}

/// One row to write.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HistoryRow {
    pub action: String,
    pub kind: String,
    pub original_schema: String,
    pub original_name: String,
    pub current_schema: Option<String>,
    pub current_name: Option<String>,
    pub reason: Option<String>,
    pub privileges: Option<String>,
    pub backup: Option<String>,
    pub row_count: Option<i64>,
    pub checksum: Option<String>,
}

/// An object in quarantine, as its history says.
#[derive(Debug, Clone)]
pub struct Quarantined {
    pub original_schema: String,
    pub original_name: String,
    /// Its name in the quarantine schema.
    pub name: String,
    pub kind: String,
    pub privileges: Option<String>,
    pub since: String,
    pub seconds: f64,
}

/// Creates the history table if it is missing (inside the caller's transaction).
pub async fn create(conn: &Connection) -> Result<(), CleanupError> {
    conn.client
        .batch_execute(CREATE)
        .await
        .map_err(db_error(conn, "creating pgdrift.cleanup_history"))
}

/// Writes `row`.
pub async fn write(conn: &Connection, who: &Who, row: &HistoryRow) -> Result<(), CleanupError> {
    conn.client
        .execute(
            INSERT,
            &[
                &row.action,
                &row.kind,
                &row.original_schema,
                &row.original_name,
                &row.current_schema,
                &row.current_name,
                &who.os_user,
                &row.reason,
                &row.privileges,
                &row.backup,
                &row.row_count,
                &row.checksum,
                &crate::VERSION,
            ],
        )
        .await
        .map(|_| ())
        .map_err(db_error(conn, "writing pgdrift.cleanup_history"))
}

/// The objects in quarantine (none when the history table does not exist).
pub async fn quarantined(conn: &Connection) -> Result<Vec<Quarantined>, CleanupError> {
    let exists = conn
        .client
        .query_one(
            "SELECT to_regclass('pgdrift.cleanup_history') IS NOT NULL",
            &[],
        )
        .await
        .map_err(db_error(conn, "looking for pgdrift.cleanup_history"))?;
    if !exists.get::<_, bool>(0) {
        return Ok(Vec::new());
    }
    let rows = conn
        .client
        .query(QUARANTINED, &[])
        .await
        .map_err(db_error(conn, "reading pgdrift.cleanup_history"))?;
    Ok(rows
        .iter()
        .map(|r| Quarantined {
            original_schema: r.get(0),
            original_name: r.get(1),
            name: r.get(2),
            kind: r.get(3),
            privileges: r.get(4),
            since: r.get(5),
            seconds: r.get(6),
        })
        .collect())
}

/// The quarantine rows whose original `schema.name` or `name`, or whose `schema.name` in
/// quarantine, matches one of `patterns`.
pub fn matching<'a>(all: &'a [Quarantined], patterns: &[String]) -> Vec<&'a Quarantined> {
    use crate::diff::filter::glob_match;
    all.iter()
        .filter(|q| {
            let full = format!("{}.{}", q.original_schema, q.original_name);
            let now = format!("{}.{}", super::QUARANTINE_SCHEMA, q.name);
            patterns.iter().any(|p| {
                glob_match(p, &full) || glob_match(p, &q.original_name) || glob_match(p, &now)
            })
        })
        .collect()
}
