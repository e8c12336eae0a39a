//! Writing a [`Recording`]: the table created as the tool creates it, the single row of a
//! tool that keeps one replaced, each row inserted with its values as bind parameters. Either
//! inside the caller's transaction (`apply --record-for`, with the migration) or in one
//! transaction of its own under the runners' advisory lock (a baseline), planned again once
//! the lock is held so that nothing another runner wrote meanwhile is duplicated.

use super::plan::{plan, Mode};
use super::{RecordError, Recording, ToolDir, Value};
use crate::migrate::files::MigrationFile;
use crate::migrate::tracking;
use crate::pg::Connection;
use crate::sql::{Ident, QualIdent};
use tokio_postgres::types::ToSql;
use tokio_postgres::Client;

type Param = Box<dyn ToSql + Sync + Send>;

/// The INSERT for one row, with its parameters.
fn insert(recording: &Recording, values: &[Value]) -> (String, Vec<Param>) {
    let mut params: Vec<Param> = Vec::new();
    let mut slots = Vec::with_capacity(values.len());
    for v in values {
        if let Some(expression) = v.expression() {
            slots.push(expression.to_string());
            continue;
        }
        params.push(match v {
            Value::Text(s) => Box::new(s.clone()),
            Value::Int(n) => Box::new(*n),
            Value::BigInt(n) => Box::new(*n),
            Value::Bool(b) => Box::new(*b),
            Value::Bytes(b) => Box::new(b.clone()),
            _ => unreachable!("expressions are handled above"),
        });
        slots.push(format!("${}", params.len()));
    }
    let columns: Vec<String> = recording
        .columns
        .iter()
        .map(|c| Ident(c).to_string())
        .collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        QualIdent(&recording.schema, &recording.table_name),
        columns.join(", "),
        slots.join(", ")
    );
    (sql, params)
}

/// Writes `recording` in the caller's transaction; returns the rows written.
pub async fn write(
    client: &Client,
    dir: &ToolDir,
    files: &[MigrationFile],
    recording: &Recording,
) -> Result<usize, RecordError> {
    let context = || format!("writing {}", recording.table);
    if dir.recorder.own {
        for row in &recording.rows {
            tracking::record(client, &files[row.index], 0, true)
                .await
                .map_err(|e| RecordError::Migrate(Box::new(e)))?;
        }
        return Ok(recording.rows.len());
    }
    if let Some(create) = &recording.create {
        client
            .batch_execute(create)
            .await
            .map_err(RecordError::db(format!("creating {}", recording.table)))?;
    }
    if !recording.replaces.is_empty() {
        let sql = format!(
            "DELETE FROM {}",
            QualIdent(&recording.schema, &recording.table_name)
        );
        client
            .execute(&sql, &[])
            .await
            .map_err(RecordError::db(context()))?;
    }
    for row in &recording.rows {
        let (sql, params) = insert(recording, &row.values);
        let refs: Vec<&(dyn ToSql + Sync)> = params
            .iter()
            .map(|p| p.as_ref() as &(dyn ToSql + Sync))
            .collect();
        client
            .execute(&sql, &refs)
            .await
            .map_err(RecordError::db(format!(
                "recording {} in {}",
                row.file, recording.table
            )))?;
    }
    Ok(recording.rows.len())
}

/// Plans and writes the rows for the files at `indices` in one transaction under the
/// runners' lock (waiting at most `lock_wait_ms` for it); returns what was written.
pub async fn write_locked(
    conn: &Connection,
    dir: &ToolDir,
    files: &[MigrationFile],
    indices: &[usize],
    lock_wait_ms: u64,
) -> Result<Recording, RecordError> {
    let client = &conn.client;
    let migrate = |e| RecordError::Migrate(Box::new(e));
    if dir.recorder.own {
        tracking::ensure(client, lock_wait_ms)
            .await
            .map_err(migrate)?;
    }
    let begin = RecordError::db(format!("starting a transaction on {}", conn.target));
    client.batch_execute("BEGIN").await.map_err(begin)?;
    let result = async {
        tracking::lock(client, lock_wait_ms)
            .await
            .map_err(migrate)?;
        let recording = plan(client, dir, files, indices, Mode::Baseline).await?;
        write(client, dir, files, &recording).await?;
        client
            .batch_execute("COMMIT")
            .await
            .map_err(RecordError::db(format!("committing {}", recording.table)))?;
        Ok(recording)
    }
    .await;
    if result.is_err() {
        let _ = client.batch_execute("ROLLBACK").await;
    }
    result
}

/// Records the file at `index`, just applied, in its tool's table, in the caller's
/// transaction (which holds the runners' lock).
pub async fn record_applied(
    client: &Client,
    dir: &ToolDir,
    files: &[MigrationFile],
    index: usize,
    execution_ms: i64,
) -> Result<(), RecordError> {
    let recording = plan(client, dir, files, &[index], Mode::Applied { execution_ms }).await?;
    write(client, dir, files, &recording).await.map(|_| ())
}
