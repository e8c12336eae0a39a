//! What one row of [`super::TRACKERS`] says about a tool: where its tracking table lives,
//! how to recognise the table's layout, the query fragments that read it into common rows,
//! how its rows are keyed against files, and which of its checksums can be recomputed.

use super::detect::Candidate;
use super::AppliedRow;
use crate::migrate::Migration;
use crate::source::dir::DirFormat;
use std::path::Path;

/// A migration tool's tracking table, and how to read and compare it.
#[derive(Debug)]
pub struct Tracker {
    /// A short stable id, as JSON and `tool_for_dir` name it (`golang-migrate`).
    pub id: &'static str,
    /// The tool's name as people write it (`golang-migrate`, `Drizzle`).
    pub name: &'static str,
    /// The tracking table's name (unquoted).
    pub table: &'static str,
    /// The schema the tool uses unless configured otherwise (every schema is searched).
    pub default_schema: &'static str,
    /// Tables the tool keeps beside its tracking table, in the same schema.
    pub companions: &'static [&'static str],
    /// True when other software commonly uses the same table name (`migrations`): a table
    /// of that name that no tracker recognises is then not reported as unknown.
    pub generic_name: bool,
    /// True when the candidate table (its columns, their types, its companions) is this
    /// tool's. Trackers of the same table name are tried in table order.
    pub recognize: fn(&Candidate) -> bool,
    /// The select list that reads one row as, in order: version (the tool's key), description,
    /// file, checksum, applied_at (`YYYY-MM-DD HH24:MI:SS`), status (a [`super::RowStatus`]
    /// name); all text. May begin with `DISTINCT ON (...)`.
    pub select: &'static str,
    /// A boolean expression: the row is a repeatable migration (pgdrift's and Flyway's).
    pub repeatable: &'static str,
    /// The ORDER BY list: the tool's own order of applying.
    pub order: &'static str,
    /// What the rows record.
    pub record: Record,
    /// Where row times come from.
    pub time: TimeSource,
    /// How files of a migrations directory are found and keyed.
    pub files: Files,
    /// The key of a row, comparable with the keys of files (`None`: matches no file).
    pub row_key: fn(&AppliedRow) -> Option<String>,
    /// Whether recorded checksums can be recomputed from files.
    pub checksum: Checksum,
    /// Drizzle's rule: only files whose key (a time in ms) is newer than the newest row's
    /// key are ever applied; older unapplied files are silently skipped.
    pub watermark: bool,
    /// Flyway's rule: a baseline row stands for every version up to its own.
    pub baseline_covers_older: bool,
    /// Keys are `scope.name` (Django's `app.name`): rows of scopes that no file of the
    /// directory has are not expected to have files there.
    pub scoped_keys: bool,
}

/// What a tool's rows record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// One row per migration run (most tools).
    Ledger,
    /// One row: the current version; every version up to it counts as applied
    /// (golang-migrate).
    Current,
    /// The current head revision(s) of a revision graph (Alembic).
    Heads,
}

/// Where the time of a row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSource {
    /// A column the tool fills when it applies the migration.
    Applied,
    /// Only the migration's own stamp (its creation time or a timestamp in its version):
    /// it says when the migration was written, not when it ran.
    Stamp,
    /// Nothing: revision ids carry no time (Alembic).
    None,
}

/// How a migrations directory's files are found, and the key each file has.
#[derive(Debug, Clone, Copy)]
pub enum Files {
    /// SQL migrations read by [`crate::source::dir::read_dir`], in one of `formats` (empty: any).
    Sql {
        formats: &'static [DirFormat],
        key: fn(&SqlFile<'_>) -> Option<String>,
    },
    /// Files of any kind found under the directory: those `key` gives a key are migrations.
    Names(fn(&FileName<'_>) -> Option<String>),
    /// Alembic's revision files, ordered by their `down_revision` chain.
    AlembicChain,
    /// A homegrown runner's files: SQL files matched by number, full name or stem,
    /// whichever matches the rows best.
    Homegrown,
}

/// A migration read from a SQL directory, as its key rule sees it.
#[derive(Debug)]
pub struct SqlFile<'a> {
    pub migration: &'a Migration,
    /// The path relative to the directory, with `/` separators.
    pub rel: &'a str,
    /// Drizzle: the journal's `when` (ms) for this file.
    pub journal_when: Option<i64>,
}

/// A file under a migrations directory, as a name-based key rule sees it.
#[derive(Debug)]
pub struct FileName<'a> {
    /// The path relative to the directory, with `/` separators.
    pub rel: &'a str,
    /// The file's absolute path (the directory canonicalised), for rules that need the
    /// names of directories above it (Django's app).
    pub path: &'a Path,
}

impl FileName<'_> {
    /// The last component of the path.
    pub fn name(&self) -> &str {
        self.rel.rsplit('/').next().unwrap_or(self.rel)
    }

    /// True when the file lies directly in the directory.
    pub fn top_level(&self) -> bool {
        !self.rel.contains('/')
    }

    /// The file name without its extension, when the extension is one of `exts`.
    pub fn stem_with(&self, exts: &[&str]) -> Option<&str> {
        let name = self.name();
        exts.iter()
            .find_map(|ext| name.strip_suffix(ext)?.strip_suffix('.'))
    }
}

/// Which checksums can be recomputed from files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    /// Lowercase hex SHA-256 of the file's bytes.
    Sha256,
    /// Hex SHA-256 of the file's bytes, or of the bytes with CRLF line ends made LF
    /// (Prisma accepts either).
    Sha256AnyLineEnds,
    /// Hex SHA-384 of the file's bytes (sqlx).
    Sha384,
    /// Flyway's CRC32 over the file's lines, as a signed integer.
    FlywayCrc32,
    /// Cannot be compared; the reason, for people.
    NotComparable(&'static str),
}

impl Checksum {
    /// The checksum of `bytes` in the recorded form, or `None` when not comparable.
    pub fn compute(self, bytes: &[u8]) -> Option<String> {
        use super::checksum::{flyway_crc32, sha256_hex, sha384_hex};
        match self {
            Checksum::Sha256 | Checksum::Sha256AnyLineEnds => Some(sha256_hex(bytes)),
            Checksum::Sha384 => Some(sha384_hex(bytes)),
            Checksum::FlywayCrc32 => Some(flyway_crc32(bytes).to_string()),
            Checksum::NotComparable(_) => None,
        }
    }

    /// True when `recorded` is the checksum of `bytes`.
    pub fn matches(self, bytes: &[u8], recorded: &str) -> bool {
        let same = |computed: Option<String>| {
            computed.is_some_and(|c| c.eq_ignore_ascii_case(recorded.trim()))
        };
        match self {
            Checksum::Sha256AnyLineEnds => {
                same(self.compute(bytes)) || same(self.compute(&super::checksum::crlf_to_lf(bytes)))
            }
            _ => same(self.compute(bytes)),
        }
    }
}
