//! Replaying SQL into a shadow database: each unit (a file, a migration, a command's output)
//! in order, in its own transaction unless it opts out (`-- pgdrift:no-transaction` on its
//! first line, or its tool's directive). A role the SQL needs and the server lacks is made
//! as a placeholder on pgdrift's private server (`roles`). A failing statement is reported
//! as `file:line:column` with its source line, PostgreSQL's message, detail and hint, and
//! the units applied before it.

use super::execute::{one_by_one, retried_in_transaction, Statement};
use super::roles::{dev_server_advice, missing_role, MissingRoles};
use crate::pg::Connection;
use crate::sql::split::{line_of, split, Piece, Unterminated, BOM};
use std::fmt;
use std::path::{Path, PathBuf};

/// The first-line directive that makes a file run outside a transaction.
pub const NO_TRANSACTION: &str = "-- pgdrift:no-transaction";

/// psql meta-commands that pg_dump writes and that mean nothing to a replay.
const HARMLESS_META: &[&str] = &["\\restrict", "\\unrestrict"];

/// SQL to replay, with what names it in messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayUnit {
    /// A file path, or `cmd:...` for a command's output.
    pub name: String,
    pub sql: String,
    pub no_transaction: bool,
}

impl ReplayUnit {
    /// A `.sql` file.
    pub fn file(path: &Path) -> Result<ReplayUnit, ReplayError> {
        let sql = super::file::read_to_string(path).map_err(|e| ReplayError::Read {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Ok(ReplayUnit {
            name: path.display().to_string(),
            no_transaction: super::dir::first_line_says_no_transaction(&sql),
            sql,
        })
    }
}

/// Why a replay failed.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("cannot read {}: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    #[error("{0}")]
    Statement(Box<StatementError>),
}

/// A statement PostgreSQL refused, located in its file.
#[derive(Debug)]
pub struct StatementError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
    /// The source line at fault.
    pub source_line: String,
    pub applied_before: Vec<String>,
}

impl fmt::Display for StatementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )?;
        let number = self.line.to_string();
        let pad = " ".repeat(number.len());
        let caret = " ".repeat(
            self.source_line
                .chars()
                .take(self.column.saturating_sub(1))
                .count(),
        );
        write!(
            f,
            "\n {pad} |\n {number} | {}\n {pad} | {caret}^",
            self.source_line
        )?;
        if let Some(detail) = &self.detail {
            write!(f, "\n  detail: {detail}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        if !self.applied_before.is_empty() {
            let n = self.applied_before.len();
            let shown: Vec<&str> = self
                .applied_before
                .iter()
                .rev()
                .take(5)
                .rev()
                .map(String::as_str)
                .collect();
            let more = if n > 5 {
                format!("{} more, then ", n - 5)
            } else {
                String::new()
            };
            write!(f, "\n  applied before it: {more}{}", shown.join(", "))?;
        }
        Ok(())
    }
}

/// Applies `units` in order on `conn`; a role they need and the server lacks is created as
/// a placeholder or refused, as `roles` says.
pub async fn replay(
    conn: &Connection,
    units: &[ReplayUnit],
    roles: MissingRoles,
) -> Result<(), ReplayError> {
    let mut created = Vec::new();
    let result = replay_units(conn, units, roles, &mut created).await;
    roles.announce(&created);
    result
}

async fn replay_units(
    conn: &Connection,
    units: &[ReplayUnit],
    roles: MissingRoles,
    created: &mut Vec<String>,
) -> Result<(), ReplayError> {
    let before = |i: usize| {
        move || {
            units[..i]
                .iter()
                .map(|u| u.name.clone())
                .collect::<Vec<_>>()
        }
    };
    // Every unit is split before the first one runs: one that cannot be is refused up front.
    let prepared = units.iter().map(prepare).collect::<Result<Vec<_>, _>>()?;
    for (i, (unit, ready)) in units.iter().zip(&prepared).enumerate() {
        let result = match unit.no_transaction {
            true => one_by_one(conn, &ready.statements, roles, created).await,
            false => retried_in_transaction(conn, ready, roles, created).await,
        };
        if let Err(failure) = result {
            let mut described = failure.describe(unit, &ready.sql, before(i)());
            if let (MissingRoles::Refuse, Some(role)) = (roles, missing_role(&failure.error)) {
                described.hint = Some(dev_server_advice(&role));
            }
            return Err(ReplayError::Statement(Box::new(described)));
        }
    }
    Ok(())
}

