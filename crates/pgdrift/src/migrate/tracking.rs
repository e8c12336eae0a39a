//! pgdrift's tracking table, `pgdrift.migrations`: one row per migration file applied (or
//! marked applied by a baseline), written in the same transaction as the migration itself.
//! Its creation, reading and writing; the advisory lock that serialises runners is `lock`'s.

use super::files::MigrationFile;
use super::MigrateError;
use tokio_postgres::Client;

pub use super::lock::{lock, lock_session, unlock_session, LOCK_KEY};

/// The schema and table pgdrift records its migrations in.
pub const SCHEMA: &str = "pgdrift";
pub const TABLE: &str = "migrations";

const CREATE: &str = "CREATE SCHEMA IF NOT EXISTS pgdrift;
CREATE TABLE IF NOT EXISTS pgdrift.migrations (
    version text PRIMARY KEY,
    description text NOT NULL,
    checksum text NOT NULL,
    kind text NOT NULL DEFAULT 'versioned' CHECK (kind IN ('versioned', 'repeatable')),
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL DEFAULT current_user,
    execution_ms bigint NOT NULL,
    pgdrift_version text NOT NULL,
    no_transaction boolean NOT NULL DEFAULT false,
    baseline boolean NOT NULL DEFAULT false,
    script text
);
COMMENT ON TABLE pgdrift.migrations IS 'Migrations applied by pgdrift migrate: one row per file, written with the migration';";

/// One row of the tracking table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AppliedMigration {
    pub version: String,
    pub description: String,
    pub checksum: String,
    /// `versioned` or `repeatable`.
    pub kind: String,
    /// When, as `YYYY-MM-DD HH:MM:SS+TZ` (server time zone).
    pub applied_at: String,
    pub applied_by: String,
    pub execution_ms: i64,
    pub pgdrift_version: String,
    pub no_transaction: bool,
    /// Marked applied by `pgdrift migrate baseline`, not run.
    pub baseline: bool,
    /// The file's text when it was applied.
    #[serde(skip)]
    pub script: Option<String>,
}

pub(super) fn db_error(context: &str, e: tokio_postgres::Error) -> MigrateError {
    MigrateError::Database {
        context: context.to_string(),
        message: crate::pg::connect::db_message(&e),
    }
}

/// Whether the tracking table exists.
pub async fn exists(client: &Client) -> Result<bool, MigrateError> {
    // A simple query: no prepared statement, whatever pooler sits in between.
    let messages = client
        .simple_query("SELECT to_regclass('pgdrift.migrations') IS NOT NULL")
        .await
        .map_err(|e| db_error("looking for pgdrift.migrations", e))?;
    Ok(messages
        .iter()
        .any(|m| matches!(m, tokio_postgres::SimpleQueryMessage::Row(r) if r.get(0) == Some("t"))))
}

/// The rows of the tracking table (none when it does not exist yet), oldest first. Read in
/// a read-only transaction, so that behind PgBouncer in transaction mode the statements stay
/// on one server connection.
pub async fn read(client: &Client) -> Result<Vec<AppliedMigration>, MigrateError> {
    client
        .batch_execute("BEGIN READ ONLY")
        .await
        .map_err(|e| db_error("reading pgdrift.migrations", e))?;
    let rows = read_rows(client).await;
    let _ = client.batch_execute("COMMIT").await;
    rows
}

async fn read_rows(client: &Client) -> Result<Vec<AppliedMigration>, MigrateError> {
    if !exists(client).await? {
        return Ok(Vec::new());
    }
    let rows = client
        .query(
            "SELECT version, description, checksum, kind,
                    to_char(applied_at, 'YYYY-MM-DD HH24:MI:SSOF'), applied_by, execution_ms,
                    pgdrift_version, no_transaction, baseline, script
             FROM pgdrift.migrations ORDER BY applied_at, version",
            &[],
        )
        .await
        .map_err(|e| db_error("reading pgdrift.migrations", e))?;
    Ok(rows
        .iter()
        .map(|r| AppliedMigration {
            version: r.get(0),
            description: r.get(1),
            checksum: r.get(2),
            kind: r.get(3),
            applied_at: r.get(4),
            applied_by: r.get(5),
            execution_ms: r.get(6),
            pgdrift_version: r.get(7),
            no_transaction: r.get(8),
            baseline: r.get(9),
            script: r.get(10),
        })
        .collect())
}

