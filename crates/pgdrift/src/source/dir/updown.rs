//! golang-migrate and sqlx reversible migrations: `<version>_<name>.up.sql` applied in
//! numeric version order; `.down.sql` files are their reversals and are not applied.

use super::plain::describe;
use super::{
    first_line_says_no_transaction, numeric_prefix, DirError, DirFormat, Listing, Migration,
    MigrationKind,
};

pub(super) fn detect(l: &Listing) -> bool {
    l.files.iter().any(|f| f.ends_with(".up.sql"))
}

pub(super) fn read(l: &Listing) -> Result<Vec<Migration>, DirError> {
    if let Some(dir) = l.dirs.first() {
        return Err(l.unexpected(dir, DirFormat::UpDown));
    }
    let mut items: Vec<(u128, Migration)> = Vec::new();
    for name in &l.files {
        let (stem, up) = match (name.strip_suffix(".up.sql"), name.strip_suffix(".down.sql")) {
            (Some(stem), _) => (stem, true),
            (None, Some(stem)) => (stem, false),
            _ => return Err(l.unexpected(name, DirFormat::UpDown)),
        };
        let version = numeric_prefix(stem).ok_or_else(|| {
            DirError::invalid(
                &l.path(name),
                "the name must start with the migration's version number",
            )
        })?;
        if !up {
            continue;
        }
        if let Some((_, other)) = items.iter().find(|(v, _)| *v == version) {
            return Err(DirError::invalid(
                &l.path(name),
                format!(
                    "version {version} is also the version of {}",
                    other.path.display()
                ),
            ));
        }
        let sql = l.read_file(name)?;
        let digits = stem.chars().take_while(char::is_ascii_digit).count();
        items.push((
            version,
            Migration {
                version: stem[..digits].to_string(),
                description: describe(&stem[digits..]),
                path: l.path(name),
                no_transaction: first_line_says_no_transaction(&sql),
                sql,
                kind: MigrationKind::Versioned,
            },
        ));
    }
    items.sort_by_key(|(v, _)| *v);
    Ok(items.into_iter().map(|(_, m)| m).collect())
}
