//! dbmate: `<version>_<name>.sql` files with a `-- migrate:up` section (applied) and a
//! `-- migrate:down` section (not), in version order. `-- migrate:up transaction:false`
//! runs the section outside a transaction.

use super::plain::describe;
use super::{numeric_prefix, without_bom, DirError, DirFormat, Listing, Migration, MigrationKind};

const UP: &str = "-- migrate:up";
const DOWN: &str = "-- migrate:down";

pub(super) fn detect(l: &Listing) -> bool {
    l.files.iter().filter(|f| f.ends_with(".sql")).any(|f| {
        l.read_file(f).is_ok_and(|t| {
            without_bom(&t)
                .lines()
                .any(|line| line.trim_start().starts_with(UP))
        })
    })
}

pub(super) fn read(l: &Listing) -> Result<Vec<Migration>, DirError> {
    if let Some(dir) = l.dirs.first() {
        return Err(l.unexpected(dir, DirFormat::Dbmate));
    }
    let mut items: Vec<(u128, Migration)> = Vec::new();
    for name in &l.files {
        let Some(stem) = name.strip_suffix(".sql") else {
            return Err(l.unexpected(name, DirFormat::Dbmate));
        };
        let version = numeric_prefix(stem).ok_or_else(|| {
            DirError::invalid(
                &l.path(name),
                "the name must start with the migration's version",
            )
        })?;
        let text = l.read_file(name)?;
        let (sql, no_transaction) = up_section(&text)
            .ok_or_else(|| DirError::invalid(&l.path(name), format!("has no `{UP}` line")))?;
        let digits = stem.chars().take_while(char::is_ascii_digit).count();
        items.push((
            version,
            Migration {
                version: stem[..digits].to_string(),
                description: describe(&stem[digits..]),
                path: l.path(name),
                sql,
                kind: MigrationKind::Versioned,
                no_transaction,
            },
        ));
    }
    items.sort_by_key(|(v, _)| *v);
    Ok(items.into_iter().map(|(_, m)| m).collect())
}

/// The file with everything but its up section blanked out (lines and columns stay where
/// they are), and whether the section asked to run outside a transaction.
fn up_section(text: &str) -> Option<(String, bool)> {
    let mut out = String::with_capacity(text.len());
    let mut in_up = false;
    let mut found = false;
    let mut no_transaction = false;
    for line in text.split_inclusive('\n') {
        let trimmed = without_bom(line).trim_start();
        if trimmed.starts_with(UP) {
            in_up = true;
            found = true;
            no_transaction = trimmed.contains("transaction:false");
            out.push_str(&blank(line));
        } else if trimmed.starts_with(DOWN) {
            in_up = false;
            out.push_str(&blank(line));
        } else if in_up {
            out.push_str(line);
        } else {
            out.push_str(&blank(line));
        }
    }
    found.then_some((out, no_transaction))
}

fn blank(line: &str) -> String {
    line.chars()
        .map(|c| if c == '\n' { '\n' } else { ' ' })
        .collect()
}