/// Creates the tracking table unless it exists, under the runners' lock (two runners
/// creating it at once would otherwise collide).
pub async fn ensure(client: &Client, lock_wait_ms: u64) -> Result<(), MigrateError> {
    if exists(client).await? {
        return Ok(());
    }
    let context = "creating pgdrift.migrations";
    client
        .batch_execute("BEGIN")
        .await
        .map_err(|e| db_error(context, e))?;
    let result = async {
        lock(client, lock_wait_ms).await?;
        client
            .batch_execute(CREATE)
            .await
            .map_err(|e| db_error(context, e))?;
        client
            .batch_execute("COMMIT")
            .await
            .map_err(|e| db_error(context, e))
    }
    .await;
    if result.is_err() {
        let _ = client.batch_execute("ROLLBACK").await;
    }
    result
}

/// The checksum recorded for `version`, if any (read inside the caller's transaction, after
/// the lock, so it sees what other runners committed).
pub async fn recorded_checksum(
    client: &Client,
    version: &str,
) -> Result<Option<String>, MigrateError> {
    let row = client
        .query_opt(
            "SELECT checksum FROM pgdrift.migrations WHERE version = $1",
            &[&version],
        )
        .await
        .map_err(|e| db_error("reading pgdrift.migrations", e))?;
    Ok(row.map(|r| r.get(0)))
}

/// Records `file` as applied (a repeatable migration's row is replaced).
pub async fn record(
    client: &Client,
    file: &MigrationFile,
    execution_ms: i64,
    baseline: bool,
) -> Result<(), MigrateError> {
    let kind = match file.kind() {
        super::MigrationKind::Versioned => "versioned",
        super::MigrationKind::Repeatable => "repeatable",
    };
    client
        .execute(
            "INSERT INTO pgdrift.migrations
                 (version, description, checksum, kind, execution_ms, pgdrift_version,
                  no_transaction, baseline, script)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (version) DO UPDATE SET
                 checksum = EXCLUDED.checksum, description = EXCLUDED.description,
                 applied_at = now(), applied_by = current_user,
                 execution_ms = EXCLUDED.execution_ms,
                 pgdrift_version = EXCLUDED.pgdrift_version, script = EXCLUDED.script",
            &[
                &file.version,
                &file.description,
                &file.checksum,
                &kind,
                &execution_ms,
                &crate::VERSION,
                &file.no_transaction(),
                &baseline,
                &file.script,
            ],
        )
        .await
        .map_err(|e| db_error(&format!("recording {}", file.version), e))?;
    Ok(())
}

/// Sets the checksum (and text) recorded for `version` to the file's.
pub async fn update_checksum(client: &Client, file: &MigrationFile) -> Result<(), MigrateError> {
    client
        .execute(
            "UPDATE pgdrift.migrations SET checksum = $2, script = $3 WHERE version = $1",
            &[&file.version, &file.checksum, &file.script],
        )
        .await
        .map_err(|e| db_error(&format!("updating {}", file.version), e))?;
    Ok(())
}

/// Deletes the row of `version`.
pub async fn delete(client: &Client, version: &str) -> Result<(), MigrateError> {
    client
        .execute(
            "DELETE FROM pgdrift.migrations WHERE version = $1",
            &[&version],
        )
        .await
        .map_err(|e| db_error(&format!("removing {version}"), e))?;
    Ok(())
}
