//! Running an audit: load each role's desired schema and read its registry once, list
//! every server's databases (each playing the role its globs or a registry give it), then
//! read each database (facts, trackers, catalog) with bounded concurrency — overall
//! and per server — and classify it. Unreachable servers and databases become findings;
//! nothing aborts the audit. Every session is read-only.

use super::classify::{classify, objects, Context, ObjectKey};
use super::findings::{self, Finding};
use super::fixes;
use super::matrix::build_matrix;
use super::read::read_database;
use super::report::{ActivityHints, AuditReport, Cell, DatabaseEntry, ServerEntry, TrackerSummary};
use crate::fleet::config::FleetConfig;
use crate::fleet::facts::DatabaseInfo;
use crate::fleet::registry::{list_servers, place, Registries};
use crate::fleet::{run_all, Target};
use crate::migrate::history::{compare_dir_with, History};
use crate::migrate::owned::ToolOwned;
use crate::model::Catalog;
use crate::source::dir::Ignore;
use crate::source::{LoadOptions, Loader, SourceSpec};
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// How an audit runs.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// Databases read at a time.
    pub jobs: usize,
    /// `statement_timeout` for every query.
    pub statement_timeout: Duration,
    /// How desired sources are loaded (shadow server, cache).
    pub load: LoadOptions,
    /// The lint rules to run on every database read (`audit --lint`); `None`: no lint.
    pub lint: Option<crate::lint::LintConfig>,
    /// Only this share of the fleet's databases (`--shard K/N`); `None`: all of them.
    pub shard: Option<crate::fleet::shard::Shard>,
}

/// Progress for displays.
#[derive(Debug, Clone)]
pub enum Progress {
    /// This many databases will be read.
    Databases(usize),
    /// One database is done.
    Done(String),
}

/// A role, loaded.
pub(super) struct Role {
    pub name: String,
    /// How reports and fix commands name its desired source (`env:NAME`, or masked).
    pub arg: Option<String>,
    pub catalog: Option<Catalog>,
    /// Whether its desired schema was loaded (its catalog here, or in the shard that wrote a
    /// merged report's part).
    pub loaded: bool,
    pub objects: HashSet<ObjectKey>,
    pub migrations: Option<PathBuf>,
    /// Entries of the role's directories left out (`ignore` in pgdrift.toml).
    pub ignore: Ignore,
    pub error: Option<String>,
}

/// What one database yields.
pub(super) struct DbResult {
    pub entry: DatabaseEntry,
    pub findings: Vec<Finding>,
    /// `None` when the database could not be compared: every cell unknown.
    pub cells: Option<BTreeMap<ObjectKey, Cell>>,
}

struct DbTarget {
    server: usize,
    target: Target,
    info: DatabaseInfo,
    /// The role it plays, by globs or registry.
    role: Option<String>,
    /// Reported as missing from a registry instead of as playing no role.
    unregistered: bool,
}

/// Audits the fleet `config` describes.
pub async fn audit(
    config: &FleetConfig,
    options: &AuditOptions,
    env: &dyn Fn(&str) -> Option<String>,
    on_progress: &mut dyn FnMut(Progress),
) -> AuditReport {
    let roles = load_roles(config, options, env).await;
    let registries = Registries::read(config, env, options.statement_timeout).await;
    let listing = list_servers(config, env).await;
    let placement = place(config, &registries, &listing, options.shard);
    let mut findings: Vec<Finding> = placement.findings.iter().map(|(_, f)| f.clone()).collect();
    let mut servers = Vec::new();
    let mut targets = Vec::new();
    for listed in &listing {
        let s = &config.servers[listed.index];
        let target = crate::pg::mask_urls(&listed.info.to_string());
        let mut entry = ServerEntry {
            name: s.name.clone(),
            stage: s.stage.as_str().to_string(),
            target: target.clone(),
            version: None,
            databases: 0,
            error: None,
        };
        match &listed.inventory {
            Ok(inv) => entry.version = Some(inv.version.clone()),
            Err(message) => {
                findings.push(
                    Finding::new(findings::SERVER_UNREACHABLE, &s.name, None)
                        .message(message.clone())
                        .fix(format!(
                            "check that {target} is reachable and the credentials are right"
                        )),
                );
                entry.error = Some(message.clone());
            }
        }
        for db in listed.databases(s) {
            if options.shard.is_some_and(|k| !k.holds(&s.name, &db.name)) {
                continue;
            }
            entry.databases += 1;
            targets.push(DbTarget {
                server: listed.index,
                target: listed.target.sibling(&db.name),
                info: db.clone(),
                role: (placement.role_of(config, &s.name, &db.name)).map(|r| r.name.clone()),
                unregistered: placement.is_unregistered(&s.name, &db.name),
            });
        }
        servers.push(entry);
    }
    on_progress(Progress::Databases(targets.len()));
    let limits: Vec<Arc<Semaphore>> = config
        .servers
        .iter()
        .map(|s| {
            // Checked when read from a file or a flag; bounded here for library callers.
            let permits = s.max_connections.unwrap_or(options.jobs);
            Arc::new(Semaphore::new(permits.clamp(1, Semaphore::MAX_PERMITS)))
        })
        .collect();
    let just_targets: Vec<Target> = targets.iter().map(|t| t.target.clone()).collect();
    let by_label: BTreeMap<&str, &DbTarget> = targets
        .iter()
        .map(|t| (t.target.label.as_str(), t))
        .collect();
    let results = run_all(
        &just_targets,
        options.jobs.max(1),
        false,
        |t| {
            let db = by_label[t.label.as_str()];
            let limit = limits[db.server].clone();
            let server = &config.servers[db.server].name;
            let roles = &roles;
            async move {
                let _permit = limit.acquire().await.ok();
                Ok::<_, ()>(audit_database(config, roles, server, db, options).await)
            }
        },
        |t, _| on_progress(Progress::Done(t.database().to_string())),
    )
    .await;
    let results: Vec<DbResult> = results.into_iter().flatten().flatten().collect();
    let part = options
        .shard
        .map(|shard| super::merge::part(shard, &roles, &results, &findings));
    let config_path = Some(config.path.display().to_string());
    let mut report = super::assemble::assemble(
        config_path,
        servers,
        &roles,
        results,
        findings,
        build_matrix,
    );
    report.shard = part;
    report
}

