//! Running one migration file: in a transaction with its record (the usual way), or outside
//! one, statement by statement, its record written right after. Both take the runners' lock
//! and look again, once they hold it, whether another runner applied the file meanwhile. The
//! record is pgdrift's row and, with `--record-for`, the row of the other tool's table; it is
//! not written while an index the file creates is INVALID.

use super::super::files::MigrationFile;
use super::super::{tracking, MigrateError, MigrationKind};
use super::invalid;
use super::script::Script;
use super::{millis, ApplyOptions, Ran};
use crate::pg::Connection;
use crate::source::replay::Failure;
use std::time::Instant;
use tokio_postgres::Client;

/// Lets the server notice within seconds that a runner died (killed, network gone) while a
/// long statement runs, so that its transaction rolls back and the lock is freed at once.
/// Best effort: servers before 14 and platforms without the check refuse the setting.
pub async fn watch_client(client: &Client) {
    let _ = client
        .batch_execute("SET client_connection_check_interval = '2s'")
        .await;
}

fn db(context: String) -> impl FnOnce(tokio_postgres::Error) -> MigrateError {
    move |e| MigrateError::Database {
        context,
        message: crate::pg::connect::db_message(&e),
    }
}

/// The timeouts the migration's statements run with, for this transaction or session.
fn timeouts(options: &ApplyOptions, local: bool) -> String {
    let scope = if local { "SET LOCAL" } else { "SET" };
    format!(
        "{scope} lock_timeout = {}; {scope} statement_timeout = {}",
        millis(options.lock_timeout),
        millis(options.statement_timeout)
    )
}

/// Whether the file is already recorded (by another runner, since the run started).
async fn already_applied(client: &Client, file: &MigrationFile) -> Result<bool, MigrateError> {
    Ok(
        match tracking::recorded_checksum(client, &file.version).await? {
            None => false,
            Some(sum) => file.kind() == MigrationKind::Versioned || sum == file.checksum,
        },
    )
}

/// Records `files[at]` as applied: pgdrift's row, and the other tool's with `--record-for`.
async fn record(
    client: &Client,
    (files, at): (&[MigrationFile], usize),
    execution_ms: i64,
    options: &ApplyOptions,
) -> Result<(), MigrateError> {
    tracking::record(client, &files[at], execution_ms, false).await?;
    if let Some(dir) = &options.record_for {
        crate::migrate::record::record_applied(client, dir, files, at, execution_ms)
            .await
            .map_err(|e| super::record_error(dir, e))?;
    }
    Ok(())
}

/// Runs `files[at]` and records it in one transaction. `None`: another runner applied it
/// first.
pub async fn run_in_transaction(
    conn: &Connection,
    position: (&[MigrationFile], usize),
    script: &Script,
    options: &ApplyOptions,
) -> Result<Option<Ran>, MigrateError> {
    let client = &conn.client;
    let file = &position.0[position.1];
    client
        .batch_execute("BEGIN")
        .await
        .map_err(db(format!("starting the transaction of {}", file.version)))?;
    let result = async {
        tracking::lock(client, millis(options.lock_wait).max(1)).await?;
        if already_applied(client, file).await? {
            return Ok(None);
        }
        client
            .batch_execute(&timeouts(options, true))
            .await
            .map_err(db("setting the timeouts".into()))?;
        let started = Instant::now();
        pipelined(client, script)
            .await
            .map_err(|f| failed(file, script, f, false))?;
        let ms = elapsed_ms(started);
        refuse_invalid(client, file, script, false).await?;
        record(client, position, ms, options).await?;
        client
            .batch_execute("COMMIT")
            .await
            .map_err(db(format!("committing {}", file.version)))?;
        Ok(Some(Ran {
            version: file.version.clone(),
            execution_ms: ms,
            no_transaction: false,
            statements: script.statements.len(),
            rebuilt: Vec::new(),
        }))
    }
    .await;
    if !matches!(result, Ok(Some(_))) {
        let _ = client.batch_execute("ROLLBACK").await;
    }
    reset(client).await;
    result
}

