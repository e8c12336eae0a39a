//! Deciding what to write: the tool's table located, what it records read, and the rows for
//! the files compared with it. A file the tool records with the same checksum is left as it
//! is; a different checksum, a failed or dirty row, or a row for a later file (or, for tools
//! that keep one row, for a version no file has) is a conflict, and nothing is written.

use super::rows::{RowContext, ToolFile};
use super::table::{locate, read_state, Located, Recorded};
use super::{RecordError, Recording, Row, Shape, ToolDir};
use crate::migrate::files::MigrationFile;
use crate::migrate::MigrationKind;
use crate::sql::QualIdent;
use std::collections::HashMap;
use tokio_postgres::Client;

/// Why the rows are written: a baseline (the files were not run) or a run that just applied
/// the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "mode")]
pub enum Mode {
    Baseline,
    Applied { execution_ms: i64 },
}

/// The rows `dir`'s tool would have written for the files at `indices` (versioned files, in
/// order), against what its table holds on `client`'s database.
pub async fn plan(
    client: &Client,
    dir: &ToolDir,
    files: &[MigrationFile],
    indices: &[usize],
    mode: Mode,
) -> Result<Recording, RecordError> {
    let recorder = dir.recorder;
    let at = locate(client, recorder).await?;
    let state = read_state(client, recorder, &at).await?;
    let mut out = Recording {
        tool: recorder.id,
        tool_name: recorder.name,
        table: at.qualified(),
        schema: at.schema.clone(),
        table_name: at.table.clone(),
        create: (!at.exists && !recorder.own).then(|| (recorder.create)(&at.schema, &at.table)),
        columns: recorder.columns.to_vec(),
        replaces: Vec::new(),
        rows: Vec::new(),
        already: Vec::new(),
    };
    let ctx = RowContext {
        mode,
        rank: next_rank(client, recorder.rank_column, &at).await?,
    };
    let mut problems = rows(dir, files, indices, ctx, &state, &mut out)?;
    let last = indices.iter().copied().max().unwrap_or(0);
    problems.extend(recorded_elsewhere(dir, files, last, &at, &state, &mut out)?);
    if !problems.is_empty() {
        return Err(RecordError::Conflict {
            tool: recorder.name,
            table: at.qualified(),
            problems,
        });
    }
    if recorder.shape == Shape::Current && out.rows.is_empty() {
        // The current row stays: the tool is already at the version.
        out.replaces.clear();
    }
    Ok(out)
}

/// The rows of the files at `indices` (of the last one, for a tool that keeps one row) that
/// the tool does not record yet, into `out`; the conflicts found on the way.
fn rows(
    dir: &ToolDir,
    files: &[MigrationFile],
    indices: &[usize],
    mut ctx: RowContext,
    state: &[Recorded],
    out: &mut Recording,
) -> Result<Vec<String>, RecordError> {
    let recorder = dir.recorder;
    let targets: Vec<usize> = match recorder.shape {
        Shape::Ledger => indices.to_vec(),
        Shape::Current => indices.iter().copied().max().into_iter().collect(),
    };
    let mut problems = Vec::new();
    for i in targets {
        let f = dir.tool_file(files, i)?;
        let key = (recorder.key)(&f)?;
        let mine: Vec<&Recorded> = state.iter().filter(|r| r.key == key).collect();
        match judge(&f, &key, &mine, recorder.checksum) {
            Judged::Write => {
                out.rows.push(Row {
                    file: f.file.version.clone(),
                    values: (recorder.values)(&f, &ctx)?,
                    index: i,
                });
                ctx.rank += 1;
            }
            Judged::Already => out.already.push(f.file.version.clone()),
            Judged::Conflict(p) => problems.push(p),
        }
    }
    Ok(problems)
}

/// What the tool records besides the files being written: rows of files after `last` and,
/// for a tool that keeps one row, dirty rows and versions no file has are conflicts; its
/// older current row is to be replaced (into `out`).
fn recorded_elsewhere(
    dir: &ToolDir,
    files: &[MigrationFile],
    last: usize,
    at: &Located,
    state: &[Recorded],
    out: &mut Recording,
) -> Result<Vec<String>, RecordError> {
    let recorder = dir.recorder;
    let mut keys: HashMap<String, usize> = HashMap::new();
    for i in (0..files.len()).filter(|&i| files[i].kind() == MigrationKind::Versioned) {
        keys.insert(dir.key_of(files, i)?, i);
    }
    let (table, column) = (at.qualified(), recorder.key_column);
    let mut problems = Vec::new();
    for r in state {
        match (recorder.shape, keys.get(&r.key)) {
            (Shape::Current, _) if !r.ok => problems.push(format!(
                "{table} records {column} {} as dirty (a migration stopped half-way): fix the \
                 database and the row with the tool first",
                r.key
            )),
            (_, Some(&i)) if i > last => problems.push(format!(
                "{} is recorded as applied ({column} {}), but it comes after {}",
                files[i].version, r.key, files[last].version
            )),
            (Shape::Current, Some(&i)) if i < last => out.replaces.push(r.key.clone()),
            (Shape::Current, None) => problems.push(format!(
                "{table} records {column} {}, which no file of the directory has",
                r.key
            )),
            _ => {}
        }
    }
    Ok(problems)
}

enum Judged {
    Write,
    Already,
    Conflict(String),
}

/// What to do with a file, given the tool's rows with its key.
fn judge(
    f: &ToolFile<'_>,
    key: &str,
    rows: &[&Recorded],
    checksum: fn(&ToolFile<'_>) -> Option<String>,
) -> Judged {
    let name = &f.file.version;
    if rows.iter().any(|r| !r.ok) {
        return Judged::Conflict(format!(
            "{name} ({key}) is recorded as failed or dirty: resolve it with the tool first"
        ));
    }
    let Some(row) = rows.first() else {
        return Judged::Write;
    };
    match (row.checksum.as_deref(), checksum(f)) {
        (Some(recorded), Some(file)) if !recorded.eq_ignore_ascii_case(&file) => {
            Judged::Conflict(format!(
                "{name} ({key}) is recorded with checksum {recorded}, but the file's is {file}: \
                 it changed after it was applied"
            ))
        }
        _ => Judged::Already,
    }
}

/// The installed_rank the next row gets (Flyway), else 0.
async fn next_rank(
    client: &Client,
    column: Option<&str>,
    at: &Located,
) -> Result<i32, RecordError> {
    let Some(column) = column.filter(|_| at.exists) else {
        return Ok(1);
    };
    let sql = format!(
        "SELECT (coalesce(max({}), 0) + 1)::int4 FROM {}",
        crate::sql::Ident(column),
        QualIdent(&at.schema, &at.table)
    );
    let row = client
        .query_one(&sql, &[])
        .await
        .map_err(RecordError::db(format!("reading {}", at.qualified())))?;
    Ok(row.get(0))
}
