//! `pgdrift migrate apply`: checks the history, then runs each pending file and records it in
//! the same transaction, under a transaction-scoped advisory lock so that concurrent runners
//! serialise and each file runs exactly once. Files marked `-- pgdrift:no-transaction` run
//! statement by statement under a session lock, their record written right after. A file
//! whose indexes are INVALID is never recorded (`invalid`). With
//! `record_for`, each file's row in another tool's table (`record`) is written with pgdrift's.

mod exec;
pub(crate) use exec::watch_client as watch;
pub mod invalid;
pub mod maintenance;
pub mod script;

use super::files::{find, MigrationFile};
use super::record::{self, Mode, RecordError, ToolDir};
use super::status::{State, Status};
use super::{tracking, HistoryProblem, MigrateError, MigrationKind};
use crate::pg::Connection;
use std::time::Duration;

/// How `apply` behaves.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Run although applied files changed since.
    pub allow_modified: bool,
    /// Run although applied files are gone.
    pub allow_missing: bool,
    /// Apply files older than the newest applied one.
    pub allow_out_of_order: bool,
    /// Stop after this version (inclusive).
    pub to: Option<String>,
    /// Say what would run; change nothing.
    pub dry_run: bool,
    /// `lock_timeout` for the migrations' statements.
    pub lock_timeout: Duration,
    /// `statement_timeout` for each statement (zero: none).
    pub statement_timeout: Duration,
    /// How long to wait for another runner holding the migration lock.
    pub lock_wait: Duration,
    /// Also write each file's row in this tool's table, as the tool itself would.
    pub record_for: Option<ToolDir>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            allow_modified: false,
            allow_missing: false,
            allow_out_of_order: false,
            to: None,
            dry_run: false,
            lock_timeout: Duration::from_secs(10),
            statement_timeout: Duration::from_secs(3600),
            lock_wait: Duration::from_secs(600),
            record_for: None,
        }
    }
}

/// A migration this run applied.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Ran {
    pub version: String,
    pub execution_ms: i64,
    pub no_transaction: bool,
    /// Statements it ran.
    pub statements: usize,
    /// INVALID indexes it creates, left by an earlier run, dropped before it ran again.
    pub rebuilt: Vec<String>,
}

/// What `apply` did (or, with `dry_run`, would do).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ApplyReport {
    pub ran: Vec<Ran>,
    /// Pending when the run started, but applied meanwhile by another runner.
    pub applied_by_other_runner: Vec<String>,
    /// With `dry_run`: the files that would run, in order.
    pub would_run: Vec<String>,
    /// Problems the `--allow-*` flags let through.
    pub allowed: Vec<HistoryProblem>,
    /// The backup taken before the run (`safeguards`); reports show it beside the run.
    #[serde(skip)]
    pub backup: Option<super::backup_dir::BackupReport>,
    /// The schema compared with the desired one after the run (`safeguards`).
    #[serde(skip)]
    pub verified: Option<super::verify::Verification>,
}