/// A unit ready to run: its text with what the server must not see blanked (positions and
/// lines kept), and its statements as the one splitter cuts them.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub(crate) sql: String,
    pub(crate) statements: Vec<Statement>,
}

/// Blanks the unit's harmless meta-commands and splits it into statements; a text the
/// splitter cannot split completely, or another meta-command, is an error naming its line.
/// Done for every unit before any runs, so the error names no unit applied before it.
pub(crate) fn prepare(unit: &ReplayUnit) -> Result<Prepared, ReplayError> {
    let sql = without_meta_commands(unit, Vec::new)?;
    let statements = split(&sql)
        .map_err(|e| unsplittable(unit, &e, Vec::new()))?
        .into_iter()
        .filter_map(|p| match p {
            Piece::Statement { text, start } => Some((start, text.to_string())),
            Piece::Meta { .. } => None,
        })
        .collect();
    Ok(Prepared { sql, statements })
}

/// The error for a unit the splitter cannot split completely, at the construct left open.
fn unsplittable(unit: &ReplayUnit, e: &Unterminated, before: Vec<String>) -> ReplayError {
    let line_start = unit.sql[..e.start].rfind('\n').map_or(0, |i| i + 1);
    ReplayError::Statement(Box::new(StatementError {
        file: unit.name.clone(),
        line: e.line,
        column: unit.sql[line_start..e.start].chars().count() + 1,
        message: e.to_string(),
        detail: None,
        hint: Some("nothing was run".into()),
        source_line: unit.sql[line_start..]
            .lines()
            .next()
            .unwrap_or("")
            .to_string(),
        applied_before: before,
    }))
}

/// A failure and where: the statement's byte offset, when known.
pub(crate) struct Failure {
    pub(crate) error: tokio_postgres::Error,
    pub(crate) statement_at: Option<usize>,
}

/// The unit's SQL with pg_dump's harmless meta-command lines blanked (positions kept); any
/// other meta-command is an error, since a server cannot run it.
pub(crate) fn without_meta_commands(
    unit: &ReplayUnit,
    before: impl Fn() -> Vec<String>,
) -> Result<String, ReplayError> {
    let mut sql = unit.sql.clone();
    // A byte order mark is blanked like a meta-command: positions and lines stay the same.
    if sql.starts_with(BOM) {
        sql.replace_range(..BOM.len_utf8(), &" ".repeat(BOM.len_utf8()));
    }
    let pieces = split(&unit.sql).map_err(|e| unsplittable(unit, &e, before()))?;
    for piece in pieces {
        if let Piece::Meta { text, start } = piece {
            let command = text.split_whitespace().next().unwrap_or(text);
            if !HARMLESS_META.contains(&command) {
                return Err(ReplayError::Statement(Box::new(StatementError {
                    file: unit.name.clone(),
                    line: line_of(&unit.sql, start),
                    column: 1,
                    message: format!("{command} is a psql meta-command, not SQL: pgdrift replays SQL only"),
                    detail: None,
                    hint: Some("remove the line, or run the file through psql into a database and inspect that".into()),
                    source_line: text.to_string(),
                    applied_before: before(),
                })));
            }
            sql.replace_range(start..start + text.len(), &" ".repeat(text.len()));
        }
    }
    Ok(sql)
}

pub(super) fn position(e: &tokio_postgres::Error) -> Option<usize> {
    match e.as_db_error()?.position()? {
        tokio_postgres::error::ErrorPosition::Original(p) => Some(*p as usize),
        tokio_postgres::error::ErrorPosition::Internal { .. } => None,
    }
}

