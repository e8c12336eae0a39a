//! Running `drop`, in one transaction: the row count and checksum of each object holding
//! rows; with `--backup-file`, the restorable SQL file (the definition from the rollback
//! plan, the rows as `COPY ... FROM stdin` streamed with `copy_out`); the forward plan
//! (its backup into the backup schema, then the drop); with `--verify`, the rollback run
//! in a savepoint and its rows compared, then undone; the history rows; the rollback
//! script; and the commit. Any failure rolls everything back.

use super::checksum::{checksum_in, Checksum};
use super::drop::DropWork;
use super::history::{self, HistoryRow};
use super::quarantine::{begin, commit, run_all};
use super::{db_error, CleanupError, Prepared, Request};
use crate::pg::copy::{copy_columns, copy_out, copy_statements, sequence_positions, CopyError};
use crate::pg::Connection;
use crate::plan::Step;
use crate::report::script::{render_sql, ScriptContext};
use futures_util::SinkExt;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// A table's rows in the backup file: where its COPY data starts and ends.
struct CopyData {
    object: usize,
    copy_from: String,
    start: u64,
    end: u64,
}

/// Runs the prepared drop.
pub async fn execute(
    conn: &Connection,
    request: &Request,
    p: &mut Prepared,
) -> Result<(), CleanupError> {
    let Some(work) = p.drop.clone() else {
        return Ok(());
    };
    begin(conn).await?;
    let mut before: Vec<Option<Checksum>> = Vec::new();
    for o in &mut p.objects {
        let sums = match holds_rows(&o.kind) {
            true => split(&o.object).map(|(s, n)| checksum_in(conn, s, n)),
            false => None,
        };
        let sum = match sums {
            Some(f) => Some(f.await?),
            None => None,
        };
        o.rows = sum.as_ref().map(|c| c.rows);
        o.checksum = sum.as_ref().map(|c| c.checksum.clone());
        before.push(sum);
    }
    let copies = match &request.backup_file {
        Some(file) => write_file(conn, file, p, &work).await?,
        None => Vec::new(),
    };
    run_all(conn, &p.statements).await?;
    if request.verify {
        let verified = verify(conn, request, p, &work, &copies, &before).await?;
        p.verified = Some(verified);
    }
    for (o, q) in p.objects.iter().zip(&work.quarantined) {
        let (schema, name) = match q {
            Some(q) => (q.original_schema.clone(), q.original_name.clone()),
            None => split(&o.object).map_or_else(Default::default, |(s, n)| (s.into(), n.into())),
        };
        let row = HistoryRow {
            action: "drop".into(),
            kind: o.kind.clone(),
            original_schema: schema,
            original_name: name,
            reason: request.reason.clone(),
            backup: o.backup.clone(),
            row_count: o.rows,
            checksum: o.checksum.clone(),
            ..HistoryRow::default()
        };
        history::write(conn, &request.who, &row).await?;
    }
    p.rollback_script = Some(match &request.backup_file {
        Some(file) => file.display().to_string(),
        None => write_rollback(&request.rollback_dir, conn, &work)?,
    });
    commit(conn).await
}

fn holds_rows(kind: &str) -> bool {
    matches!(kind, "table" | "materialized view")
}

fn split(object: &str) -> Option<(&str, &str)> {
    object.split_once('.')
}

fn file_error(path: &Path, e: impl std::fmt::Display) -> CleanupError {
    CleanupError::File {
        path: path.display().to_string(),
        reason: format!("{e}; nothing was dropped"),
    }
}

/// Writes the rollback script for a backup into the backup schema; returns its path.
fn write_rollback(dir: &Path, conn: &Connection, work: &DropWork) -> Result<String, CleanupError> {
    let path: PathBuf = dir.join(format!(
        "pgdrift-rollback-{}-{}.sql",
        conn.database, work.tag
    ));
    let ctx = ScriptContext {
        title: "rollback of pgdrift drop (restores from the backup schema)".into(),
        allow_destructive: true,
        ..ScriptContext::default()
    };
    std::fs::write(&path, render_sql(&work.rollback, &ctx)).map_err(|e| file_error(&path, e))?;
    Ok(path.display().to_string())
}

/// Where a table's rows go in the rollback: right after the step creating it.
fn copy_after(steps: &[Step], object: &str) -> Option<usize> {
    steps
        .iter()
        .position(|s| s.object == object && s.op == crate::diff::Op::Create)
}

