//! Migrations directories: one reader per tool's layout (`FORMATS`), detection by the files
//! a directory holds, and the ordered list of migrations each yields, in the order its own
//! tool applies them. A file that matches no rule of its format is an error that names it,
//! unless an ignore glob (`ignore`) leaves it out; so is an entry that is neither a regular
//! file nor a directory (a FIFO would make reading it wait forever).

mod dbmate;
mod drizzle;
mod flyway;
mod ignore;
mod plain;
mod prisma;
mod updown;

pub use ignore::{Ignore, IgnoreError};
use std::path::{Path, PathBuf};

/// A directory layout of some migration tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirFormat {
    Plain,
    Flyway,
    UpDown,
    Dbmate,
    Prisma,
    Drizzle,
}

/// What a format is called, how to recognize it, how to read it.
#[derive(Debug)]
pub struct FormatInfo {
    pub format: DirFormat,
    /// The name `--format-dir` takes.
    pub name: &'static str,
    /// The tools whose layout this is.
    pub tools: &'static str,
    detect: fn(&Listing) -> bool,
    read: fn(&Listing) -> Result<Vec<Migration>, DirError>,
}

/// Every format, in the order detection tries them (most specific first).
pub const FORMATS: &[FormatInfo] = &[
    FormatInfo {
        format: DirFormat::Drizzle,
        name: "drizzle",
        tools: "Drizzle (meta/_journal.json)",
        detect: drizzle::detect,
        read: drizzle::read,
    },
    FormatInfo {
        format: DirFormat::Prisma,
        name: "prisma",
        tools: "Prisma (<timestamp>_<name>/migration.sql)",
        detect: prisma::detect,
        read: prisma::read,
    },
    FormatInfo {
        format: DirFormat::Flyway,
        name: "flyway",
        tools: "Flyway (V<version>__<description>.sql, R__<description>.sql)",
        detect: flyway::detect,
        read: flyway::read,
    },
    FormatInfo {
        format: DirFormat::UpDown,
        name: "up-down",
        tools: "golang-migrate and sqlx (<version>_<name>.up.sql / .down.sql)",
        detect: updown::detect,
        read: updown::read,
    },
    FormatInfo {
        format: DirFormat::Dbmate,
        name: "dbmate",
        tools: "dbmate (-- migrate:up / -- migrate:down sections)",
        detect: dbmate::detect,
        read: dbmate::read,
    },
    FormatInfo {
        format: DirFormat::Plain,
        name: "plain",
        tools: "numbered .sql files (001_x.sql, 20240101_x.sql; also sqlx's plain files)",
        detect: plain::detect,
        read: plain::read,
    },
];

impl DirFormat {
    pub fn info(self) -> &'static FormatInfo {
        FORMATS
            .iter()
            .find(|f| f.format == self)
            .expect("every format has a row")
    }

    /// The format called `name` (as `--format-dir` takes it).
    pub fn from_name(name: &str) -> Option<DirFormat> {
        FORMATS.iter().find(|f| f.name == name).map(|f| f.format)
    }
}

/// Whether a migration runs once (versioned) or whenever its content changes (repeatable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationKind {
    Versioned,
    Repeatable,
}

/// One migration, ready to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// What identifies it: the full file name for plain directories, the tool's own version
    /// otherwise (`1.2` for Flyway, the directory name for Prisma, the tag for Drizzle).
    pub version: String,
    pub description: String,
    /// The file it comes from.
    pub path: PathBuf,
    /// The SQL to apply. Parts of the file that are not to be applied (a dbmate down
    /// section) are blanked out, keeping lines and columns where they are in the file.
    pub sql: String,
    pub kind: MigrationKind,
    /// Runs outside a transaction (`-- pgdrift:no-transaction`, or the tool's own directive).
    pub no_transaction: bool,
}

/// A migrations directory, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationDir {
    pub path: PathBuf,
    pub format: DirFormat,
    pub migrations: Vec<Migration>,
}

/// Why a directory could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DirError {
    #[error("cannot read {}: {reason}", path.display())]
    Io { path: PathBuf, reason: String },
    #[error("{}: {reason}", path.display())]
    Invalid { path: PathBuf, reason: String },
    #[error("{}: no migrations found (looked for {})", path.display(), formats())]
    Empty { path: PathBuf },
}

