//! Many targets: the databases a command runs on (given one by one, listed in a file, or
//! found on a server by name pattern), and running a task on each with bounded concurrency,
//! results kept in the targets' order. One failing target never stops the others unless
//! the caller asks to fail fast.

pub mod audit;
pub mod config;
pub mod demo;
pub mod facts;
pub mod registry;
pub mod rollout;
pub mod shard;

use crate::diff::filter::glob_match;
use crate::pg::{connect, ConnInfo, Host};
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
    /// How suggested commands name it: `env:NAME` (or `env:NAME/DB`, another database on
    /// that server) when it came from an environment variable, else `label`.
    pub arg: String,
}

impl Target {
    pub fn new(info: ConnInfo) -> Target {
        let label = crate::pg::mask_urls(&info.to_string());
        Target {
            info,
            arg: label.clone(),
            label,
        }
    }

    /// The target the user named `named` (a source argument): `env:NAME` stays its name in
    /// suggested commands.
    pub fn named(info: ConnInfo, named: &str) -> Target {
        let mut target = Target::new(info);
        if named.starts_with("env:") {
            target.arg = named.trim().to_string();
        }
        target
    }

    /// Database `db` on the server this target reaches, named in commands after this one:
    /// `env:NAME` becomes `env:NAME/db` for another database.
    pub fn sibling(&self, db: &str) -> Target {
        let mut target = Target::new(self.info.with_dbname(db));
        if let Some(rest) = self.arg.strip_prefix("env:") {
            let (name, own) = match rest.split_once('/') {
                Some((name, _)) => (name, None),
                None => (rest, Some(self.database())),
            };
            target.arg = match own == Some(db) {
                true => format!("env:{name}"),
                false => format!("env:{name}/{db}"),
            };
        }
        target
    }

    /// The database name.
    pub fn database(&self) -> &str {
        self.info.database()
    }

    /// Its server: `host:port` (every host, when there are several).
    pub fn server(&self) -> String {
        let hosts: Vec<String> = (self.info.hosts.iter().enumerate())
            .map(|(i, host)| {
                let port = self.info.ports.get(i).or(self.info.ports.first());
                let port = port.map_or_else(String::new, |p| format!(":{p}"));
                match host {
                    Host::Tcp(h) if h.contains(':') => format!("[{h}]{port}"),
                    host => format!("{host}{port}"),
                }
            })
            .collect();
        hosts.join(",")
    }

    /// `host:port/db`.
    pub fn place(&self) -> String {
        format!("{}/{}", self.server(), self.database())
    }
}

/// How per-database lines name `targets`: by database name when they are all on one server,
/// else as `host:port/db`, so that namesakes on different servers stay apart.
pub fn line_names(targets: &[Target]) -> Vec<String> {
    let one_server = targets.windows(2).all(|w| w[0].server() == w[1].server());
    targets
        .iter()
        .map(|t| match one_server {
            true => t.database().to_string(),
            false => t.place(),
        })
        .collect()
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
/// `#` are skipped. `parse` turns a line into a connection (the error names the line, and
/// never a password it holds).
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
        // A byte order mark an editor put first is not part of the first line.
        let line = raw.trim_start_matches(crate::sql::split::BOM).trim();
        if !line.is_empty() && !line.starts_with('#') {
            let info = parse(line).map_err(|reason| FleetError::BadLine {
                path: path.display().to_string(),
                line: line_of(&text, offset),
                reason: crate::pg::mask_quoting(&reason, line),
            })?;
            out.push(Target::named(info, line));
        }
        offset += raw.len();
    }
    Ok(out)
}

/// The databases on the server `server` reaches whose names match one of `patterns` (globs:
/// `*`, `?`), by name; templates and databases that refuse connections are left out.
pub async fn databases(server: &Target, patterns: &[String]) -> Result<Vec<Target>, FleetError> {
    let conn = connect(&server.info).await?;
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
        .map(|name| server.sibling(&name))
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
