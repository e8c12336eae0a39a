//! `--backup-dir`: before a database's pending migrations run, the tables they alter, drop,
//! truncate, rename or change rows of (`backup_scope`) are written, definition and rows, to
//! one restorable SQL file, `DIR/<server>/<database>-<UTC stamp>.sql`. The catalog and the
//! rows are read in one `REPEATABLE READ READ ONLY` transaction on a connection of its own;
//! the definitions are the plan from the catalog without the tables back to the catalog
//! (as cleanup's backup file has them), the rows `COPY` blocks (`crate::pg::copy`). The
//! file is written beside its final name and renamed once complete.

use super::backup_file::{with_partitions, write_backup};
use super::backup_scope::{scope, Scope};
use super::files::MigrationFile;
use super::owned::ToolOwned;
use crate::model::{Catalog, QualName};
use crate::pg::{connect, ConnInfo, Connection};
use crate::source::{inspect_in_transaction, Deparse, InspectOptions};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A backup taken before a database was migrated.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct BackupReport {
    /// The file written (`--backup-dir`); none when no table needed one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The command run (`--backup-command`), its connection string masked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// The tables backed up (`schema.name`); for a command, unknown (empty).
    pub tables: Vec<String>,
    /// The size of what was written.
    pub bytes: u64,
    /// Statements whose targets could not be told, which widened the backup.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub widened_by: Vec<String>,
}

/// Why a backup failed; the database is then not migrated.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{target}: {what}: {message}")]
    Database {
        target: String,
        what: String,
        message: String,
    },
    #[error("{path}: {reason}; nothing was migrated")]
    File { path: String, reason: String },
    #[error("reading the pending migrations: {0}")]
    Scope(#[from] super::backup_scope::ScopeError),
    #[error("{0}")]
    Command(String),
}

/// Backs up, into a file under `dir`, what `pending` would change on the database `info`
/// names (`server` is its `host:port`).
pub async fn backup_to_dir(
    info: &ConnInfo,
    server: &str,
    dir: &Path,
    pending: &[&MigrationFile],
) -> Result<BackupReport, BackupError> {
    let conn = connect(info).await.map_err(|e| BackupError::Database {
        target: crate::pg::mask_urls(&info.to_string()),
        what: "connecting for the backup".into(),
        message: e.to_string(),
    })?;
    let search_path = search_path(&conn).await?;
    let fail = |what: &str| {
        let what = what.to_string();
        let target = conn.target.clone();
        move |e: tokio_postgres::Error| BackupError::Database {
            target,
            what,
            message: crate::pg::mask_urls(&crate::pg::connect::db_message(&e)),
        }
    };
    (conn.client)
        .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .await
        .map_err(fail("starting the backup's read-only transaction"))?;
    let result = read_and_write(&conn, server, dir, pending, &search_path).await;
    // Read-only: nothing to keep, whatever happened.
    let _ = conn.client.batch_execute("ROLLBACK").await;
    result
}

async fn read_and_write(
    conn: &Connection,
    server: &str,
    dir: &Path,
    pending: &[&MigrationFile],
    search_path: &[String],
) -> Result<BackupReport, BackupError> {
    let read = InspectOptions {
        jobs: 1,
        deparse: Deparse::Client,
        ..InspectOptions::default()
    };
    let inspected =
        inspect_in_transaction(conn, &read)
            .await
            .map_err(|e| BackupError::Database {
                target: conn.target.clone(),
                what: "reading the catalog for the backup".into(),
                message: e.to_string(),
            })?;
    let catalog = inspected.snapshot.catalog;
    let version = inspected.snapshot.source.server_version_num;
    let mut scope = scope(pending, search_path, &user_tables(&catalog))?;
    scope.tables = with_partitions(&catalog, &scope.tables);
    let mut report = BackupReport {
        tables: scope
            .tables
            .iter()
            .map(|q| format!("{}.{}", q.schema, q.name))
            .collect(),
        widened_by: scope.opaque.clone(),
        ..BackupReport::default()
    };
    if scope.tables.is_empty() {
        return Ok(report);
    }
    let stamp = format!("{}Z", crate::clock::utc_stamp());
    let path = file_path(dir, server, &conn.database, &stamp);
    let header = header(conn, server, &stamp, pending, &scope);
    report.bytes = write_backup(conn, &path, &header, &catalog, version, &scope.tables).await?;
    report.path = Some(path.display().to_string());
    Ok(report)
}

