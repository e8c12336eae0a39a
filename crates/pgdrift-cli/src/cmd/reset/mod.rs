//! `pgdrift reset URL --dir MIGRATIONS`: rebuilds a development or test database from its
//! migrations. The guards come first (stage, activity, size, a typed confirmation), then
//! the drops and every migration; the library decides, this file asks, `render` reports.

mod render;

use crate::cli::{DirArgs, Format, Seconds};
use crate::output::{note, write_to};
use crate::Outcome;
use clap::Args;
use pgdrift::fleet::config;
use pgdrift::migrate::reset::create::connect_or_create;
use pgdrift::migrate::reset::{
    server_stage, Checks, Dropping, Guard, Limits, ResetError, ResetOptions, ResetReport, Session,
    Wanted,
};
use pgdrift::migrate::runner::ApplyOptions;
use pgdrift::migrate::MigrationFile;
use pgdrift::pg::{ConnInfo, Connection};
use pgdrift::source::{LoadOptions, Loader, SourceSpec};
use render::{describe, history, json_report, text_report};
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ResetArgs {
    /// The database to rebuild (postgres:// URL, key=value pairs, or env:NAME).
    #[arg(value_name = "URL")]
    pub url: String,
    #[command(flatten)]
    pub dir: DirArgs,
    /// Drop every schema of the database, not only those the migrations create.
    #[arg(long)]
    pub all_schemas: bool,
    /// Create the database when it does not exist.
    #[arg(long)]
    pub create: bool,
    /// The pgdrift.toml whose [[server]] stages say which servers are staging or production
    /// (default: ./pgdrift.toml when there is one).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Refuse a database holding more rows than this, unless --force.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub max_rows: u64,
    /// Refuse a database that other sessions used in the last MINUTES, unless --force.
    #[arg(long, value_name = "MINUTES", default_value_t = 10)]
    pub quiet_for: u64,
    /// Reset although the database is big or busy (never on a staging or production server).
    #[arg(long)]
    pub force: bool,
    /// Do not ask for the database's name to be typed.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// How long to wait for another pgdrift runner on the same database, in seconds.
    #[arg(long, value_name = "SECONDS", default_value = "600")]
    pub lock_wait: Seconds,
    /// lock_timeout for the drops and the migrations' statements, in seconds (0: none).
    #[arg(long, value_name = "SECONDS", default_value = "10")]
    pub lock_timeout: Seconds,
    /// Replay the migrations on this server instead of pgdrift's private one (needs CREATEDB).
    #[arg(long, value_name = "URL")]
    pub dev_url: Option<String>,
    /// Output: text or json (format_version 1).
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

pub async fn run(args: ResetArgs) -> anyhow::Result<Outcome> {
    let info = super::migrate::database(&args.url)?;
    stage_guard(&args, &info)?;
    let (_, files) = super::migrate::read_files(&args.dir)?;
    let wanted = replay(&args).await?;
    let (conn, created) = connect_or_create(&info, args.create).await?;
    let session = Session::begin(&conn, args.lock_wait.0).await?;
    let result = reset(&args, &session, &conn, &wanted, &files).await;
    session.end().await;
    let (checks, report) = result?;
    let out = match args.format {
        Format::Json => json_report(&args, &conn, created, &checks, &report)?,
        Format::Text => text_report(&args, &conn, created, &report),
    };
    write_to(None, |w| w.write_all(out.as_bytes()))?;
    Ok(Outcome::Clean)
}

/// Refuses a server pgdrift.toml lists as staging or production, whatever the flags.
fn stage_guard(args: &ResetArgs, info: &ConnInfo) -> anyhow::Result<()> {
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => config::find(&std::env::current_dir()?),
    };
    let Some(path) = path else {
        return Ok(());
    };
    let fleet = config::load(&path, &env)?;
    match server_stage(&fleet, info, &env) {
        Some(server) if server.forbids_reset() => Err(ResetError::Refused {
            database: info.database().to_string(),
            guard: Guard::Stage,
            message: format!(
                "its server is [[server]] \"{}\" in {}, stage = \"{}\"; pgdrift resets only \
                 development and test databases, and --force does not change that. Point the \
                 URL at a development server",
                server.name,
                path.display(),
                server.stage.as_str()
            ),
        }
        .into()),
        _ => Ok(()),
    }
}

