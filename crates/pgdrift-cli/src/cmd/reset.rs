//! `pgdrift reset URL --dir MIGRATIONS`: rebuilds a development or test database from its
//! migrations.

use crate::cli::{DirArgs, Format, Seconds};
use crate::Outcome;
use clap::Args;
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
    /// The pgdrift.toml whose [[server]] stages say which servers are staging or production.
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
    /// Output: text or json (format_version 1).
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub async fn run(args: ResetArgs) -> anyhow::Result<Outcome> {
    let _ = args;
    anyhow::bail!("pgdrift reset: not available yet")
}