/// Sends every statement at once and reads the results in order: one round trip, and the
/// first error names its statement (those after it fail as the transaction is aborted).
async fn pipelined(client: &Client, script: &Script) -> Result<(), Failure> {
    let results = futures_util::future::join_all(
        script
            .statements
            .iter()
            .map(|(_, text)| client.batch_execute(text)),
    )
    .await;
    for ((at, _), result) in script.statements.iter().zip(results) {
        if let Err(error) = result {
            return Err(Failure {
                error,
                statement_at: Some(*at),
            });
        }
    }
    Ok(())
}

/// Runs a `-- pgdrift:no-transaction` file statement by statement under the session lock,
/// then records it in a transaction of its own. `None`: another runner applied it first.
pub async fn run_outside(
    conn: &Connection,
    position: (&[MigrationFile], usize),
    script: &Script,
    options: &ApplyOptions,
) -> Result<Option<Ran>, MigrateError> {
    let client = &conn.client;
    let file = &position.0[position.1];
    tracking::lock_session(client, millis(options.lock_wait).max(1)).await?;
    let result = async {
        if already_applied(client, file).await? {
            return Ok(None);
        }
        client
            .batch_execute(&timeouts(options, false))
            .await
            .map_err(db("setting the timeouts".into()))?;
        // An index an interrupted run of this file left INVALID is built again, not skipped.
        let rebuilt = invalid::named(client, &script.indexes).await?;
        invalid::drop_all(client, &rebuilt).await?;
        let started = Instant::now();
        for (at, text) in &script.statements {
            client.batch_execute(text).await.map_err(|error| {
                let f = Failure {
                    error,
                    statement_at: Some(*at),
                };
                failed(file, script, f, true)
            })?;
        }
        let ms = elapsed_ms(started);
        refuse_invalid(client, file, script, true).await?;
        record_alone(client, position, ms, options).await?;
        Ok(Some(Ran {
            version: file.version.clone(),
            execution_ms: ms,
            no_transaction: true,
            statements: script.statements.len(),
            rebuilt: rebuilt.iter().map(|i| i.qualified()).collect(),
        }))
    }
    .await;
    reset(client).await;
    tracking::unlock_session(client).await;
    result
}

/// Fails when an index the file creates is INVALID after it ran: such a file is not recorded.
async fn refuse_invalid(
    client: &Client,
    file: &MigrationFile,
    script: &Script,
    no_transaction: bool,
) -> Result<(), MigrateError> {
    let indexes = invalid::named(client, &script.indexes).await?;
    if indexes.is_empty() {
        return Ok(());
    }
    Err(MigrateError::InvalidIndexes {
        version: file.version.clone(),
        no_transaction,
        indexes,
    })
}

/// [`record`] in a transaction of its own (after a file run outside one).
async fn record_alone(
    client: &Client,
    position: (&[MigrationFile], usize),
    execution_ms: i64,
    options: &ApplyOptions,
) -> Result<(), MigrateError> {
    let version = &position.0[position.1].version;
    client
        .batch_execute("BEGIN")
        .await
        .map_err(db(format!("recording {version}")))?;
    let result = record(client, position, execution_ms, options).await;
    let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
    let ended = client.batch_execute(end).await;
    result?;
    ended.map_err(db(format!("committing the record of {version}")))
}

/// Undoes what a migration set for the session (search_path, timeouts, roles).
async fn reset(client: &Client) {
    let _ = client.batch_execute("RESET ALL").await;
    watch_client(client).await;
}

fn elapsed_ms(started: Instant) -> i64 {
    i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX)
}

fn failed(file: &MigrationFile, script: &Script, f: Failure, no_transaction: bool) -> MigrateError {
    MigrateError::Failed {
        version: file.version.clone(),
        no_transaction,
        error: Box::new(f.describe(&script.unit, &script.sql, Vec::new())),
        applied: Vec::new(),
    }
}
