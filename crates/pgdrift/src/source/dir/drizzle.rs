//! Drizzle Kit: `<idx>_<tag>.sql` files listed in `meta/_journal.json`, applied in journal
//! order; statements are separated by `--> statement-breakpoint` comments. What
//! `drizzle-kit pull` leaves beside them is recognised and skipped: `schema.ts`,
//! `relations.ts`, and an unlisted SQL file whose statements are all inside one `/* ... */`
//! comment (a listed one is a migration that applies nothing). Any other file the journal
//! does not list, or a journal entry without its file, is an error.

use super::plain::describe;
use super::{
    first_line_says_no_transaction, DirError, DirFormat, Listing, Migration, MigrationKind,
};
use crate::sql::split::{split, Piece};
use serde::Deserialize;

#[derive(Deserialize)]
struct Journal {
    #[serde(default)]
    dialect: Option<String>,
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    idx: u64,
    tag: String,
}

pub(super) fn detect(l: &Listing) -> bool {
    l.path("meta").join("_journal.json").exists()
}

pub(super) fn read(l: &Listing) -> Result<Vec<Migration>, DirError> {
    let journal_path = l.path("meta").join("_journal.json");
    let text = crate::source::file::read_to_string(&journal_path).map_err(|e| DirError::Io {
        path: journal_path.clone(),
        reason: e.to_string(),
    })?;
    let mut journal: Journal = serde_json::from_str(super::without_bom(&text)).map_err(|e| {
        DirError::invalid(
            &journal_path,
            format!("line {}, column {}: {e}", e.line(), e.column()),
        )
    })?;
    if let Some(dialect) = journal
        .dialect
        .as_deref()
        .filter(|d| !d.starts_with("postgres"))
    {
        return Err(DirError::invalid(
            &journal_path,
            format!("the journal is for {dialect}, not PostgreSQL"),
        ));
    }
    if let Some(dir) = l.dirs.iter().find(|d| *d != "meta") {
        return Err(l.unexpected(dir, DirFormat::Drizzle));
    }
    for name in &l.files {
        let listed = name
            .strip_suffix(".sql")
            .is_some_and(|tag| journal.entries.iter().any(|e| e.tag == tag));
        if !listed && !pulled_extra(l, name)? {
            return Err(DirError::invalid(
                &l.path(name),
                format!(
                    "not listed in meta/_journal.json: Drizzle would never apply it (add it with drizzle-kit, move it out, or leave it out with --ignore {})",
                    super::ignore::suggestion(name)
                ),
            ));
        }
    }
    journal.entries.sort_by_key(|e| e.idx);
    let mut out = Vec::new();
    for entry in journal.entries {
        let name = format!("{}.sql", entry.tag);
        if !l.files.contains(&name) {
            return Err(DirError::invalid(
                &journal_path,
                format!("entry {} ({}) has no file {name}", entry.idx, entry.tag),
            ));
        }
        let sql = l.read_file(&name)?;
        let description = entry
            .tag
            .split_once('_')
            .map_or("", |(_, rest)| rest)
            .to_string();
        out.push(Migration {
            version: entry.tag,
            description: describe(&description),
            path: l.path(&name),
            no_transaction: first_line_says_no_transaction(&sql),
            sql,
            kind: MigrationKind::Versioned,
        });
    }
    Ok(out)
}

/// What `drizzle-kit pull` (introspect) writes into the out folder beside the migrations:
/// the TypeScript schema and relations, and the SQL of the database it read, commented out.
const PULLED: &[&str] = &["schema.ts", "relations.ts"];

/// True for a file drizzle-kit pull wrote that is not a migration.
fn pulled_extra(l: &Listing, name: &str) -> Result<bool, DirError> {
    if PULLED.contains(&name) {
        return Ok(true);
    }
    Ok(name.ends_with(".sql") && commented_out(&l.read_file(name)?))
}

/// True when `sql` is, after leading `--` comment lines, one `/* ... */` comment holding
/// everything: the shape of the baseline drizzle-kit pull writes.
pub(super) fn commented_out(sql: &str) -> bool {
    let body = sql
        .lines()
        .skip_while(|l| l.trim().is_empty() || l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    let body = body.trim();
    body.starts_with("/*")
        && body.ends_with("*/")
        && split(sql).is_ok_and(|pieces| pieces.iter().all(|p| !is_statement(p)))
}

fn is_statement(piece: &Piece<'_>) -> bool {
    matches!(piece, Piece::Statement { .. })
}