fn formats() -> String {
    FORMATS
        .iter()
        .map(|f| f.tools)
        .collect::<Vec<_>>()
        .join("; ")
}

impl DirError {
    pub(crate) fn invalid(path: &Path, reason: impl Into<String>) -> DirError {
        DirError::Invalid {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }
}

/// The entries of a directory, read once: files and subdirectories by name, sorted.
#[derive(Debug)]
pub(crate) struct Listing {
    pub root: PathBuf,
    pub files: Vec<String>,
    pub dirs: Vec<String>,
}

impl Listing {
    fn read(root: &Path, ignore: &Ignore) -> Result<Listing, DirError> {
        let io = |e: std::io::Error| DirError::Io {
            path: root.to_path_buf(),
            reason: e.to_string(),
        };
        let mut files = Vec::new();
        let mut dirs = Vec::new();
        for entry in std::fs::read_dir(root).map_err(io)? {
            let entry = entry.map_err(io)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            // Hidden files (.gitkeep, .DS_Store) and notes (README.md) are never migrations.
            if name.starts_with('.') || name.to_ascii_lowercase().ends_with(".md") {
                continue;
            }
            // Links are followed: a link to a file is that file.
            let path = entry.path();
            let meta = std::fs::metadata(&path).map_err(|e| DirError::Io {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            let is_dir = meta.is_dir();
            if ignore.matches(&name, is_dir) {
                continue;
            }
            if let Some(what) = crate::source::file::irregular(&meta).filter(|_| !is_dir) {
                return Err(DirError::invalid(
                    &path,
                    format!(
                        "not a regular file ({what}): pgdrift reads migrations from regular files only; move it out, or leave it out with --ignore {}",
                        ignore::suggestion(&name)
                    ),
                ));
            }
            if is_dir {
                dirs.push(name);
            } else {
                files.push(name);
            }
        }
        files.sort();
        dirs.sort();
        Ok(Listing {
            root: root.to_path_buf(),
            files,
            dirs,
        })
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    pub fn read_file(&self, name: &str) -> Result<String, DirError> {
        let path = self.path(name);
        crate::source::file::read_to_string(&path).map_err(|e| DirError::Io {
            path,
            reason: e.to_string(),
        })
    }

    pub fn unexpected(&self, name: &str, format: DirFormat) -> DirError {
        DirError::invalid(
            &self.path(name),
            format!(
                "not a migration of this {} directory ({}); move it out, fix its name, or leave it out with --ignore {}",
                format.info().name,
                format.info().tools,
                ignore::suggestion(name)
            ),
        )
    }
}

/// The pgdrift directive, and the tool directives that mean the same, on a file's first line
/// (a byte order mark before it is not part of it).
pub fn first_line_says_no_transaction(sql: &str) -> bool {
    let first = without_bom(sql)
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    first == crate::source::replay::NO_TRANSACTION || first == "-- no-transaction"
}

/// `text` without the byte order mark an editor may have put first.
pub(crate) fn without_bom(text: &str) -> &str {
    text.strip_prefix(crate::sql::split::BOM).unwrap_or(text)
}

/// Leading digits of `name` as a number, for ordering (`None` when it has none).
pub(crate) fn numeric_prefix(name: &str) -> Option<u128> {
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Reads the migrations directory at `path`, in `format` or the one its files show; entries
/// `ignore` matches are left out (neither migrations nor errors).
pub fn read_dir(
    path: &Path,
    format: Option<DirFormat>,
    ignore: &Ignore,
) -> Result<MigrationDir, DirError> {
    let listing = Listing::read(path, ignore)?;
    let info = match format {
        Some(f) => f.info(),
        None => FORMATS
            .iter()
            .find(|f| (f.detect)(&listing))
            .ok_or_else(|| DirError::Empty {
                path: path.to_path_buf(),
            })?,
    };
    let migrations = (info.read)(&listing)?;
    if migrations.is_empty() {
        return Err(DirError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(MigrationDir {
        path: path.to_path_buf(),
        format: info.format,
        migrations,
    })
}

#[cfg(test)]
mod tests;
