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
    /// Apply a plan written by `pgdrift diff -o plan.sql` — only while the database still is
    /// what the plan was made for — record it, and check the result is what it leads to.
    Apply(ApplyArgs),
    /// Everything pgdrift did to a database: migrations, plans, baselines, repairs, resets,
    /// quarantines, restores and drops, with who, when, the text and the outcome.
    Log(LogArgs),
    /// Rebuild a development or test database from its migrations: drop what they create,
    /// then apply them all. Refuses staging and production servers, big and busy databases.
    Reset(crate::cmd::reset::ResetArgs),
    /// Run migrations safely on one database or many, and read every tool's history.
    #[command(subcommand)]
    Migrate(MigrateCommand),
    /// Audit a whole fleet from pgdrift.toml: every server and database against what its
    /// role says it should be (exit 1 on findings at or above --fail-on).
    Audit(AuditArgs),
    /// Build a small drifted fleet on pgdrift's private server, audit it, and write the
    /// HTML report.
    Demo(DemoArgs),
    /// Work with audit reports: `merge` puts the reports of `audit --shard K/N` together.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Find where application code references the tables of a schema: per table, per
    /// file, the tables referenced nowhere and the names code uses that the schema lacks
    /// (exit 1 when there are either).
    Usage(UsageArgs),
    /// Gather the evidence for removing tables, views, sequences, functions or types: what
    /// each holds, what ties to it, its activity, who claims it, where code references it,
    /// and a verdict (exit 1 when one is in use).
    Investigate(InvestigateArgs),
    /// List the relations of a database that no desired schema declares (without one, every
    /// table), each with its evidence and verdict, worst first (exit 1 when there are any).
    Orphans(OrphansArgs),
    /// Lint a schema (any source; statistics rules on live databases) or the new files of a
    /// migrations directory, worst first (exit 1 when a finding reaches --fail-on).
    Lint(LintArgs),
    /// Document a schema (any source): Markdown pages with ER diagrams, or one HTML file;
    /// notes written between the pgdrift:notes markers survive regeneration. `--check DIR`
    /// exits 1 when the docs in DIR no longer match the schema.
    Docs(DocsArgs),
    /// Move tables, views or sequences into the pgdrift_quarantine schema, revoking every
    /// other role's privileges (recorded, for `pgdrift restore`).
    Quarantine(QuarantineArgs),
    /// Move quarantined objects back to their schema and name, with the privileges they had.
    Restore(RestoreArgs),
    /// Drop tables, views or sequences after backing them up (into pgdrift_backup, or a SQL
    /// file) and writing a rollback script; refused when something depends on them.
    Drop(DropArgs),
    /// Print a completion script for a shell (`pgdrift completions bash >
    /// /etc/bash_completion.d/pgdrift`; zsh: into a directory of $fpath as `_pgdrift`;
    /// fish: ~/.config/fish/completions/pgdrift.fish).
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct InvestigateArgs {
    /// The database (postgres:// URL, key=value pairs, or env:NAME); left out with --config.
    #[arg(value_name = "DATABASE", required_unless_present = "config")]
    pub database: Option<String>,
    /// Tables, views or sequences: `name` or `schema.name`, globs allowed (`backup_*`).
    #[arg(value_name = "OBJECT", required_unless_present = "config")]
    pub objects: Vec<String>,
    /// A replica of DATABASE whose statistics count too (repeatable): each server instance
    /// keeps its own, so a table read only on a replica looks unused on the primary.
    #[arg(long = "replica", value_name = "URL", conflicts_with = "config")]
    pub replicas: Vec<String>,
    /// Investigate every database of the fleet this pgdrift.toml describes, instead of one.
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// With --config: only databases whose names match this glob (repeatable).
    #[arg(long = "database", value_name = "GLOB", requires = "config")]
    pub databases: Vec<String>,
    /// With --config: only databases playing this role of the configuration.
    #[arg(long, value_name = "NAME", requires = "config")]
    pub role: Option<String>,
    /// A directory of application code to search for references (repeatable).
    #[arg(long = "code", value_name = "DIR")]
    pub code: Vec<PathBuf>,
    /// How long an exact row count may take, in seconds, before the estimate is used
    /// (0: estimates only).
    #[arg(long, value_name = "SECONDS", default_value = "10")]
    pub count_timeout: Seconds,
    /// A desired schema to ask whether it declares each object, `[LABEL=]SOURCE` (`orm=db/schema.sql`,
    /// `cms=snapshot.json`, a migrations directory, a database...); repeatable. Two that define an
    /// object differently are reported as a conflict.
    #[arg(
        long = "desired",
        value_name = "[LABEL=]SOURCE",
        conflicts_with = "config"
    )]
    pub desired: Vec<String>,
    /// A migrations directory: which migration created and last altered each object (replayed
    /// one migration at a time in a throwaway database).
    #[arg(long, value_name = "DIR", conflicts_with = "config")]
    pub migrations: Option<PathBuf>,
    /// Output: text, json (format_version 1; with --config the fleet layout, "layout":
    /// "fleet", its own format_version 1) or markdown (the removal checklist, filled in).
    #[arg(long, short = 'f', value_enum, default_value_t = InspectFormat::Text)]
    pub format: InspectFormat,
    /// Write the output to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub load: LoadArgs,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// The schema to lint: a database (postgres:// URL, key=value pairs, env:NAME), a
    /// migrations directory, SQL files, a snapshot or cmd:COMMAND.
    #[arg(
        value_name = "SOURCE",
        required_unless_present_any = ["migrations", "rules", "explain"]
    )]
    pub source: Option<String>,
    /// Lint the migration files of DIR that are new (since --base, or not applied to
    /// --against): their statements, and what each does to the schema replayed in a shadow
    /// database, weighed by the sizes of the tables it touches.
    #[arg(long, value_name = "DIR", conflicts_with = "source")]
    pub migrations: Option<PathBuf>,
    /// With --migrations: the files new since this git ref (`origin/main`) are the ones
    /// linted.
    #[arg(long, value_name = "REF", requires = "migrations")]
    pub base: Option<String>,
    /// With --migrations: the database the migrations will run on (URL, env:NAME) or a
    /// statistics snapshot of it (JSON): its table sizes weigh the hazards, and without
    /// --base the files it has not applied are the new ones.
    #[arg(long, value_name = "URL|FILE", requires = "migrations")]
    pub against: Option<String>,
    /// With --against URL: also write the database's statistics snapshot (table sizes,
    /// server version, applied migrations) to FILE, for a later --against FILE.
    #[arg(long, value_name = "FILE", requires = "against")]
    pub save_against: Option<PathBuf>,
    /// With --migrations: a directory of application code (repeatable). A rename is
    /// reported only while code still uses the old name, with where it does.
    #[arg(long = "code", value_name = "DIR", requires = "migrations")]
    pub code: Vec<PathBuf>,
    /// The configuration whose [lint] table applies (default: pgdrift.toml in the current
    /// directory, when there is one).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Set a rule's level for this run: CODE=off|info|warning|error (code or slug;
    /// repeatable).
    #[arg(long = "rule", value_name = "CODE=LEVEL")]
    pub rule_levels: Vec<String>,
    /// The least severe finding that makes the exit code 1 (default: [lint] fail_on, else
    /// warning).
    #[arg(long, value_name = "LEVEL", value_parser = ["info", "warning", "error"])]
    pub fail_on: Option<String>,
    /// List every rule (code, slug, severity, input, summary) and exit.
    #[arg(long)]
    pub rules: bool,
    /// Print what a rule checks and how to fix it, and exit.
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,
    /// Output: text, json (format_version 1), markdown (a pull-request comment), sarif
    /// (SARIF 2.1.0) or github (workflow annotations; the rest in the step summary).
    #[arg(long, short = 'f', value_enum, default_value_t = LintFormat::Text)]
    pub format: LintFormat,
    /// Write the output to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write the report as FORMAT to FILE, from the same run (repeatable):
    /// `--also sarif=lint.sarif --also markdown=comment.md`.
    #[arg(long = "also", value_name = "FORMAT=FILE")]
    pub also: Vec<String>,
    #[command(flatten)]
    pub load: LoadArgs,
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    /// The schema to document: a database (postgres:// URL, key=value pairs, env:NAME), a
    /// migrations directory, SQL files, a snapshot or cmd:COMMAND.
    #[arg(value_name = "SOURCE")]
    pub source: String,
    /// Where the docs go: a directory of Markdown pages, or the HTML file with --format
    /// html (JSON: standard output unless given).
    #[arg(long, short = 'o', value_name = "PATH", required_unless_present_any = ["check", "comment_coverage"])]
    pub output: Option<PathBuf>,
    /// markdown (pages and Mermaid diagrams), html (one self-contained file), json (the
    /// pages as data); with --check or --comment-coverage: text or json.
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<DocsFormat>,
    /// Compare the Markdown docs in DIR with the docs SOURCE gives now, notes aside, and
    /// list what is stale in schema terms (exit 1 when something is).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["output", "comment_coverage"])]
    pub check: Option<PathBuf>,
    /// Report the share of tables, views and columns that have a comment, per schema.
    #[arg(long, conflicts_with = "output")]
    pub comment_coverage: bool,
    /// With --format html: take the notes from this Markdown docs directory.
    #[arg(long, value_name = "DIR")]
    pub notes: Option<PathBuf>,
    /// The configuration whose [docs] table applies (viewpoints, diagram size; default:
    /// pgdrift.toml in the current directory, when there is one).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub load: LoadArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DocsFormat {
    Markdown,
    Html,
    Json,
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
    Markdown,
    Sarif,
    Github,
}