/// What happens while a run goes on, for progress displays.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// The run will apply this many files.
    Planned(usize),
    Running(&'a str),
    Done(&'a str),
}

/// The files to run, in order, once the history is checked.
pub fn pending<'f>(
    files: &'f [MigrationFile],
    status: &Status,
    options: &ApplyOptions,
) -> Result<(Vec<&'f MigrationFile>, Vec<HistoryProblem>), MigrateError> {
    let mut problems = Vec::new();
    let mut allowed = Vec::new();
    for e in status.entries.iter().filter(|e| e.state.is_problem()) {
        let allow = match e.state {
            State::Modified => options.allow_modified,
            State::MissingFile => options.allow_missing,
            State::OutOfOrder => options.allow_out_of_order,
            _ => false,
        };
        let problem = HistoryProblem {
            version: e.version.clone(),
            state: e.state,
        };
        if allow {
            allowed.push(problem);
        } else {
            problems.push(problem);
        }
    }
    if !problems.is_empty() {
        return Err(MigrateError::History { problems });
    }
    let last = match &options.to {
        Some(to) => Some(find(files, to).map_err(MigrateError::UnknownVersion)?),
        None => None,
    };
    let run = status
        .entries
        .iter()
        .filter(|e| e.state.is_pending())
        .filter_map(|e| e.position)
        .filter(|&p| match (last, files[p].kind()) {
            (None, _) => true,
            (Some(l), MigrationKind::Versioned) => p <= l,
            (Some(_), MigrationKind::Repeatable) => false,
        })
        .map(|p| &files[p])
        .collect::<Vec<_>>();
    // Versioned files first, in directory order; repeatable ones after them.
    let (mut versioned, repeatable): (Vec<_>, Vec<_>) = run
        .into_iter()
        .partition(|f| f.kind() == MigrationKind::Versioned);
    versioned.extend(repeatable);
    Ok((versioned, allowed))
}

/// Applies the pending files of `files` on `conn`.
pub async fn apply(
    conn: &Connection,
    files: &[MigrationFile],
    options: &ApplyOptions,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<ApplyReport, MigrateError> {
    let applied = tracking::read(&conn.client).await?;
    let status = Status::compute(files, &applied);
    let (run, allowed) = pending(files, &status, options)?;
    let mut report = ApplyReport {
        allowed,
        ..ApplyReport::default()
    };
    // Prepared up front: a file the runner cannot run stops the run before anything runs.
    let scripts = run
        .iter()
        .map(|f| script::prepare(f, !f.no_transaction()))
        .collect::<Result<Vec<_>, _>>()?;
    let positions: Vec<usize> = run.iter().map(|f| position(files, f)).collect();
    if let Some(dir) = &options.record_for {
        // Checked up front: a conflict with the tool's history stops the run before it starts.
        record::plan(&conn.client, dir, files, &positions, Mode::Baseline)
            .await
            .map_err(|e| record_error(dir, e))?;
    }
    if options.dry_run {
        report.would_run = run.iter().map(|f| f.version.clone()).collect();
        return Ok(report);
    }
    on_event(Event::Planned(run.len()));
    if run.is_empty() {
        return Ok(report);
    }
    let wait_ms = millis(options.lock_wait).max(1);
    tracking::ensure(&conn.client, wait_ms).await?;
    exec::watch_client(&conn.client).await;
    for ((file, script), &at) in run.iter().zip(&scripts).zip(&positions) {
        on_event(Event::Running(&file.version));
        let outcome = if file.no_transaction() {
            exec::run_outside(conn, (files, at), script, options).await
        } else {
            exec::run_in_transaction(conn, (files, at), script, options).await
        };
        match outcome {
            Ok(Some(ran)) => report.ran.push(ran),
            Ok(None) => report.applied_by_other_runner.push(file.version.clone()),
            Err(e) => return Err(with_applied(e, &report)),
        }
        on_event(Event::Done(&file.version));
    }
    Ok(report)
}

fn with_applied(e: MigrateError, report: &ApplyReport) -> MigrateError {
    match e {
        MigrateError::Failed {
            version,
            no_transaction,
            error,
            ..
        } => MigrateError::Failed {
            version,
            no_transaction,
            error,
            applied: report.ran.iter().map(|r| r.version.clone()).collect(),
        },
        other => other,
    }
}

/// The position of `file` in `files`.
fn position(files: &[MigrationFile], file: &MigrationFile) -> usize {
    files
        .iter()
        .position(|f| std::ptr::eq(f, file))
        .expect("a file to run is one of the directory's")
}

/// A recording error as the runner reports it.
pub(crate) fn record_error(dir: &ToolDir, e: RecordError) -> MigrateError {
    MigrateError::Database {
        context: format!("recording for {} (--record-for)", dir.recorder.name),
        message: e.to_string(),
    }
}

pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