/// What the migrations create: the directory replayed into a shadow database.
async fn replay(args: &ResetArgs) -> anyhow::Result<Wanted> {
    let dev_url = match &args.dev_url {
        Some(url) => Some(super::migrate::database(url)?),
        None => None,
    };
    let format =
        (args.dir.format_dir.as_deref()).and_then(pgdrift::source::dir::DirFormat::from_name);
    let spec = SourceSpec::Directory {
        path: args.dir.dir.clone(),
        format,
        ignore: pgdrift::source::dir::Ignore::new(&args.dir.ignore)?,
    };
    let mut loader = Loader::new(LoadOptions {
        dev_url,
        notes: Some(note),
        ..LoadOptions::default()
    });
    let loaded = (loader.load(&spec).await).map_err(|e| {
        anyhow::anyhow!(
            "replaying {} to learn what its migrations create: {e}; nothing was changed",
            args.dir.dir.display()
        )
    })?;
    Ok(Wanted::of(&loaded.inspected.snapshot.catalog))
}

/// Under the lock: the guards, the confirmation, then the reset itself.
async fn reset(
    args: &ResetArgs,
    session: &Session<'_>,
    conn: &Connection,
    wanted: &Wanted,
    files: &[MigrationFile],
) -> anyhow::Result<(Checks, ResetReport)> {
    let limits = Limits {
        max_rows: args.max_rows,
        quiet_for_minutes: args.quiet_for,
        force: args.force,
    };
    let checks = session.check(limits).await?;
    warn_forced(args, &checks);
    let dropping = Dropping::read(conn, wanted, args.all_schemas).await?;
    confirm(args, conn, &dropping, files.len())?;
    let who = pgdrift::cleanup::Who::from_env();
    let dir = args.dir.dir.display().to_string();
    let options = ResetOptions {
        dir: &dir,
        all_schemas: args.all_schemas,
        force: args.force,
        os_user: who.os_user.as_deref(),
        lock_timeout: args.lock_timeout.0,
        apply: ApplyOptions {
            lock_timeout: args.lock_timeout.0,
            lock_wait: args.lock_wait.0,
            ..ApplyOptions::default()
        },
    };
    let report = session.execute(&dropping, files, &options).await?;
    Ok((checks, report))
}

/// With --force, what the guards would have refused.
fn warn_forced(args: &ResetArgs, checks: &Checks) {
    if checks.activity.is_busy() {
        let n = checks.activity.sessions.len() + checks.activity.scans.len();
        note(&format!("warning: the database was used in the last {} minutes ({n} signs of use); resetting anyway (--force)", args.quiet_for));
    }
    if checks.rows.rows > args.max_rows {
        note(&format!(
            "warning: the database holds more than {} rows; resetting anyway (--force)",
            args.max_rows
        ));
    }
}

/// Asks for the database's name on a terminal; without one, `--yes` is required.
#[allow(clippy::print_stderr)]
fn confirm(
    args: &ResetArgs,
    conn: &Connection,
    dropping: &Dropping,
    files: usize,
) -> anyhow::Result<()> {
    if args.yes {
        return Ok(());
    }
    let refuse = |message: &str| ResetError::Refused {
        database: conn.database.clone(),
        guard: Guard::Confirmation,
        message: message.to_string(),
    };
    if !std::io::stdin().is_terminal() {
        return Err(refuse("standard input is not a terminal, so pgdrift cannot ask for the database's name to be typed; pass --yes to reset it").into());
    }
    eprintln!("pgdrift reset drops, in database {}:", conn.database);
    for line in describe(dropping).into_iter().chain(history(dropping)) {
        eprintln!("  {line}");
    }
    eprintln!(
        "then applies the {files} migrations of {}.",
        args.dir.dir.display()
    );
    eprint!("Type the database's name to proceed: ");
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if answer.trim() != conn.database {
        return Err(refuse("the name typed does not match; run again and type it exactly").into());
    }
    Ok(())
}
