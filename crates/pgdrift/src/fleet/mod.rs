//! Many targets: the databases a command runs on (given one by one, listed in a file, or
//! found on a server by name pattern), and running a task on each with bounded concurrency,
//! results kept in the targets' order. One failing target never stops the others unless
//! the caller asks to fail fast.

pub mod audit;
pub mod config;
pub mod demo;
pub mod facts;

use crate::diff::filter::glob_match;
use crate::pg::{connect, ConnInfo};
use crate::sql::split::line_of;
use std::future::Future;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// One database to run on.
#[derive(Debug, Clone)]
pub struct Target {
    pub info: ConnInfo,
    /// How it is named in reports: its masked connection string.
    pub label: String,
}

impl Target {
    pub fn new(info: ConnInfo) -> Target {
        let label = crate::pg::mask_urls(&info.to_string());
        Target { info, label }
    }

    /// The database name.
    pub fn database(&self) -> &str {
        self.info.database()
    }
}

/// Why the targets could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path}:{line}: {reason}")]
    BadLine {
        path: String,
        line: usize,
        reason: String,
    },
    #[error(transparent)]
    Connect(#[from] crate::pg::ConnectError),
    #[error("listing the databases of {server}: {message}")]
    List { server: String, message: String },
    #[error("no database on {server} matches {patterns}; `psql -l` lists them")]
    NoMatch { server: String, patterns: String },
}

/// The connection strings listed in `path`: one per line; blank lines and lines starting with
/// `#` are skipped. `parse` turns a line into a connection (the error names the line).
pub fn read_url_list(
    path: &Path,
    parse: &dyn Fn(&str) -> Result<ConnInfo, String>,
) -> Result<Vec<Target>, FleetError> {
    let text = std::fs::read_to_string(path).map_err(|e| FleetError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let mut out = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim();
        if !line.is_empty() && !line.starts_with('#') {
            let info = parse(line).map_err(|reason| FleetError::BadLine {
                path: path.display().to_string(),
                line: line_of(&text, offset),
                reason,
            })?;
            out.push(Target::new(info));
        }
        offset += raw.len();
    }
    Ok(out)
}

/// The databases on the server `server` reaches whose names match one of `patterns` (globs:
/// `*`, `?`), by name; templates and databases that refuse connections are left out.
pub async fn databases(server: &ConnInfo, patterns: &[String]) -> Result<Vec<Target>, FleetError> {
    let conn = connect(server).await?;
    let rows = conn
        .client
        .query(
            "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname",
            &[],
        )
        .await
        .map_err(|e| FleetError::List {
            server: conn.target.clone(),
            message: crate::pg::connect::db_message(&e),
        })?;
    let targets: Vec<Target> = rows
        .iter()
        .map(|r| r.get::<_, String>(0))
        .filter(|name| patterns.iter().any(|p| glob_match(p, name)))
        .map(|name| Target::new(server.with_dbname(&name)))
        .collect();
    if targets.is_empty() {
        return Err(FleetError::NoMatch {
            server: conn.target.clone(),
            patterns: patterns.join(", "),
        });
    }
    Ok(targets)
}

/// Runs `task` on every target, at most `jobs` at a time. `on_done` sees each result as it
/// comes. With `fail_fast`, targets not started when a task fails are not run (`None`).
pub async fn run_all<'a, T, E, F, Fut>(
    targets: &'a [Target],
    jobs: usize,
    fail_fast: bool,
    task: F,
    mut on_done: impl FnMut(&Target, &Result<T, E>),
) -> Vec<Option<Result<T, E>>>
where
    F: Fn(&'a Target) -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    use futures_util::stream::{self, StreamExt};
    let stop = AtomicBool::new(false);
    let mut results: Vec<Option<Result<T, E>>> = (0..targets.len()).map(|_| None).collect();
    let stop_ref = &stop;
    let task_ref = &task;
    let mut running = stream::iter(targets.iter().enumerate())
        .map(|(i, target)| async move {
            if fail_fast && stop_ref.load(Ordering::SeqCst) {
                return (i, None);
            }
            let result = task_ref(target).await;
            if fail_fast && result.is_err() {
                stop_ref.store(true, Ordering::SeqCst);
            }
            (i, Some(result))
        })
        .buffer_unordered(jobs.max(1));
    while let Some((i, result)) = running.next().await {
        if let Some(r) = &result {
            on_done(&targets[i], r);
        }
        results[i] = result;
    }
    results
}

#[cfg(test)]
mod tests;