async fn load_roles(
    config: &FleetConfig,
    options: &AuditOptions,
    env: &dyn Fn(&str) -> Option<String>,
) -> Vec<Role> {
    // A desired schema read from a live database is read as the audited ones are: with
    // pgdrift's deparser, taking no table lock.
    let mut load = options.load.clone();
    load.inspect.deparse = crate::source::Deparse::Client;
    let mut loader = Loader::new(load);
    let mut roles = Vec::new();
    for r in &config.roles {
        let mut role = Role {
            name: r.name.clone(),
            arg: r.desired_arg.clone(),
            catalog: None,
            loaded: false,
            objects: HashSet::new(),
            migrations: r.migrations.clone(),
            ignore: r.ignore.clone(),
            error: None,
        };
        if let Some(source) = &r.desired {
            let loaded = match SourceSpec::parse(source, env) {
                Ok(spec) => loader
                    .load(&spec.with_dir_ignore(&r.ignore))
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match loaded {
                Ok(l) => {
                    // A desired schema read from a live database holds its trackers too.
                    let mut catalog = l.inspected.snapshot.catalog;
                    ToolOwned::of(&catalog).remove_from(&mut catalog);
                    role.objects = objects(&catalog).into_iter().collect();
                    role.catalog = Some(catalog);
                    role.loaded = true;
                }
                Err(e) => role.error = Some(crate::pg::mask_quoting(&e, source)),
            }
        }
        roles.push(role);
    }
    roles
}

fn entry(server: &str, db: &DbTarget, role: Option<&str>) -> DatabaseEntry {
    DatabaseEntry {
        server: server.to_string(),
        name: db.info.name.clone(),
        role: role.map(str::to_string),
        owner: Some(db.info.owner.clone()),
        encoding: Some(db.info.encoding.clone()),
        size_bytes: db.info.size_bytes,
        facts: None,
        activity: Some(ActivityHints {
            commits: db.info.xact_commit,
            rollbacks: db.info.xact_rollback,
            sessions: db.info.backends,
            stats_reset: db.info.stats_reset.clone(),
        }),
        trackers: Vec::new(),
        managed_by: None,
        errors: 0,
        warnings: 0,
        infos: 0,
        error: None,
        docs: None,
    }
}

/// Reads and classifies one database; never fails (failures are findings).
async fn audit_database(
    config: &FleetConfig,
    roles: &[Role],
    server: &str,
    db: &DbTarget,
    options: &AuditOptions,
) -> DbResult {
    let role = (db.role.as_ref()).and_then(|name| roles.iter().find(|r| &r.name == name));
    let mut result = DbResult {
        entry: entry(server, db, role.map(|r| r.name.as_str())),
        findings: Vec::new(),
        cells: None,
    };
    let name = db.info.name.as_str();
    result.entry.docs = config.docs.link_for(server, name);
    let (facts, history, live, conn) = match read_database(&db.target, options).await {
        Ok(read) => read,
        Err(failure) => {
            let finding = failure.finding(server, name);
            result.entry.error = Some(finding.message.clone());
            result.findings.push(finding);
            return result;
        }
    };
    result.entry.facts = Some(facts);
    trackers(&mut result, &history, role, server, &db.target.arg);
    if let Some(config) = &options.lint {
        let found = super::lint::findings(config, &live, &conn, server, name).await;
        result.findings.extend(found);
    }
    let Some(role) = role else {
        if db.unregistered {
            return result;
        }
        result.findings.push(
            Finding::new(findings::UNKNOWN_DATABASE, server, Some(name))
                .message(format!("{name} matches no role"))
                .fix(format!("add a [role.NAME] whose databases match {name:?} to pgdrift.toml, or exclude it")),
        );
        return result;
    };
    let (Some(desired), None) = (&role.catalog, &role.error) else {
        if let Some(e) = &role.error {
            result.findings.push(
                Finding::new(findings::ROLE_SOURCE_FAILED, server, Some(name))
                    .message(format!("role {}: {e}", role.name))
                    .fix(fixes::inspect(role.arg.as_deref().unwrap_or("?"))),
            );
        }
        return result;
    };
    let others: Vec<(String, HashSet<ObjectKey>)> = roles
        .iter()
        .filter(|r| r.name != role.name)
        .map(|r| (r.name.clone(), r.objects.clone()))
        .collect();
    let owned = ToolOwned::of(&live);
    let ctx = Context {
        server,
        database: name,
        target: &db.target.arg,
        role: &role.name,
        desired_source: role.arg.as_deref().unwrap_or(""),
        desired,
        others: &others,
        owned: &owned,
    };
    let mut classified = classify(&ctx, &live);
    super::evidence::attach(&mut classified.findings, &live, &db.target, &conn).await;
    result.findings.extend(classified.findings);
    result.cells = Some(classified.cells);
    result
}

/// Tracker summaries and the migration findings: failed entries, several tools, nothing
/// tracked, and files of the role's directory that were never applied.
fn trackers(
    result: &mut DbResult,
    history: &History,
    role: Option<&Role>,
    server: &str,
    target: &str,
) {
    let name = result.entry.name.clone();
    let verdict = history.verdict();
    result.entry.managed_by = verdict.manager.clone();
    for t in &history.trackers {
        result.entry.trackers.push(TrackerSummary {
            tool: t.tool_name.to_string(),
            table: t.table.clone(),
            applied: t.unreadable.is_none().then_some(t.applied),
            unreadable: t.unreadable.as_ref().map(|u| u.to_string()),
            latest: t.latest.clone(),
            last_activity: t.last_activity.clone(),
        });
        if let Some(u) = &t.unreadable {
            result.findings.push(
                Finding::new(findings::TRACKER_UNREADABLE, server, Some(&name))
                    .object(format!("table {}", t.table))
                    .message(format!(
                        "{}'s tracking table cannot be read: role {} has {}, so which migrations are applied is unknown",
                        t.tool_name, u.role, u.reason
                    ))
                    .fix(u.grant.clone()),
            );
        }
        if !t.failed.is_empty() {
            result.findings.push(
                Finding::new(findings::FAILED_MIGRATION, server, Some(&name))
                    .object(format!("table {}", t.table))
                    .message(format!(
                        "{}: {} failed or half-applied migration(s), e.g. {}",
                        t.tool_name,
                        t.failed.len(),
                        t.failed[0].version
                    ))
                    .fix(fixes::history(target)),
            );
        }
    }
    if verdict.several_active {
        result.findings.push(
            Finding::new(findings::SEVERAL_TOOLS, server, Some(&name))
                .message(verdict.lines.join("; "))
                .fix(fixes::history(target)),
        );
    }
    // A tracker the audit's role may not read is not evidence of no tracking.
    if !history
        .trackers
        .iter()
        .any(|t| t.is_used() || t.unreadable.is_some())
    {
        result.findings.push(
            Finding::new(findings::UNTRACKED, server, Some(&name))
                .message("no migration tool has recorded anything here")
                .fix(match role.and_then(|r| r.migrations.as_ref()) {
                    Some(dir) => fixes::baseline(
                        target,
                        dir,
                        &role.map_or_else(Ignore::none, |r| r.ignore.clone()),
                    ),
                    None => "adopt a migration tool (pgdrift migrate baseline)".to_string(),
                }),
        );
        return;
    }
    let Some(dir) = role.and_then(|r| r.migrations.as_ref()) else {
        return;
    };
    let ignore = role.map_or_else(Ignore::none, |r| r.ignore.clone());
    let Some(tool) = history.tool_for_dir_with(dir, &ignore) else {
        return;
    };
    // A tracker the role may not read may be the directory's own: nothing is known pending.
    let hidden = history.trackers.iter().any(|t| {
        t.unreadable.is_some() && compare_dir_with(t, dir, &ignore).is_ok_and(|c| c.files > 0)
    });
    if hidden {
        return;
    }
    let Ok(cmp) = compare_dir_with(tool, dir, &ignore) else {
        return;
    };
    let pending: Vec<&str> = cmp
        .never_applied
        .iter()
        .chain(&cmp.skipped_by_watermark)
        .map(|f| f.file.as_str())
        .collect();
    if pending.is_empty() {
        return;
    }
    let fix = match tool.tool == "pgdrift" {
        true => fixes::apply(target, dir, &ignore),
        false => fixes::history_dir(target, dir, &ignore),
    };
    let shown: Vec<&str> = pending.iter().take(3).copied().collect();
    let more = if pending.len() > 3 {
        format!(" and {} more", pending.len() - 3)
    } else {
        String::new()
    };
    result.findings.push(
        Finding::new(findings::PENDING_MIGRATIONS, server, Some(&name))
            .message(format!(
                "{} migration(s) of {} not applied ({}): {}{more}",
                pending.len(),
                dir.display(),
                tool.tool_name,
                shown.join(", ")
            ))
            .fix(fix),
    );
}
