//! Writing a `--backup-dir` file: its header, `BEGIN`, the statements that create the
//! tables again (the plan from the catalog without them back to the catalog), each table's
//! rows as a `COPY ... FROM stdin` block right after the statement creating it and its
//! sequences' positions, `COMMIT`. Written to `<file>.partial`, renamed when complete;
//! a failure removes the partial file.

use super::backup_dir::BackupError;
use crate::cleanup::drop::without;
use crate::diff::{diff, DiffOptions, Op};
use crate::model::{Catalog, Kind, QualName};
use crate::pg::copy::{copy_columns, copy_out, copy_statements, sequence_positions, CopyError};
use crate::pg::Connection;
use crate::plan::{plan, PlanOptions};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

/// Writes the backup of `tables` (read on `conn`, whose catalog is `catalog`) to `path`;
/// returns its size in bytes.
pub(crate) async fn write_backup(
    conn: &Connection,
    path: &Path,
    header: &str,
    catalog: &Catalog,
    server_version_num: u32,
    tables: &BTreeSet<QualName>,
) -> Result<u64, BackupError> {
    let partial = path.with_extension("sql.partial");
    let written = write_to(conn, &partial, header, catalog, server_version_num, tables).await;
    let done = written.and_then(|bytes| {
        std::fs::rename(&partial, path).map_err(|e| file_error(path, e))?;
        Ok(bytes)
    });
    if done.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    done
}

fn file_error(path: &Path, e: impl std::fmt::Display) -> BackupError {
    BackupError::File {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

fn copy_error(conn: &Connection, path: &Path, e: CopyError) -> BackupError {
    match e {
        CopyError::Database { what, message } => BackupError::Database {
            target: conn.target.clone(),
            what,
            message,
        },
        CopyError::Write(reason) => file_error(path, reason),
    }
}

async fn write_to(
    conn: &Connection,
    path: &Path,
    header: &str,
    catalog: &Catalog,
    server_version_num: u32,
    tables: &BTreeSet<QualName>,
) -> Result<u64, BackupError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| file_error(parent, e))?;
    }
    let mut file = std::fs::File::create(path).map_err(|e| file_error(path, e))?;
    let mut bytes: u64 = 0;
    let mut put = |text: &[u8]| -> Result<(), String> {
        file.write_all(text).map_err(|e| e.to_string())?;
        bytes += text.len() as u64;
        Ok(())
    };
    put(format!("{header}BEGIN;\n").as_bytes()).map_err(|e| file_error(path, e))?;
    for step in restore_steps(catalog, server_version_num, tables) {
        put(format!("{};\n", step.sql).as_bytes()).map_err(|e| file_error(path, e))?;
        let created = (step.kind == Kind::Table && step.op == Op::Create)
            .then(|| {
                tables
                    .iter()
                    .find(|q| format!("{}.{}", q.schema, q.name) == step.object)
            })
            .flatten();
        if let Some(table) = created {
            copy_table(conn, path, table, &mut put).await?;
        }
    }
    put(b"COMMIT;\n").map_err(|e| file_error(path, e))?;
    file.sync_all().map_err(|e| file_error(path, e))?;
    Ok(bytes)
}

/// The statements that create `tables` again, with what lives on them.
fn restore_steps(
    catalog: &Catalog,
    server_version_num: u32,
    tables: &BTreeSet<QualName>,
) -> Vec<crate::plan::Step> {
    let gone: Vec<(String, String)> = (tables.iter())
        .map(|q| (q.schema.clone(), q.name.clone()))
        .collect();
    let mut before = catalog.clone();
    without(&mut before, &gone, &[], &[]);
    let options = PlanOptions {
        server_version_num,
        ..PlanOptions::default()
    };
    plan(&diff(&before, catalog, &DiffOptions::default()), &options).steps
}

/// One table's rows as a COPY block, then its sequences' positions.
async fn copy_table(
    conn: &Connection,
    path: &Path,
    table: &QualName,
    put: &mut dyn FnMut(&[u8]) -> Result<(), String>,
) -> Result<(), BackupError> {
    let (schema, name) = (table.schema.as_str(), table.name.as_str());
    let columns =
        (copy_columns(conn, schema, name).await).map_err(|e| copy_error(conn, path, e))?;
    let (copy_from, copy_to) = copy_statements(schema, name, &columns);
    put(format!("{copy_from};\n").as_bytes()).map_err(|e| file_error(path, e))?;
    (copy_out(conn, &copy_to, put).await).map_err(|e| copy_error(conn, path, e))?;
    put(b"\\.\n").map_err(|e| file_error(path, e))?;
    let setval = sequence_positions(conn, schema, name).await;
    for line in setval.map_err(|e| copy_error(conn, path, e))? {
        put(line.as_bytes()).map_err(|e| file_error(path, e))?;
    }
    Ok(())
}
