//! Command-line arguments: one table of subcommands and their flags (clap derive).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "pgdrift",
    version,
    about = "Find and fix PostgreSQL schema drift",
    long_about = "Find and fix PostgreSQL schema drift.\n\n\
        Exit codes: 0 success and nothing found, 1 drift or findings, 2 error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to use colors: auto (only on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read a schema (a database's or a .sql file's): a summary, or the whole catalog as JSON.
    Inspect(InspectArgs),
    /// Compare two schemas and plan the SQL that turns FROM into TO (exit 1 when they differ).
    Diff(DiffArgs),
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The schema as it is: a database, a migrations directory, .sql files, a .json
    /// snapshot or cmd:COMMAND (see `pgdrift inspect --help`).
    pub from: String,
    /// The schema as it should be, any source as FROM.
    pub to: String,
    /// Output: text (a summary; the default on a terminal), sql (a script to run; the
    /// default otherwise), json (changes and steps, format_version 1) or markdown.
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<DiffFormat>,
    /// Write the output to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Include the steps that delete data (dropped tables, columns, schemas): without it
    /// they are left in the script as comments.
    #[arg(long)]
    pub allow_destructive: bool,
    /// With --allow-destructive, do not copy dropped tables and columns into the
    /// pgdrift_backup schema first (the rollback script then cannot put their data back).
    #[arg(long)]
    pub no_backup: bool,
    /// Build indexes with CREATE INDEX CONCURRENTLY and validate constraints after the
    /// commit, so that writes are not blocked while they run.
    #[arg(long)]
    pub online: bool,
    /// Also write the rollback script (the plan from TO back to FROM) to FILE.
    #[arg(long, value_name = "FILE")]
    pub reverse: Option<PathBuf>,
    /// Run the plan on a throwaway copy of FROM and check that the result equals TO; any
    /// difference left is an error (exit 2).
    #[arg(long)]
    pub verify: bool,
    /// Leave out objects whose name (or schema.name) matches PATTERN (glob: * and ?);
    /// repeatable. Excluding a table excludes its columns, indexes, constraints, triggers
    /// and policies.
    #[arg(long, value_name = "PATTERN")]
    pub exclude: Vec<String>,
    /// Report objects whose owner differs (owners are ignored by default).
    #[arg(long)]
    pub compare_owners: bool,
    /// lock_timeout the script sets, in seconds: how long a step may wait for a lock.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    pub lock_timeout: f64,
    /// statement_timeout the script sets, in seconds (0: none).
    #[arg(long, value_name = "SECONDS", default_value_t = 0.0)]
    pub step_timeout: f64,
    #[command(flatten)]
    pub load: LoadArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Sql,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// What to read: a database (postgres:// URL, key=value pairs, or env:NAME for a URL in
    /// variable NAME; missing parts come from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE
    /// and ~/.pgpass); a migrations directory; .sql files (a,b,c); a .json snapshot; or
    /// cmd:COMMAND whose output is SQL. SQL is replayed into a throwaway database first.
    pub source: String,
    /// Output format: text (a summary) or json (the whole catalog, format_version 1).
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the output to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Report how long each catalog query took (on standard error).
    #[arg(long, short = 'v')]
    pub verbose: bool,
    #[command(flatten)]
    pub load: LoadArgs,
}

/// How sources are read: shared by every command that takes a schema.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// Read only schemas matching PATTERN (glob: * and ?); repeatable.
    #[arg(long = "schema", short = 's', value_name = "PATTERN")]
    pub schemas: Vec<String>,
    /// Leave out schemas matching PATTERN (glob: * and ?); repeatable.
    #[arg(long = "exclude-schema", short = 'N', value_name = "PATTERN")]
    pub exclude_schemas: Vec<String>,
    /// At most N connections read in parallel on big catalogs (1 = a single connection;
    /// default: the number of CPUs, at most 4).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,
    /// statement_timeout for each catalog query, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub statement_timeout: u64,
    /// Replay SQL into a throwaway database on this server instead of pgdrift's own private
    /// server (needs CREATEDB; the database is dropped afterwards, also on errors and Ctrl-C).
    #[arg(long, value_name = "URL")]
    pub dev_url: Option<String>,
    /// The format of a migrations directory, when detection guesses wrong.
    #[arg(long, value_name = "FORMAT", value_parser = dir_format_names())]
    pub format_dir: Option<String>,
    /// Replay even when the result of the same SQL is cached (and do not cache it).
    #[arg(long)]
    pub no_cache: bool,
}

fn dir_format_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(pgdrift::migrate::dir::FORMATS.iter().map(|f| f.name))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
