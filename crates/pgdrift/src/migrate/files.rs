//! The files of a migrations directory as pgdrift's runner tracks them: each one named by its
//! path inside the directory (the full file name, never a prefix), with the SHA-256 of its
//! exact bytes, in the order its directory's tool applies them.

pub use super::history::sha256_hex;
use crate::source::dir::{DirError, Migration, MigrationDir, MigrationKind};
use std::path::Path;

/// A migration file, ready to be compared with the tracking table or run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationFile {
    /// The file's path relative to the directory, `/`-separated: what the tracking table
    /// records as its version.
    pub version: String,
    pub description: String,
    /// Lowercase hex SHA-256 of the file's bytes.
    pub checksum: String,
    /// The file's text as it is on disk.
    pub script: String,
    pub migration: Migration,
}

impl MigrationFile {
    pub fn kind(&self) -> MigrationKind {
        self.migration.kind
    }

    pub fn no_transaction(&self) -> bool {
        self.migration.no_transaction
    }

    /// Whether `wanted` names this file: its version, its file name, or its tool's own
    /// version (`1.2` for Flyway, a Prisma directory name, a Drizzle tag).
    pub fn answers_to(&self, wanted: &str) -> bool {
        let file_name = self.version.rsplit('/').next().unwrap_or(&self.version);
        self.version == wanted || file_name == wanted || self.migration.version == wanted
    }
}

/// The files of `dir`, in the order they apply, with their checksums.
pub fn files(dir: &MigrationDir) -> Result<Vec<MigrationFile>, DirError> {
    dir.migrations.iter().map(|m| file(&dir.path, m)).collect()
}

fn file(root: &Path, migration: &Migration) -> Result<MigrationFile, DirError> {
    let bytes = crate::source::file::read(&migration.path).map_err(|e| DirError::Io {
        path: migration.path.clone(),
        reason: e.to_string(),
    })?;
    let relative = migration
        .path
        .strip_prefix(root)
        .unwrap_or(&migration.path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    Ok(MigrationFile {
        version: relative,
        description: migration.description.clone(),
        checksum: sha256_hex(&bytes),
        script: String::from_utf8_lossy(&bytes).into_owned(),
        migration: migration.clone(),
    })
}

/// The position of the one file `wanted` names, or why there is none.
pub fn find(files: &[MigrationFile], wanted: &str) -> Result<usize, String> {
    let hits: Vec<usize> = (0..files.len())
        .filter(|&i| files[i].answers_to(wanted))
        .collect();
    match hits.as_slice() {
        [one] => Ok(*one),
        [] => {
            let prefixed: Vec<usize> = (0..files.len())
                .filter(|&i| files[i].version.starts_with(wanted))
                .collect();
            match prefixed.as_slice() {
                [one] => Ok(*one),
                [] => Err(format!("no migration file is named {wanted}")),
                many => Err(ambiguous(files, wanted, many)),
            }
        }
        many => Err(ambiguous(files, wanted, many)),
    }
}

fn ambiguous(files: &[MigrationFile], wanted: &str, hits: &[usize]) -> String {
    let names: Vec<&str> = hits.iter().map(|&i| files[i].version.as_str()).collect();
    format!(
        "{wanted} names several migration files ({}); give the full file name",
        names.join(", ")
    )
}
