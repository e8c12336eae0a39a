//! Migration history forensics: the tracking tables that migration tools (pgdrift itself,
//! Drizzle, Prisma, Flyway, Alembic, sqlx, refinery, golang-migrate, dbmate, Rails, goose,
//! Knex, Sequelize, TypeORM, Django, EF Core, Liquibase, Atlas, Sqitch) leave in a database,
//! read without writing anything, compared with a migrations directory, and a verdict on
//! which tool really manages the database.
//!
//! Everything tool-specific is one row of [`TRACKERS`]: the table, how to recognise its
//! layout, how to read it into [`AppliedRow`]s, and how to match rows with files. The rest
//! of this module is generic: `detect` finds candidate tables with one catalog query, `read`
//! reads each recognised table with one query, `files` compares with a directory, `verdict`
//! decides who manages the database.

mod alembic;
mod checksum;
mod compare;
mod detect;
mod files;
mod homegrown;
mod homegrown_files;
mod keys;
mod read;
mod summary;
mod tools;
mod tracker;
mod verdict;
mod walk;

use std::path::PathBuf;

pub(crate) use alembic::parse as alembic_revision;
pub use checksum::{flyway_crc32, sha256_hex, sha384_hex};
pub use compare::{compare_dir, compare_dir_with, ChecksumMismatch, DirComparison, FileRef};
pub use detect::{recognize, Candidate, Recognized, COMPANIONS};
pub use homegrown::{name_reads_like_log, Layout};
pub use read::{read_history, read_history_in_transaction, unreadable_because, Unreadable};
pub use tools::TRACKERS;
pub use tracker::{Checksum, FileName, Files, Record, SqlFile, TimeSource, Tracker};
pub use verdict::Verdict;

/// Every tracking table found in a database.
#[derive(Debug, Clone, serde::Serialize)]
pub struct History {
    /// The database read.
    pub database: String,
    /// One entry per recognised tracking table, in schema and table order.
    pub trackers: Vec<ToolHistory>,
    /// Tables with a tracking table's name whose layout no tool in [`TRACKERS`] has.
    pub unrecognized: Vec<UnknownTable>,
}

/// What one tool's tracking table holds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ToolHistory {
    /// The tool's id (`drizzle`, `golang-migrate`, ...).
    pub tool: &'static str,
    /// The tool's name as people write it (`Drizzle`).
    pub tool_name: &'static str,
    /// The tracking table, `schema.name` (raw names, not quoted).
    pub table: String,
    pub schema: String,
    pub table_name: String,
    /// Whether the table keeps one row per migration (false: only the current version,
    /// as golang-migrate and Alembic keep).
    pub keeps_history: bool,
    /// Migrations whose latest row says applied (or baselined).
    pub applied: usize,
    /// The latest applied migration, in the tool's own order.
    pub latest: Option<String>,
    /// The newest time any row records (`YYYY-MM-DD HH:MM:SS`, UTC for time zone aware
    /// columns), or the time its version encodes when the tool records none.
    pub last_activity: Option<String>,
    /// True when `last_activity` comes from a migration's name or creation stamp, not from
    /// the time it was applied.
    pub last_activity_estimated: bool,
    /// Migrations whose latest row says failed, half-done or dirty.
    pub failed: Vec<AppliedRow>,
    /// Every row, in the tool's order.
    pub rows: Vec<AppliedRow>,
    /// Why the table could not be read (missing privileges), when it could not.
    pub unreadable: Option<Unreadable>,
    /// A homegrown log: which columns were read as what.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout: Option<Layout>,
    /// The tracker this came from (its behaviour, for comparisons).
    #[serde(skip)]
    pub tracker: &'static Tracker,
}

/// One row of a tracking table, in a form common to all tools.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AppliedRow {
    /// What the tool identifies the migration by: version, name, revision, file name.
    pub version: String,
    /// A description or name, when the tool records one besides `version`.
    pub description: Option<String>,
    /// The file the tool recorded (Flyway's script, Liquibase's changelog), when it does.
    pub file: Option<String>,
    /// The recorded checksum, as text (hex, or Flyway's signed integer).
    pub checksum: Option<String>,
    /// When it ran (`YYYY-MM-DD HH:MM:SS`), when the tool records it.
    pub applied_at: Option<String>,
    pub status: RowStatus,
    /// A repeatable migration (run again whenever its file changes).
    pub repeatable: bool,
    /// False for failed, dirty and half-applied rows.
    pub success: bool,
}

/// What a row says about its migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    Applied,
    /// Marked applied without running (a baseline, Liquibase's MARK_RAN).
    Baseline,
    /// Failed, or applied only in part.
    Failed,
    /// golang-migrate's dirty flag: a migration stopped half-way.
    Dirty,
    /// Rolled back or undone after it ran.
    RolledBack,
    /// goose's row for a migration taken down again.
    Unapplied,
    /// Not a migration: the tool's own bookkeeping (Flyway's schema creation, goose's 0).
    Marker,
}

impl RowStatus {
    /// Parses the status names the read queries produce.
    pub(crate) fn parse(s: &str) -> Option<RowStatus> {
        Some(match s {
            "applied" => RowStatus::Applied,
            "baseline" => RowStatus::Baseline,
            "failed" => RowStatus::Failed,
            "dirty" => RowStatus::Dirty,
            "rolled_back" => RowStatus::RolledBack,
            "unapplied" => RowStatus::Unapplied,
            "marker" => RowStatus::Marker,
            _ => return None,
        })
    }

    /// Applied or baselined: the tool considers the migration done.
    pub fn is_applied(self) -> bool {
        matches!(self, RowStatus::Applied | RowStatus::Baseline)
    }

    /// Failed or dirty: someone has to look.
    pub fn is_failure(self) -> bool {
        matches!(self, RowStatus::Failed | RowStatus::Dirty)
    }
}

/// A table with a tracking table's name whose layout no known tool has.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UnknownTable {
    /// `schema.name`.
    pub table: String,
    /// What it looks like: "unknown schema_migrations layout".
    pub note: String,
    /// `name type` of each column, in column order.
    pub columns: Vec<String>,
}

/// Why the history could not be read or compared. Each names the table or file at fault.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{target}: cannot start a read-only transaction: {reason}")]
    Begin { target: String, reason: String },
    #[error("{target}: cannot look for migration tracking tables: {reason}")]
    Detect { target: String, reason: String },
    #[error("{target}: cannot read {table} ({tool}'s tracking table): {reason}")]
    Read {
        target: String,
        table: String,
        tool: &'static str,
        reason: String,
    },
    #[error(transparent)]
    Dir(#[from] crate::source::dir::DirError),
    #[error("cannot read {}: {reason}", path.display())]
    Io { path: PathBuf, reason: String },
    #[error("{}: {reason}", path.display())]
    Invalid { path: PathBuf, reason: String },
}

impl HistoryError {
    fn io(path: &std::path::Path, e: &std::io::Error) -> HistoryError {
        HistoryError::Io {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }
    }

    fn invalid(path: &std::path::Path, reason: impl Into<String>) -> HistoryError {
        HistoryError::Invalid {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }
}

impl History {
    /// The tool histories of tool `id` (`flyway`, ...).
    pub fn tool<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a ToolHistory> {
        self.trackers.iter().filter(move |t| t.tool == id)
    }
}
