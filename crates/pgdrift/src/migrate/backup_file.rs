//! Writing a `--backup-dir` file: its header, `BEGIN`, the statements that create the
//! tables again (the plan from the catalog without them back to the catalog), each table's
//! rows as a `COPY ... FROM stdin` block right after the statement creating it and its
//! sequences' positions (a partitioned table's rows read through it and loaded once its
//! partitions exist; a foreign table's never), `COMMIT`. Written to `<file>.partial`,
//! renamed when complete; a failure removes the partial file.

use super::backup_dir::BackupError;
use crate::cleanup::drop::without;
use crate::diff::{diff, DiffOptions, Op};
use crate::model::{Catalog, Kind, QualName, TableKind};
use crate::pg::copy::{copy_columns, copy_out, copy_statements, sequence_positions, CopyError};
use crate::pg::Connection;
use crate::plan::{plan, PlanOptions};
use crate::sql::QualIdent;
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
    let mut deferred = Vec::new();
    for step in restore_steps(catalog, server_version_num, tables) {
        put(format!("{};\n", step.sql).as_bytes()).map_err(|e| file_error(path, e))?;
        let created = (step.kind == Kind::Table && step.op == Op::Create)
            .then(|| {
                tables
                    .iter()
                    .find(|q| format!("{}.{}", q.schema, q.name) == step.object)
            })
            .flatten();
        match created.map(|q| (q, rows_of(catalog, tables, q))) {
            Some((q, Rows::Own)) => copy_table(conn, path, q, false, &mut put).await?,
            Some((q, Rows::AfterPartitions)) => deferred.push(q),
            Some((_, Rows::None)) | None => {}
        }
    }
    // A partitioned table's rows go in once its partitions exist, routed to them.
    for q in deferred {
        copy_table(conn, path, q, true, &mut put).await?;
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

/// `tables` with the partitions of every partitioned table among them, at every level:
/// dropping a partitioned table drops them, so restoring it needs them.
pub(crate) fn with_partitions(
    catalog: &Catalog,
    tables: &BTreeSet<QualName>,
) -> BTreeSet<QualName> {
    let mut out = tables.clone();
    loop {
        let added: Vec<QualName> = (catalog.tables.iter())
            .filter(|(q, t)| {
                !out.contains(*q) && t.partition_of.as_ref().is_some_and(|p| out.contains(p))
            })
            .map(|(q, _)| q.clone())
            .collect();
        if added.is_empty() {
            return out;
        }
        out.extend(added);
    }
}

/// Where a backed-up table's rows come from.
enum Rows {
    /// Its own `COPY`, right after it is created.
    Own,
    /// A partitioned table whose partitions are not all backed up through it: every row,
    /// read through it, loaded once the partitions exist.
    AfterPartitions,
    /// None: a foreign table, or a partition whose rows come with its partitioned table.
    None,
}

fn rows_of(catalog: &Catalog, tables: &BTreeSet<QualName>, q: &QualName) -> Rows {
    let Some(table) = catalog.tables.get(q) else {
        return Rows::None;
    };
    let mut parent = table.partition_of.as_ref();
    while let Some(p) = parent {
        if tables.contains(p) {
            return Rows::None;
        }
        parent = catalog.tables.get(p).and_then(|t| t.partition_of.as_ref());
    }
    match table.kind {
        TableKind::Table => Rows::Own,
        TableKind::Partitioned => Rows::AfterPartitions,
        TableKind::Foreign => Rows::None,
    }
}

/// One table's rows as a COPY block (read with a query when `through_query`, as a
/// partitioned table's rows must be), then its sequences' positions.
async fn copy_table(
    conn: &Connection,
    path: &Path,
    table: &QualName,
    through_query: bool,
    put: &mut dyn FnMut(&[u8]) -> Result<(), String>,
) -> Result<(), BackupError> {
    let (schema, name) = (table.schema.as_str(), table.name.as_str());
    let columns =
        (copy_columns(conn, schema, name).await).map_err(|e| copy_error(conn, path, e))?;
    let (copy_from, mut copy_to) = copy_statements(schema, name, &columns);
    if through_query {
        let (list, from) = (columns.join(", "), QualIdent(schema, name));
        copy_to = format!("COPY (SELECT {list} FROM {from}) TO STDOUT");
    }
    put(format!("{copy_from};\n").as_bytes()).map_err(|e| file_error(path, e))?;
    (copy_out(conn, &copy_to, put).await).map_err(|e| copy_error(conn, path, e))?;
    put(b"\\.\n").map_err(|e| file_error(path, e))?;
    let setval = sequence_positions(conn, schema, name).await;
    for line in setval.map_err(|e| copy_error(conn, path, e))? {
        put(line.as_bytes()).map_err(|e| file_error(path, e))?;
    }
    Ok(())
}
