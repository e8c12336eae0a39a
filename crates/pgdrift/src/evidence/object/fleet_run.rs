//! Running an investigation on every database of a fleet: the servers of pgdrift.toml, each
//! one's databases listed as `pgdrift audit` lists them (templates and databases closed to
//! connections left out, the server's include and exclude globs applied), narrowed by
//! database globs and a role, then investigated with bounded concurrency — overall and per
//! server (`max_connections`). A server or database that cannot be read is kept with its
//! error (masked); nothing aborts the run. Every session reads only.

use super::fleet::UnreachableServer;
use super::{add_statements, investigate, InvestigateOptions, Investigation};
use crate::diff::filter::glob_match;
use crate::fleet::audit::Progress;
use crate::fleet::config::{server_includes, FleetConfig};
use crate::fleet::facts::server_inventory;
use crate::fleet::{run_all, Target};
use crate::pg::{connect, mask_urls};
use rustc_hash::FxHashMap;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Which databases, and how.
#[derive(Debug, Clone, Default)]
pub struct FleetOptions {
    /// Databases investigated at a time.
    pub jobs: usize,
    pub investigate: InvestigateOptions,
    /// Only databases whose names match one of these globs (all when empty).
    pub databases: Vec<String>,
    /// Only databases playing this role of the configuration.
    pub role: Option<String>,
}

/// One database's investigation, or why there is none.
#[derive(Debug)]
pub struct DatabaseRun {
    /// The server's name in the configuration.
    pub server: String,
    pub database: String,
    /// The database's connection string, masked.
    pub target: String,
    pub result: Result<Investigation, String>,
}

/// Every database's run, in the configuration's order.
#[derive(Debug, Default)]
pub struct FleetRun {
    /// The object patterns investigated.
    pub patterns: Vec<String>,
    pub runs: Vec<DatabaseRun>,
    pub unreachable_servers: Vec<UnreachableServer>,
}

struct Listed {
    server: usize,
    target: Target,
}

/// Investigates `patterns` in every database of `config` that `opts` selects.
/// `on_progress` learns how many databases there are, then each one's name as it finishes.
pub async fn investigate_fleet(
    config: &FleetConfig,
    patterns: &[String],
    opts: &FleetOptions,
    env: &dyn Fn(&str) -> Option<String>,
    on_progress: &mut dyn FnMut(Progress),
) -> FleetRun {
    let mut run = FleetRun {
        patterns: patterns.to_vec(),
        ..FleetRun::default()
    };
    let listed = list(config, opts, env, &mut run.unreachable_servers).await;
    on_progress(Progress::Databases(listed.len()));
    let limits = limits(config, opts.jobs);
    let server_of: FxHashMap<&str, usize> = (listed.iter())
        .map(|l| (l.target.label.as_str(), l.server))
        .collect();
    let targets: Vec<Target> = listed.iter().map(|l| l.target.clone()).collect();
    let results = run_all(
        &targets,
        opts.jobs.max(1),
        false,
        |t| {
            let server = server_of.get(t.label.as_str()).copied().unwrap_or(0);
            let limit = limits.get(server).cloned();
            async move {
                let _permit = match &limit {
                    Some(l) => l.acquire().await.ok(),
                    None => None,
                };
                Ok::<_, ()>(one(t, patterns, &opts.investigate).await)
            }
        },
        |t, _| on_progress(Progress::Done(t.database().to_string())),
    )
    .await;
    for (l, result) in listed.iter().zip(results) {
        let result = match result {
            Some(Ok(r)) => r,
            _ => Err("not investigated".to_string()),
        };
        run.runs.push(DatabaseRun {
            server: config.servers[l.server].name.clone(),
            database: l.target.database().to_string(),
            target: l.target.label.clone(),
            result,
        });
    }
    run
}

/// A bound on the connections to each server: its `max_connections`, else `jobs`.
fn limits(config: &FleetConfig, jobs: usize) -> Vec<Arc<Semaphore>> {
    (config.servers.iter())
        .map(|s| {
            let permits = s.max_connections.unwrap_or(jobs);
            Arc::new(Semaphore::new(permits.clamp(1, Semaphore::MAX_PERMITS)))
        })
        .collect()
}

/// Every selected database of every server; servers that cannot be listed are recorded.
async fn list(
    config: &FleetConfig,
    opts: &FleetOptions,
    env: &dyn Fn(&str) -> Option<String>,
    unreachable: &mut Vec<UnreachableServer>,
) -> Vec<Listed> {
    let mut out = Vec::new();
    for (i, s) in config.servers.iter().enumerate() {
        let info = s.url.clone().resolve(env).unwrap_or_else(|_| s.url.clone());
        let from_var = s.url_var.as_ref().map(|v| format!("env:{v}"));
        let server_target = Target::named(info.clone(), from_var.as_deref().unwrap_or(""));
        let inventory = match server_inventory(&info).await {
            Ok(inv) => inv,
            Err(e) => {
                unreachable.push(UnreachableServer {
                    server: s.name.clone(),
                    error: mask_urls(&e.to_string()),
                });
                continue;
            }
        };
        for db in inventory.databases {
            let chosen = !db.is_template
                && db.allows_connections
                && server_includes(s, &db.name)
                && (opts.databases.is_empty()
                    || opts.databases.iter().any(|g| glob_match(g, &db.name)))
                && opts
                    .role
                    .as_ref()
                    .is_none_or(|role| config.role_of(&db.name).is_some_and(|r| &r.name == role));
            if chosen {
                out.push(Listed {
                    server: i,
                    target: server_target.sibling(&db.name),
                });
            }
        }
    }
    out
}

/// Investigates one database: its evidence and pg_stat_statements.
async fn one(
    target: &Target,
    patterns: &[String],
    opts: &InvestigateOptions,
) -> Result<Investigation, String> {
    let conn = connect::connect(&target.info)
        .await
        .map_err(|e| mask_urls(&e.to_string()))?;
    let mut inv = investigate(&conn, patterns, opts)
        .await
        .map_err(|e| mask_urls(&e.to_string()))?;
    add_statements(&conn, &mut inv).await;
    Ok(inv)
}