/// The tables of `catalog` a backup may hold: not PostgreSQL's, not a migration tool's.
fn user_tables(catalog: &Catalog) -> BTreeSet<QualName> {
    let owned = ToolOwned::of(catalog);
    (catalog.tables.keys())
        .filter(|q| !owned.owns_table(q))
        .cloned()
        .collect()
}

/// The schemas of the session's `search_path` that exist, in order.
async fn search_path(conn: &Connection) -> Result<Vec<String>, BackupError> {
    let row = (conn.client)
        .query_one("SELECT pg_catalog.current_schemas(false)::text[]", &[])
        .await
        .map_err(|e| BackupError::Database {
            target: conn.target.clone(),
            what: "reading the search_path".into(),
            message: crate::pg::mask_urls(&crate::pg::connect::db_message(&e)),
        })?;
    Ok(row.get(0))
}

/// `s` with every character a file system may refuse replaced by `_`.
pub fn safe_name(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| match c.is_ascii_alphanumeric() || "._-".contains(c) {
            true => c,
            false => '_',
        })
        .collect();
    match out.trim_start_matches('.').is_empty() {
        true => "_".into(),
        false => out,
    }
}

/// `DIR/<server>/<database>-<UTC stamp>.sql`, not yet taken.
fn file_path(dir: &Path, server: &str, database: &str, stamp: &str) -> PathBuf {
    let folder = dir.join(safe_name(server));
    let stem = format!("{}-{stamp}", safe_name(database));
    let mut path = folder.join(format!("{stem}.sql"));
    let mut n = 2;
    while path.exists() {
        path = folder.join(format!("{stem}-{n}.sql"));
        n += 1;
    }
    path
}

/// The file's first lines: what it holds, why, and how to restore it.
fn header(
    conn: &Connection,
    server: &str,
    stamp: &str,
    pending: &[&MigrationFile],
    scope: &Scope,
) -> String {
    let files: Vec<&str> = pending.iter().map(|f| f.version.as_str()).collect();
    let tables: Vec<String> = (scope.tables.iter())
        .map(|q| format!("{}.{}", q.schema, q.name))
        .collect();
    let mut out = format!(
        "-- pgdrift {}: backup of database {} on {}, taken {stamp} before these pending\n\
         -- migrations ran: {}\n\
         -- It holds the definition and the rows of: {}\n",
        crate::VERSION,
        one_line(&conn.database),
        one_line(server),
        one_line(&files.join(", ")),
        one_line(&tables.join(", "))
    );
    if let Some(wide) = &scope.widened_to {
        let what = match wide {
            Some(schemas) if !schemas.is_empty() => format!(
                "every table of schema(s) {}",
                one_line(&schemas.iter().cloned().collect::<Vec<_>>().join(", "))
            ),
            _ => "every table of every non-system schema".to_string(),
        };
        out.push_str(&format!(
            "-- Widened to {what}: these statements' targets cannot be told from their text:\n"
        ));
        for o in &scope.opaque {
            out.push_str(&format!("--   {}\n", one_line(o)));
        }
    }
    out.push_str(
        "-- To restore: drop (or rename away) what is left of these tables, then run\n\
         --   psql -v ON_ERROR_STOP=1 -d <database> -f <this file>\n\
         -- It runs in one transaction: the tables are created again, their rows copied back\n\
         -- and their sequences set; nothing is restored unless all of it is.\n",
    );
    out
}

/// `s` on one line, for a comment of the header: control characters become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
