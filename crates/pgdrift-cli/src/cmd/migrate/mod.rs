//! `pgdrift migrate ...`: the runner's subcommands, and what they share: the directory, the
//! databases they run on, and the per-database lines and summary of a run over many.

mod apply;
mod baseline;
mod history;
mod repair;
mod rollout;
mod rollout_out;
mod status;

use crate::cli::{ColorChoice, DirArgs, MigrateCommand, TargetArgs};
use crate::Outcome;
use pgdrift::fleet::Target;
use pgdrift::migrate::{files, MigrationFile};
use pgdrift::pg::ConnInfo;
use pgdrift::source::dir::{read_dir, DirFormat};
use pgdrift::source::SourceSpec;
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

/// Every database the arguments name, in order, without duplicates.
pub async fn targets(args: &TargetArgs) -> anyhow::Result<Vec<Target>> {
    let mut out = Vec::new();
    for url in &args.urls {
        out.push(Target::named(database(url)?, url));
    }
    if let Some(path) = &args.urls_from {
        let parse = |line: &str| database(line).map_err(|e| e.to_string());
        out.extend(pgdrift::fleet::read_url_list(path, &parse)?);
    }
    if let Some(server) = &args.server {
        let server = Target::named(database(server)?, server);
        out.extend(pgdrift::fleet::databases(&server, &args.databases).await?);
    }
    if out.is_empty() {
        anyhow::bail!(
            "no database given: pass --url URL (repeatable), --urls-from FILE, or --server URL --databases PATTERN"
        );
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|t| seen.insert(t.label.clone()));
    Ok(out)
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