#[derive(Debug, Args)]
pub struct OrphansArgs {
    /// The database (postgres:// URL, key=value pairs, or env:NAME); left out with --config.
    #[arg(required_unless_present = "config")]
    pub database: Option<String>,
    /// Every database of the fleet this pgdrift.toml describes: what each holds that its
    /// role's desired schema lacks (the audit's PA021 and PA023), with the evidence.
    #[arg(long, short = 'c', value_name = "FILE", conflicts_with = "database")]
    pub config: Option<PathBuf>,
    /// A desired schema, `[LABEL=]SOURCE`; what none of them declares is an orphan
    /// (repeatable). Without one, every table is listed with its verdict.
    #[arg(
        long = "desired",
        value_name = "[LABEL=]SOURCE",
        conflicts_with = "config"
    )]
    pub desired: Vec<String>,
    /// A directory of application code to search for references (repeatable).
    #[arg(long = "code", value_name = "DIR")]
    pub code: Vec<PathBuf>,
    /// How long each exact row count may take, in seconds (default 0: the planner's
    /// estimates, which keeps a database of thousands of tables quick).
    #[arg(long, value_name = "SECONDS", default_value = "0")]
    pub count_timeout: Seconds,
    /// Output: text, json (format_version 1) or markdown.
    #[arg(long, short = 'f', value_enum, default_value_t = InspectFormat::Text)]
    pub format: InspectFormat,
    /// Write the output to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub load: LoadArgs,
}

