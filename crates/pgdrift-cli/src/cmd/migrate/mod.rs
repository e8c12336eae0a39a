//! `pgdrift migrate ...`: the runner's subcommands, and what they share: the directory, the
//! databases they run on, and the per-database lines and summary of a run over many.

mod apply;
mod baseline;
mod history;
mod repair;
mod rollout;
mod rollout_out;
mod safeguards;
mod status;

use crate::cli::{ColorChoice, DirArgs, MigrateCommand, TargetArgs};
use crate::output::note;
use crate::Outcome;
use pgdrift::fleet::registry::RoleTarget;
use pgdrift::fleet::shard::Shard;
use pgdrift::fleet::Target;
use pgdrift::migrate::{files, MigrationFile};
use pgdrift::pg::ConnInfo;
use pgdrift::source::dir::{read_dir, DirFormat};
use pgdrift::source::SourceSpec;
use std::path::Path;
use std::time::Duration;

pub async fn run(command: MigrateCommand, color: ColorChoice) -> anyhow::Result<Outcome> {
    match command {
        MigrateCommand::Apply(args) => apply::run(args, color).await,
        MigrateCommand::Status(args) => status::run(args, color).await,
        MigrateCommand::Baseline(args) => baseline::run(args, color).await,
        MigrateCommand::Repair(args) => repair::run(args).await,
        MigrateCommand::History(args) => history::run(args, color).await,
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// A database argument (URL, key=value pairs or env:NAME).
pub fn database(arg: &str) -> anyhow::Result<ConnInfo> {
    match SourceSpec::parse(arg, &env)? {
        SourceSpec::Database(info) => Ok(*info),
        _ => anyhow::bail!(
            "{} is not a database: give a postgres:// URL, key=value pairs or env:NAME",
            pgdrift::pg::mask_value(arg)
        ),
    }
}

/// The migrations directory's files, in the order they apply.
pub fn read_files(args: &DirArgs) -> anyhow::Result<(DirFormat, Vec<MigrationFile>)> {
    let format = args.format_dir.as_deref().and_then(DirFormat::from_name);
    let dir = read_dir(
        &args.dir,
        format,
        &pgdrift::source::dir::Ignore::new(&args.ignore)?,
    )?;
    Ok((dir.format, files::files(&dir)?))
}

/// Every database the arguments name, in order, without duplicates, each with its server:
/// the `[[server]]` name and its `max_connections` for the databases of `--role`, the
/// server's `host:port` (and no bound) for the others. Problems listing the role's
/// databases print as warnings, and the command goes on with the databases found.
pub async fn targets_by_server(args: &TargetArgs) -> anyhow::Result<Vec<RoleTarget>> {
    let mut given = Vec::new();
    for url in &args.urls {
        given.push(Target::named(database(url)?, url));
    }
    if let Some(path) = &args.urls_from {
        let parse = |line: &str| database(line).map_err(|e| e.to_string());
        given.extend(pgdrift::fleet::read_url_list(path, &parse)?);
    }
    if let Some(server) = &args.server {
        let server = Target::named(database(server)?, server);
        given.extend(pgdrift::fleet::databases(&server, &args.databases).await?);
    }
    let mut out: Vec<RoleTarget> = (given.into_iter())
        .map(|target| RoleTarget {
            server: target.server(),
            max_connections: None,
            target,
        })
        .collect();
    if let Some(role) = &args.role {
        out.extend(of_role(args.config.as_deref(), role).await?);
    }
    if out.is_empty() {
        anyhow::bail!(
            "no database given: pass --url URL (repeatable), --urls-from FILE, --server URL --databases PATTERN, or --role NAME [--config FILE]"
        );
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|t| seen.insert(t.target.label.clone()));
    Ok(out)
}

/// The databases of shard `shard` (`--shard K/N`) among those the arguments name, all of
/// them without one; hashed by server and database name as the audit's shards are (the
/// `[[server]]` name for `--role`, else `host:port`). A shard may hold none: the run then
/// does nothing and says so.
pub async fn shared_targets(
    args: &TargetArgs,
    shard: Option<Shard>,
) -> anyhow::Result<Vec<RoleTarget>> {
    let targets = targets_by_server(args).await?;
    let Some(shard) = shard else {
        return Ok(targets);
    };
    let total = targets.len();
    let held: Vec<RoleTarget> = (targets.into_iter())
        .filter(|t| shard.holds(&t.server, t.target.database()))
        .collect();
    note(&format!(
        "shard {shard}: {} of the {total} databases",
        held.len()
    ));
    Ok(held)
}

/// [`shared_targets`] without their servers.
pub async fn share(args: &TargetArgs, shard: Option<Shard>) -> anyhow::Result<Vec<Target>> {
    let targets = shared_targets(args, shard).await?;
    Ok(targets.into_iter().map(|t| t.target).collect())
}

/// The databases playing `role` in the fleet configuration; the registry query runs with
/// the configuration's `[audit] statement_timeout_secs` (default 60 s).
async fn of_role(config: Option<&Path>, role: &str) -> anyhow::Result<Vec<RoleTarget>> {
    let config = crate::cmd::audit::load_config(config)?;
    let timeout = (config.settings.statement_timeout).unwrap_or(Duration::from_secs(60));
    let found = pgdrift::fleet::registry::role_targets(&config, role, &env, timeout).await?;
    for warning in &found.warnings {
        note(&format!("warning: {warning}"));
    }
    Ok(found.targets)
}

/// A database's line in a run over many: a mark, its name (see [`pgdrift::fleet::line_names`])
/// and what happened; the lines of a message after its first (PostgreSQL's reason, the
/// statement at fault) follow, indented.
pub fn db_line(mark: &str, name: &str, text: &str) -> String {
    let mut lines = text.lines();
    let mut out = format!("{mark} {name}: {}", lines.next().unwrap_or(""));
    for line in lines {
        out.push_str("\n    ");
        out.push_str(line);
    }
    out
}

/// Seconds from the command line (checked when parsed) as a duration.
pub fn seconds(s: crate::cli::Seconds) -> Duration {
    s.0
}

/// A progress bar on standard error when it is a terminal (hidden otherwise).
pub fn progress(len: usize, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} [{bar:30}] {pos}/{len} {msg} ({elapsed})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_string());
    bar
}

/// Styling for terminal text.
#[derive(Debug, Clone, Copy)]
pub struct Paint(pub bool);

impl Paint {
    fn wrap(self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    pub fn green(self, t: &str) -> String {
        self.wrap("32", t)
    }
    pub fn red(self, t: &str) -> String {
        self.wrap("31", t)
    }
    pub fn yellow(self, t: &str) -> String {
        self.wrap("33", t)
    }
    pub fn dim(self, t: &str) -> String {
        self.wrap("2", t)
    }
}
