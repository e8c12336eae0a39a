//! Plain numbered SQL files (`001_init.sql`, `20240101120000_add_users.sql`; also sqlx's plain
//! `<version>_<name>.sql`): applied in the order of their numeric prefix, then of their full
//! name, which is the version, so two files with the same date prefix never collide.

use super::{
    first_line_says_no_transaction, numeric_prefix, DirError, DirFormat, Listing, Migration,
    MigrationKind,
};

pub(super) fn detect(l: &Listing) -> bool {
    l.files.iter().any(|f| f.ends_with(".sql"))
}

pub(super) fn read(l: &Listing) -> Result<Vec<Migration>, DirError> {
    if let Some(dir) = l.dirs.first() {
        return Err(l.unexpected(dir, DirFormat::Plain));
    }
    let mut items = Vec::new();
    for name in &l.files {
        let Some(stem) = name.strip_suffix(".sql") else {
            return Err(l.unexpected(name, DirFormat::Plain));
        };
        let Some(number) = numeric_prefix(name) else {
            return Err(DirError::invalid(
                &l.path(name),
                "a file of a plain migrations directory starts with its number (001_create.sql, 20240101120000_create.sql); rename it, or pass the file alone",
            ));
        };
        let sql = l.read_file(name)?;
        items.push((
            number,
            Migration {
                version: name.clone(),
                description: describe(stem.trim_start_matches(|c: char| c.is_ascii_digit())),
                path: l.path(name),
                no_transaction: first_line_says_no_transaction(&sql),
                sql,
                kind: MigrationKind::Versioned,
            },
        ));
    }
    items.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.version.cmp(&b.1.version)));
    Ok(items.into_iter().map(|(_, m)| m).collect())
}

/// `_add_users` -> `add users`.
pub(super) fn describe(rest: &str) -> String {
    rest.trim_start_matches(['_', '-', '.', ' '])
        .replace(['_', '-'], " ")
}