/// What the cleanup commands share: where they run, and how they ask.
#[derive(Debug, Args)]
pub struct CleanupArgs {
    /// The database (postgres:// URL, key=value pairs, or env:NAME), then the objects:
    /// `name` or `schema.name`, globs allowed (`backup_*`). With --database or --role,
    /// only the objects.
    #[arg(required = true, value_name = "URL OBJECT")]
    pub args: Vec<String>,
    /// The fleet configuration (default: pgdrift.toml in the current directory, when there
    /// is one); its server's stage decides whether --yes is required.
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run on every database of the configuration whose name matches GLOB; repeatable.
    #[arg(long = "database", value_name = "GLOB")]
    pub databases: Vec<String>,
    /// Run on every database of the configuration playing role NAME.
    #[arg(long, value_name = "NAME")]
    pub role: Option<String>,
    /// At most N databases at a time.
    #[arg(long, short = 'j', value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: u16,
    /// Proceed without asking (required without a terminal, and on production servers).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the plan; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Output: text or json (format_version 1).
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct QuarantineArgs {
    #[command(flatten)]
    pub common: CleanupArgs,
    /// Why, for the history table (pgdrift.cleanup_history).
    #[arg(long, value_name = "TEXT", required = true)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub common: CleanupArgs,
    /// Why, for the history table.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct DropArgs {
    #[command(flatten)]
    pub common: CleanupArgs,
    /// Why, for the history table.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Refuse objects that have not been in quarantine at least this long (14d, 36h, 90m).
    #[arg(long, value_name = "DURATION", value_parser = pgdrift::cleanup::duration::parse)]
    pub quarantined_for: Option<std::time::Duration>,
    /// Also drop what depends on the objects (foreign keys, views, publication entries),
    /// listed in the plan.
    #[arg(long)]
    pub cascade: bool,
    /// Back up into this SQL file (definition and rows, restorable with psql -f) instead of
    /// the pgdrift_backup schema.
    #[arg(long, value_name = "FILE")]
    pub backup_file: Option<PathBuf>,
    /// Before committing, run the rollback in a savepoint and check that it restores the
    /// same row count and checksum; if not, nothing is dropped (exit 2).
    #[arg(long)]
    pub verify: bool,
}

#[derive(Debug, Args)]
pub struct UsageArgs {
    /// A directory of application code to search (respecting .gitignore); repeatable.
    #[arg(long = "code", value_name = "DIR", required = true)]
    pub code: Vec<PathBuf>,
    /// The schema whose tables to look for (a database, .sql files, a migrations directory,
    /// a .json snapshot...). Without it: the tables the code itself declares or queries.
    pub source: Option<String>,
    /// Output: text (a summary), json (the whole inventory, format_version 1) or markdown
    /// (with the per-file inventory).
    #[arg(long, short = 'f', value_enum, default_value_t = InspectFormat::Text)]
    pub format: InspectFormat,
    /// Write the output to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Threads that search files (default: the number of CPUs).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,
    #[command(flatten)]
    pub load: LoadArgs,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `pgdrift man --out DIR`: writes the manual pages, for packages (`scripts/build-deb`).
/// Parsed apart from [`Cli`], so that neither `--help`, the completion scripts nor the pages
/// themselves list it.
#[derive(Debug, Parser)]
#[command(
    name = "man",
    bin_name = "pgdrift man",
    about = "Write the manual pages (pgdrift.1 and one per subcommand) into a directory"
)]
pub struct ManArgs {
    /// The directory to write the pages into (created when missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The fleet configuration (default: pgdrift.toml in the current directory).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Write a commented example pgdrift.toml (to --config or ./pgdrift.toml) and stop.
    #[arg(long)]
    pub init: bool,
    /// Output: text (a summary), json (the whole report, format_version 1) or markdown.
    #[arg(long, short = 'f', value_enum, default_value_t = AuditFormat::Text)]
    pub format: AuditFormat,
    /// Write the output to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write the report as one self-contained HTML file.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Exit 1 when a finding of this severity or worse exists (default: the config's
    /// [audit] fail_on, else warning).
    #[arg(long, value_name = "LEVEL", value_parser = ["info", "warning", "error"])]
    pub fail_on: Option<String>,
    /// Run the lint rules (pgdrift.toml [lint]) on every database too: their findings are
    /// reported with the database's drift.
    #[arg(long)]
    pub lint: bool,
    /// Databases read at a time (default: the config's [audit] jobs, else 8).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    /// statement_timeout for every query, in seconds (default: the config's, else 60).
    #[arg(long, value_name = "SECONDS")]
    pub statement_timeout: Option<Seconds>,
    /// Replay desired sources on this server instead of pgdrift's private one.
    #[arg(long, value_name = "URL")]
    pub dev_url: Option<String>,
    /// Audit only share K of N of the fleet's databases (a stable hash of server and
    /// database names), so that N machines together cover every database once.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<pgdrift::fleet::shard::Shard>,
}