impl Failure {
    pub(crate) fn describe(
        &self,
        unit: &ReplayUnit,
        sql: &str,
        applied_before: Vec<String>,
    ) -> StatementError {
        let db = self.error.as_db_error();
        // A position counts characters from the start of what was sent: the statement when
        // it was sent alone, else the whole unit.
        let offset = match (self.statement_at, position(&self.error)) {
            (Some(at), Some(p)) => char_to_byte(&sql[at..], p).map(|b| at + b).unwrap_or(at),
            (Some(at), None) => at,
            (None, Some(p)) => char_to_byte(sql, p).unwrap_or(0),
            (None, None) => 0,
        };
        let line_start = sql[..offset].rfind('\n').map_or(0, |i| i + 1);
        let mut hint = db.and_then(|d| d.hint()).map(str::to_string);
        let message = db.map_or_else(
            || crate::pg::connect::db_message(&self.error),
            |d| d.message().to_string(),
        );
        let lock =
            db.is_some_and(|d| d.code() == &tokio_postgres::error::SqlState::LOCK_NOT_AVAILABLE);
        if let Some(extra) = advice(&message).or(lock.then(|| LOCK_TIMEOUT_HINT.to_string())) {
            hint = Some(match hint {
                Some(h) => format!("{h}; {extra}"),
                None => extra,
            });
        }
        StatementError {
            file: unit.name.clone(),
            line: line_of(sql, offset),
            column: sql[line_start..offset].chars().count() + 1,
            message,
            detail: db.and_then(|d| d.detail()).map(str::to_string),
            hint,
            source_line: unit.sql[line_start..]
                .lines()
                .next()
                .unwrap_or("")
                .to_string(),
            applied_before,
        }
    }
}

/// The byte offset of the 1-based character `position` in `text`.
fn char_to_byte(text: &str, position: usize) -> Option<usize> {
    text.char_indices()
        .nth(position.saturating_sub(1))
        .map(|(b, _)| b)
}

/// The hint of a statement that waited for a lock past `lock_timeout` (or was refused one).
pub const LOCK_TIMEOUT_HINT: &str =
    "another session held a lock this statement needs (SQLSTATE 55P03); \
     run again once it is released (migrate apply retries with --lock-retries N)";

/// pgdrift's own advice for failures that come from where the replay runs.
fn advice(message: &str) -> Option<String> {
    if message.contains("extension")
        && (message.contains("is not available") || message.contains("control file"))
    {
        let name = message.split('"').nth(1).unwrap_or("it");
        return Some(format!(
            "the shadow server has no extension {name}: install it there, or replay on a server that has it with --dev-url URL"
        ));
    }
    if message.contains("cannot run inside a transaction block") {
        return Some(format!(
            "make `{NO_TRANSACTION}` the file's first line to run it outside a transaction"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_for_missing_extensions_and_transactions() {
        let a = advice("extension \"postgis\" is not available").unwrap();
        assert!(a.contains("postgis") && a.contains("--dev-url"), "{a}");
        assert!(
            advice("CREATE INDEX CONCURRENTLY cannot run inside a transaction block")
                .unwrap()
                .contains(NO_TRANSACTION)
        );
        assert_eq!(advice("syntax error"), None);
    }

    #[test]
    fn a_byte_order_mark_is_blanked() {
        let unit = ReplayUnit {
            name: "d.sql".into(),
            sql: "\u{feff}SELECT 1;\n".into(),
            no_transaction: false,
        };
        assert_eq!(
            without_meta_commands(&unit, Vec::new).unwrap(),
            "   SELECT 1;\n"
        );
    }

    #[test]
    fn meta_commands_are_blanked_or_refused() {
        let unit = ReplayUnit {
            name: "d.sql".into(),
            sql: "\\restrict x\nSELECT 1;\n".into(),
            no_transaction: false,
        };
        let sql = without_meta_commands(&unit, Vec::new).unwrap();
        assert_eq!(sql, "           \nSELECT 1;\n");
        let unit = ReplayUnit {
            name: "d.sql".into(),
            sql: "SELECT 1;\n\\connect other\n".into(),
            no_transaction: false,
        };
        let err = without_meta_commands(&unit, Vec::new)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("d.sql:2:1: \\connect is a psql meta-command"),
            "{err}"
        );
    }
}
