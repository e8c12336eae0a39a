//! Prisma Migrate: `<timestamp>_<name>/migration.sql` directories applied in name order, with
//! `migration_lock.toml` beside them.

use super::plain::describe;
use super::{
    first_line_says_no_transaction, DirError, DirFormat, Listing, Migration, MigrationKind,
};

const LOCK: &str = "migration_lock.toml";

pub(super) fn detect(l: &Listing) -> bool {
    l.files.iter().any(|f| f == LOCK)
        || l.dirs
            .iter()
            .any(|d| l.path(d).join("migration.sql").exists())
}

pub(super) fn read(l: &Listing) -> Result<Vec<Migration>, DirError> {
    if let Some(file) = l.files.iter().find(|f| *f != LOCK) {
        return Err(l.unexpected(file, DirFormat::Prisma));
    }
    let mut out = Vec::new();
    for dir in &l.dirs {
        let path = l.path(dir).join("migration.sql");
        let sql = crate::source::file::read_to_string(&path).map_err(|e| {
            if path.exists() {
                DirError::Io {
                    path: path.clone(),
                    reason: e.to_string(),
                }
            } else {
                DirError::invalid(
                    &l.path(dir),
                    "a Prisma migration directory holds a migration.sql; this one has none",
                )
            }
        })?;
        let description = dir.split_once('_').map_or("", |(_, rest)| rest);
        out.push(Migration {
            version: dir.clone(),
            description: describe(description),
            path,
            no_transaction: first_line_says_no_transaction(&sql),
            sql,
            kind: MigrationKind::Versioned,
        });
    }
    Ok(out)
}
