//! Changing the tracking table without running migrations: `baseline` (mark the files up to a
//! version as applied) and `repair` (re-record checksums of edited files, remove the rows of
//! deleted ones). Each computes its listing first; writing it is a separate call made only
//! once the listing is confirmed, in one transaction under the runners' lock.

use super::super::files::{find, MigrationFile};
use super::super::status::{State, Status};
use super::super::tracking::{self, AppliedMigration};
use super::super::{MigrateError, MigrationKind};
use crate::pg::Connection;
use std::time::Duration;

/// The files a baseline at `version` marks applied: every versioned file up to it that is not
/// recorded yet.
pub fn baseline_files<'f>(
    files: &'f [MigrationFile],
    applied: &[AppliedMigration],
    version: &str,
) -> Result<(usize, Vec<&'f MigrationFile>), MigrateError> {
    let last = find(files, version).map_err(MigrateError::UnknownVersion)?;
    if files[last].kind() == MigrationKind::Repeatable {
        return Err(MigrateError::UnknownVersion(format!(
            "{} is a repeatable migration; a baseline names a versioned one",
            files[last].version
        )));
    }
    let recorded: std::collections::HashSet<&str> =
        applied.iter().map(|a| a.version.as_str()).collect();
    let marked = files[..=last]
        .iter()
        .filter(|f| f.kind() == MigrationKind::Versioned && !recorded.contains(f.version.as_str()))
        .collect();
    Ok((last, marked))
}

/// Records `files` as applied by a baseline (not run), in one transaction.
pub async fn write_baseline(
    conn: &Connection,
    files: &[&MigrationFile],
    lock_wait: Duration,
) -> Result<usize, MigrateError> {
    let wait = super::millis(lock_wait).max(1);
    tracking::ensure(&conn.client, wait).await?;
    in_locked_transaction(conn, wait, |client| async move {
        let mut written = 0;
        for f in files {
            if tracking::recorded_checksum(client, &f.version)
                .await?
                .is_none()
            {
                tracking::record(client, f, 0, true).await?;
                written += 1;
            }
        }
        Ok(written)
    })
    .await
}

/// One change `repair` would make.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Repair {
    /// Record the file's new checksum; `changes` is a line diff from the text recorded when
    /// it was applied (empty when that text is unknown).
    UpdateChecksum {
        version: String,
        recorded: String,
        current: String,
        changes: String,
    },
    /// Remove the row of a file that is gone.
    RemoveRow { version: String, applied_at: String },
}

/// The repairs `status` calls for: checksums of modified files (`checksums`) and rows of
/// missing files (`remove_missing`).
pub fn repairs(
    status: &Status,
    files: &[MigrationFile],
    checksums: bool,
    remove_missing: bool,
) -> Vec<Repair> {
    let mut out = Vec::new();
    for e in &status.entries {
        let Some(row) = &e.applied else { continue };
        match e.state {
            State::Modified if checksums => {
                let file = &files[e.position.expect("a modified entry has a file")];
                out.push(Repair::UpdateChecksum {
                    version: e.version.clone(),
                    recorded: row.checksum.clone(),
                    current: file.checksum.clone(),
                    changes: row
                        .script
                        .as_deref()
                        .map(|old| line_diff(old, &file.script))
                        .unwrap_or_default(),
                });
            }
            State::MissingFile if remove_missing => out.push(Repair::RemoveRow {
                version: e.version.clone(),
                applied_at: row.applied_at.clone(),
            }),
            _ => {}
        }
    }
    out
}

/// A unified diff of two texts, lines only.
fn line_diff(old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header("recorded", "file")
        .to_string()
}

/// Makes `repairs`, in one transaction.
pub async fn write_repairs(
    conn: &Connection,
    files: &[MigrationFile],
    repairs: &[Repair],
    lock_wait: Duration,
) -> Result<usize, MigrateError> {
    let wait = super::millis(lock_wait).max(1);
    in_locked_transaction(conn, wait, |client| async move {
        for r in repairs {
            match r {
                Repair::UpdateChecksum { version, .. } => {
                    let file = files
                        .iter()
                        .find(|f| &f.version == version)
                        .expect("a repair names a file");
                    tracking::update_checksum(client, file).await?;
                }
                Repair::RemoveRow { version, .. } => tracking::delete(client, version).await?,
            }
        }
        Ok(repairs.len())
    })
    .await
}

async fn in_locked_transaction<'c, F, Fut>(
    conn: &'c Connection,
    wait_ms: u64,
    body: F,
) -> Result<usize, MigrateError>
where
    F: FnOnce(&'c tokio_postgres::Client) -> Fut,
    Fut: std::future::Future<Output = Result<usize, MigrateError>>,
{
    let client = &conn.client;
    let db = |e: tokio_postgres::Error| MigrateError::Database {
        context: "writing pgdrift.migrations".into(),
        message: crate::pg::connect::db_message(&e),
    };
    client.batch_execute("BEGIN").await.map_err(db)?;
    let result = async {
        tracking::lock(client, wait_ms).await?;
        let n = body(client).await?;
        client.batch_execute("COMMIT").await.map_err(db)?;
        Ok(n)
    }
    .await;
    if result.is_err() {
        let _ = client.batch_execute("ROLLBACK").await;
    }
    result
}