/// `--shard K/N`, with the reason when it is not one.
fn parse_shard(s: &str) -> Result<pgdrift::fleet::shard::Shard, String> {
    s.parse()
        .map_err(|e: pgdrift::fleet::shard::ShardError| e.to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Merge the JSON reports of all N shards of one audit (`pgdrift audit --shard K/N -f
    /// json -o shard-K.json`) into the report of the whole fleet (exit 1 on findings at or
    /// above --fail-on, 2 when a shard is missing or given twice).
    Merge(ReportMergeArgs),
}

#[derive(Debug, Args)]
pub struct ReportMergeArgs {
    /// The shards' JSON reports, each once, in any order.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format of the merged report.
    #[arg(long, short = 'f', value_enum, default_value_t = AuditFormat::Text)]
    pub format: AuditFormat,
    /// Write the merged report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write the HTML report to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Exit 1 when a finding reaches this level (default: warning).
    #[arg(long, value_name = "LEVEL", value_parser = ["info", "warning", "error"])]
    pub fail_on: Option<String>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the HTML report.
    #[arg(long, value_name = "FILE", default_value = "pgdrift-demo.html")]
    pub html: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum MigrateCommand {
    /// Apply the pending migrations of a directory, each in its own transaction with its
    /// record (exit 2 if one fails: it is rolled back, those before it stay applied).
    Apply(MigrateApplyArgs),
    /// Per migration: applied (when, by whom), pending, modified since applied, missing
    /// file, out of order (exit 1 if anything is pending or wrong).
    Status(MigrateStatusArgs),
    /// Mark every migration up to VERSION as applied without running it, once a replay of
    /// those files shows that the database holds what they create.
    Baseline(MigrateBaselineArgs),
    /// Re-record the checksums of edited files, or remove the rows of deleted ones.
    Repair(MigrateRepairArgs),
    /// Which migration tools left their tracking tables in a database, what they applied and
    /// when; with --dir, which files were never applied (exit 1 on findings).
    History(MigrateHistoryArgs),
}

/// The databases a migrate command runs on.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// A database (postgres:// URL, key=value pairs, or env:NAME); repeatable.
    #[arg(long = "url", value_name = "URL")]
    pub urls: Vec<String>,
    /// A file listing databases, one connection string per line (# starts a comment).
    #[arg(long, value_name = "FILE")]
    pub urls_from: Option<PathBuf>,
    /// A server whose databases matching --databases are targets.
    #[arg(long, value_name = "URL", requires = "databases")]
    pub server: Option<String>,
    /// With --server: the databases to run on, by name (glob: * and ?); repeatable.
    #[arg(long, value_name = "PATTERN", requires = "server")]
    pub databases: Vec<String>,
    /// With --role: the fleet configuration (default: pgdrift.toml in the current directory).
    #[arg(long, value_name = "FILE", requires = "role")]
    pub config: Option<PathBuf>,
    /// Every database playing role NAME of the fleet configuration, on its servers: those
    /// its `databases` patterns match and those its `databases_from` registry lists.
    #[arg(long, value_name = "NAME")]
    pub role: Option<String>,
}

/// The migrations directory.
#[derive(Debug, Args)]
pub struct DirArgs {
    /// The migrations directory (plain numbered files, Flyway, golang-migrate, sqlx,
    /// dbmate, Prisma or Drizzle layout).
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
    /// The directory's format, when detection guesses wrong.
    #[arg(long, value_name = "FORMAT", value_parser = dir_format_names())]
    pub format_dir: Option<String>,
    /// Leave out the directory's files (or subdirectories) matching GLOB, by name or by
    /// path relative to the directory (`'*.sql.old'`); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub ignore: Vec<String>,
}

/// Several databases at once.
#[derive(Debug, Args)]
pub struct FleetArgs {
    /// At most N databases at a time.
    #[arg(long, short = 'j', value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: u16,
    /// Stop starting databases once one fails.
    #[arg(long)]
    pub fail_fast: bool,
    /// Only shard K of N: a stable share of the databases (by a hash of server `host:port`
    /// and database name), so that N machines together cover each database once.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<pgdrift::fleet::shard::Shard>,
}

#[derive(Debug, Args)]
pub struct MigrateApplyArgs {
    #[command(flatten)]
    pub dir: DirArgs,
    #[command(flatten)]
    pub targets: TargetArgs,
    #[command(flatten)]
    pub fleet: FleetArgs,
    /// Print what would run; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Stop after this migration (its file name or version).
    #[arg(long, value_name = "VERSION")]
    pub to: Option<String>,
    /// Run even though applied files changed since they ran.
    #[arg(long)]
    pub allow_modified: bool,
    /// Run even though files of applied migrations are gone.
    #[arg(long)]
    pub allow_missing: bool,
    /// Apply files older than the newest applied migration.
    #[arg(long)]
    pub allow_out_of_order: bool,
    /// lock_timeout for the migrations' statements, in seconds (0: none).
    #[arg(long, value_name = "SECONDS", default_value = "10")]
    pub lock_timeout: Seconds,
    /// statement_timeout for each statement, in seconds (0: none).
    #[arg(long, value_name = "SECONDS", default_value = "3600")]
    pub statement_timeout: Seconds,
    /// How long to wait for another pgdrift runner on the same database, in seconds.
    #[arg(long, value_name = "SECONDS", default_value = "600")]
    pub lock_wait: Seconds,
    /// Also write each file's row in this tool's table, as the tool itself would, in the
    /// same transaction (so the team can switch between pgdrift and the tool).
    #[arg(long, value_name = "TOOL", value_parser = record_tool_names(false))]
    pub record_for: Option<String>,
    /// With --record-for alembic: the directory of Alembic's revision files.
    #[arg(long, value_name = "DIR", requires = "record_for")]
    pub revisions: Option<PathBuf>,
    /// Run even though another migration tool manages the database and pgdrift has
    /// recorded nothing there (adopt it with `migrate baseline` instead).
    #[arg(long)]
    pub ignore_other_tools: bool,
    /// Before a database with pending migrations is touched, write the tables they alter,
    /// drop, truncate, rename or change rows of (definition and rows) to
    /// DIR/<server>/<database>-<UTC time>.sql, restorable with psql; a database whose
    /// backup fails is not migrated.
    #[arg(long, value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,
    /// Back up with this shell command instead (once per database with pending
    /// migrations): {url}, {database}, {server} and {dir} (--backup-dir) are replaced by
    /// shell-quoted values; a non-zero exit leaves the database unmigrated.
    #[arg(long, value_name = "COMMAND", requires = "backup_dir")]
    pub backup_command: Option<String>,
    /// After each database's run, compare its schema with the one the directory's
    /// migrations build (replayed once on the scratch server): all applied but different
    /// is a failure.
    #[arg(long)]
    pub verify: bool,
    #[command(flatten)]
    pub rollout: RolloutArgs,
    /// Output: text, json (format_version 1) or jsonl (a line per database as it finishes,
    /// then a summary line).
    #[arg(long, short = 'f', value_enum, default_value_t = ApplyFormat::Text)]
    pub format: ApplyFormat,
}

/// How `migrate apply` rolls out over many databases.
#[derive(Debug, Args)]
pub struct RolloutArgs {
    /// Run these databases first, alone: the first N, or names or globs (a,b,tenant_1*).
    #[arg(long, value_name = "N|NAMES", value_parser = pgdrift::fleet::rollout::Canary::parse)]
    pub canary: Option<pgdrift::fleet::rollout::Canary>,
    /// Then run the others in waves of N databases or P% of them.
    #[arg(long, value_name = "N|P%", value_parser = pgdrift::fleet::rollout::Share::parse_wave_size)]
    pub wave_size: Option<pgdrift::fleet::rollout::Share>,
    /// Start no new wave once more databases failed than N or P% of them (0: any failure).
    #[arg(long, value_name = "N|P%", default_value = "0", value_parser = pgdrift::fleet::rollout::Share::parse_max_failures)]
    pub max_failures: pgdrift::fleet::rollout::Share,
    /// Run through the waves without asking between them.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Retry a migration that timed out waiting for a lock (and was rolled back) N times,
    /// after 1 s, 2 s, 4 s, ... (at most 30 s).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub lock_retries: u32,
    /// Run only the databases that failed in the previous run of this directory's rollout.
    #[arg(long)]
    pub only_failed: bool,
    /// Where each run records which databases failed, for --only-failed (default:
    /// rollouts.json in $PGDRIFT_STATE_DIR or ~/.local/state/pgdrift).
    #[arg(long, value_name = "FILE")]
    pub state_file: Option<PathBuf>,
    /// Also write an HTML report of the rollout to FILE.
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApplyFormat {
    Text,
    Json,
    Jsonl,
}

#[derive(Debug, Args)]
pub struct MigrateStatusArgs {
    #[command(flatten)]
    pub dir: DirArgs,
    #[command(flatten)]
    pub targets: TargetArgs,
    #[command(flatten)]
    pub fleet: FleetArgs,
    /// Output: text or json (format_version 1).
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct MigrateBaselineArgs {
    #[command(flatten)]
    pub dir: DirArgs,
    #[command(flatten)]
    pub targets: TargetArgs,
    #[command(flatten)]
    pub fleet: FleetArgs,
    /// The last migration the database already has (its file name or version; with
    /// --tool alembic also its revision id or revision file).
    #[arg(long, value_name = "VERSION")]
    pub version: String,
    /// Whose history to write: the rows this tool itself would have written, in its table.
    #[arg(long, value_name = "TOOL", default_value = "pgdrift", value_parser = record_tool_names(true))]
    pub tool: String,
    /// With --tool alembic: the directory of Alembic's revision files, one per SQL file.
    #[arg(long, value_name = "DIR")]
    pub revisions: Option<PathBuf>,
    /// Record the baseline even when the evidence says the database lacks what it claims.
    #[arg(long)]
    pub force: bool,
    /// Show the evidence and what would be recorded; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// How long to wait for another pgdrift runner on the same database, in seconds.
    #[arg(long, value_name = "SECONDS", default_value = "600")]
    pub lock_wait: Seconds,
    /// Replay the files on this server instead of pgdrift's private one (needs CREATEDB).
    #[arg(long, value_name = "URL")]
    pub dev_url: Option<String>,
    /// Output: text or json (format_version 1).
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct MigrateRepairArgs {
    #[command(flatten)]
    pub dir: DirArgs,
    /// The database.
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// Record the current checksums of files edited since they were applied.
    #[arg(long)]
    pub checksums: bool,
    /// Remove the rows of applied migrations whose files are gone.
    #[arg(long)]
    pub remove_missing: bool,
    /// Make the listed changes without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// How long to wait for another pgdrift runner on the same database, in seconds.
    #[arg(long, value_name = "SECONDS", default_value = "600")]
    pub lock_wait: Seconds,
    /// Output: text or json (format_version 1).
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct MigrateHistoryArgs {
    /// The database.
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// A migrations directory to compare with the history of the tool it belongs to.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// With --dir: leave out its files matching GLOB, by name or by path relative to the
    /// directory (`'*.sql.old'`); repeatable.
    #[arg(long, value_name = "GLOB", requires = "dir")]
    pub ignore: Vec<String>,
    /// Output: text or json (format_version 1).
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
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
    /// A table or column FROM calls by another name: SCHEMA.TABLE=NEW_NAME or
    /// SCHEMA.TABLE.COLUMN=NEW_NAME (the table by its name in TO); repeatable. The plan
    /// renames it, keeping its data, instead of dropping it and creating another. SQL sources
    /// can say the same with a `-- pgdrift:renamed from=OLD` comment.
    #[arg(long, value_name = "HINT")]
    pub rename: Vec<pgdrift::plan::renames::Rename>,
    /// Report objects whose owner differs (owners are ignored by default).
    #[arg(long)]
    pub compare_owners: bool,
    /// Compare migration tools' tracking tables too (pgdrift.migrations, Drizzle's,
    /// Alembic's, homegrown logs...); a plan still never changes them.
    #[arg(long)]
    pub include_trackers: bool,
    /// lock_timeout the script sets, in seconds: how long a step may wait for a lock.
    #[arg(long, value_name = "SECONDS", default_value = "5")]
    pub lock_timeout: Seconds,
    /// statement_timeout the script sets, in seconds (0: none).
    #[arg(long, value_name = "SECONDS", default_value = "0")]
    pub step_timeout: Seconds,
    /// With -f sql: guard every step (a DO block that tests the script's journal,
    /// pgdrift.script_units, and the catalog; IF NOT EXISTS for concurrent index builds), so
    /// the script can run again after a failure half-way and runs no DDL the second time.
    #[arg(long)]
    pub idempotent: bool,
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
    /// Output format: text (a summary), markdown (the summary with every table, for a pull
    /// request or a wiki) or json (the whole catalog, format_version 1).
    #[arg(long, short = 'f', value_enum, default_value_t = InspectFormat::Text)]
    pub format: InspectFormat,
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
    /// statement_timeout for each catalog query, in seconds (0: none).
    #[arg(long, value_name = "SECONDS", default_value = "300")]
    pub statement_timeout: Seconds,
    /// Replay SQL into a throwaway database on this server instead of pgdrift's own private
    /// server (needs CREATEDB; the database is dropped afterwards, also on errors and Ctrl-C).
    #[arg(long, value_name = "URL")]
    pub dev_url: Option<String>,
    /// The format of a migrations directory, when detection guesses wrong.
    #[arg(long, value_name = "FORMAT", value_parser = dir_format_names())]
    pub format_dir: Option<String>,
    /// Leave out the files of a migrations directory matching GLOB, by name or by path
    /// relative to the directory (`'*.sql.old'`); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub ignore: Vec<String>,
    /// Accept a cmd: source that prints no SQL as an empty schema (without it, that is an
    /// error: an empty desired schema would make everything something to drop).
    #[arg(long)]
    pub allow_empty_source: bool,
    /// Replay even when the result of the same SQL is cached (and do not cache it).
    #[arg(long)]
    pub no_cache: bool,
    /// Who writes stored expressions (defaults, checks, index expressions) back as SQL:
    /// pgdrift on big catalogs (auto), always pgdrift (client), or the server's pg_get_expr
    /// (server: slower on big catalogs, and it briefly locks each table it deparses for).
    #[arg(long, value_name = "WHO", default_value = "auto")]
    pub deparse: DeparseChoice,
}

/// A number of seconds from the command line, checked once for every option that takes
/// one (`pgdrift::limits::seconds`): infinity, NaN, negative numbers, values past
/// PostgreSQL's largest timeout and fractions of a millisecond are refused (exit 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seconds(pub std::time::Duration);

impl std::str::FromStr for Seconds {
    type Err = String;

    fn from_str(text: &str) -> Result<Seconds, String> {
        pgdrift::limits::parse_seconds(text).map(Seconds)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeparseChoice {
    Auto,
    Client,
    Server,
}

/// The tools `--tool` (with pgdrift) and `--record-for` (without) take.
fn record_tool_names(with_own: bool) -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        pgdrift::migrate::record::RECORDERS
            .iter()
            .filter(move |r| with_own || !r.own)
            .map(|r| r.id),
    )
}

fn dir_format_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(pgdrift::source::dir::FORMATS.iter().map(|f| f.name))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The plan: a file written by `pgdrift diff FROM TO -f sql -o FILE`.
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,
    /// The database to apply it to (postgres:// URL, key=value pairs, or env:NAME).
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// Check the database against the plan and list its steps; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Apply a plan whose text changed after pgdrift wrote it (its checksum no longer matches).
    #[arg(long)]
    pub allow_edited: bool,
    /// lock_timeout for each step, in seconds, overriding the plan's own setting: a step
    /// that waits longer for a lock is rolled back and tried again after a pause (see
    /// --lock-retries).
    #[arg(long, value_name = "SECONDS")]
    pub lock_timeout: Option<Seconds>,
    /// How many times a step (or its transaction) that timed out waiting for a lock is tried
    /// again, each after a longer pause.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub lock_retries: u32,
    /// statement_timeout for each statement, in seconds (0: none), overriding the plan's.
    #[arg(long, value_name = "SECONDS")]
    pub statement_timeout: Option<Seconds>,
    /// How long to wait for another pgdrift runner on the same database, in seconds.
    #[arg(long, value_name = "SECONDS", default_value = "600")]
    pub lock_wait: Seconds,
    /// Output: text or json (format_version 1).
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// The database (postgres:// URL, key=value pairs, or env:NAME); left out with --config.
    #[arg(value_name = "DATABASE", required_unless_present = "config")]
    pub database: Option<String>,
    /// Every database of the fleet this pgdrift.toml describes, one section each.
    #[arg(long, short = 'c', value_name = "FILE", conflicts_with = "database")]
    pub config: Option<PathBuf>,
    /// Only what happened on or after this date or time (`2026-12-01`, `2026-12-01 14:00`).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Output: text, markdown (fit to commit as the change log) or json.
    #[arg(long, short = 'f', value_enum, default_value_t = LogFormat::Text)]
    pub format: LogFormat,
    /// Write the log to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Markdown,
    Json,
}