/// Writes the restorable SQL file: the rollback plan's statements, each table's rows as
/// COPY data after the statement creating it.
async fn write_file(
    conn: &Connection,
    path: &Path,
    p: &Prepared,
    work: &DropWork,
) -> Result<Vec<CopyData>, CleanupError> {
    let mut file = std::fs::File::create(path).map_err(|e| file_error(path, e))?;
    let mut at: u64 = 0;
    let mut put = |file: &mut std::fs::File, text: &[u8]| -> Result<u64, CleanupError> {
        file.write_all(text).map_err(|e| file_error(path, e))?;
        at += text.len() as u64;
        Ok(at)
    };
    let header = format!(
        "-- pgdrift {}: backup of {} from {} ({}), restorable with psql -f\nBEGIN;\n",
        crate::VERSION,
        p.objects
            .iter()
            .map(|o| o.object.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        crate::pg::mask_urls(&conn.target),
        work.tag
    );
    put(&mut file, header.as_bytes())?;
    let mut copies = Vec::new();
    let steps = &work.rollback.steps;
    for (i, step) in steps.iter().enumerate() {
        put(&mut file, format!("{};\n", step.sql).as_bytes())?;
        for (index, o) in p.objects.iter().enumerate() {
            if !o.kind.eq("table") || copy_after(steps, &o.object) != Some(i) {
                continue;
            }
            let Some((schema, name)) = split(&o.object) else {
                continue;
            };
            let columns =
                (copy_columns(conn, schema, name).await).map_err(copy_error(conn, path))?;
            let (copy_from, out) = copy_statements(schema, name, &columns);
            let start = put(&mut file, format!("{copy_from};\n").as_bytes())?;
            let mut end = start;
            let mut chunk_to_file = |chunk: &[u8]| {
                put(&mut file, chunk)
                    .map(|at| end = at)
                    .map_err(|e| e.to_string())
            };
            (copy_out(conn, &out, &mut chunk_to_file).await).map_err(copy_error(conn, path))?;
            put(&mut file, b"\\.\n")?;
            let setval = sequence_positions(conn, schema, name).await;
            for line in setval.map_err(copy_error(conn, path))? {
                put(&mut file, line.as_bytes())?;
            }
            copies.push(CopyData {
                object: index,
                copy_from,
                start,
                end,
            });
        }
    }
    put(&mut file, b"COMMIT;\n")?;
    file.sync_all().map_err(|e| file_error(path, e))?;
    Ok(copies)
}

/// A shared COPY piece's failure as cleanup reports it.
fn copy_error<'a>(
    conn: &'a Connection,
    path: &Path,
) -> impl FnOnce(CopyError) -> CleanupError + 'a {
    let path = path.to_path_buf();
    move |e| match e {
        CopyError::Database { what, message } => CleanupError::Database {
            target: conn.target.clone(),
            what,
            message,
        },
        CopyError::Write(reason) => file_error(&path, reason),
    }
}

/// Runs the rollback in a savepoint, compares each table's rows with `before`, and undoes
/// it. A difference is an error, so nothing is dropped.
async fn verify(
    conn: &Connection,
    request: &Request,
    p: &Prepared,
    work: &DropWork,
    copies: &[CopyData],
    before: &[Option<Checksum>],
) -> Result<String, CleanupError> {
    conn.client
        .batch_execute("SAVEPOINT pgdrift_verify")
        .await
        .map_err(db_error(conn, "starting the verification"))?;
    let steps: Vec<String> = work.rollback.steps.iter().map(|s| s.sql.clone()).collect();
    for (i, sql) in steps.iter().enumerate() {
        run_all(conn, std::slice::from_ref(sql)).await?;
        for c in copies
            .iter()
            .filter(|c| copy_after(&work.rollback.steps, &p.objects[c.object].object) == Some(i))
        {
            copy_back(conn, request, c).await?;
        }
    }
    let mut lines = Vec::new();
    for (o, b) in p.objects.iter().zip(before) {
        let Some(b) = b else { continue };
        let Some((schema, name)) = split(&o.object) else {
            continue;
        };
        let after = checksum_in(conn, schema, name).await?;
        if after != *b {
            return Err(CleanupError::Database {
                target: conn.target.clone(),
                what: format!("verifying the rollback of {}", o.object),
                message: format!(
                    "the rollback restores {} rows with checksum {}, but the table holds {} rows with checksum {}; nothing was dropped",
                    after.rows, after.checksum, b.rows, b.checksum
                ),
            });
        }
        lines.push(format!(
            "{}: {} rows, checksum {}",
            o.object, b.rows, b.checksum
        ));
    }
    conn.client
        .batch_execute("ROLLBACK TO SAVEPOINT pgdrift_verify")
        .await
        .map_err(db_error(conn, "undoing the verification"))?;
    Ok(format!(
        "the rollback restores the same rows ({})",
        lines.join("; ")
    ))
}

/// Loads one table's COPY data from the backup file.
async fn copy_back(conn: &Connection, request: &Request, c: &CopyData) -> Result<(), CleanupError> {
    let Some(path) = &request.backup_file else {
        return Ok(());
    };
    let mut file = std::fs::File::open(path).map_err(|e| file_error(path, e))?;
    file.seek(SeekFrom::Start(c.start))
        .map_err(|e| file_error(path, e))?;
    let sink = conn
        .client
        .copy_in::<_, bytes::Bytes>(&c.copy_from)
        .await
        .map_err(db_error(conn, c.copy_from.clone()))?;
    futures_util::pin_mut!(sink);
    let mut left = c.end - c.start;
    let mut buffer = vec![0u8; 1 << 20];
    while left > 0 {
        let want = buffer
            .len()
            .min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = file
            .read(&mut buffer[..want])
            .map_err(|e| file_error(path, e))?;
        if n == 0 {
            return Err(file_error(
                path,
                "the file is shorter than what pgdrift wrote",
            ));
        }
        left -= n as u64;
        sink.send(bytes::Bytes::copy_from_slice(&buffer[..n]))
            .await
            .map_err(db_error(conn, c.copy_from.clone()))?;
    }
    sink.finish()
        .await
        .map_err(db_error(conn, c.copy_from.clone()))?;
    Ok(())
}
