//! Replaying SQL files into a shadow database: each file in its own transaction (unless its
//! first line is `-- pgdrift:no-transaction`), in order. A failing statement is reported as
//! `file:line:column` with the statement's text, PostgreSQL's message, detail and hint, and
//! the files applied before it.

use crate::pg::Connection;
use std::fmt;
use std::path::{Path, PathBuf};

/// The first-line directive that makes a file run outside a transaction.
pub const NO_TRANSACTION: &str = "-- pgdrift:no-transaction";

/// A file to replay.
#[derive(Debug, Clone)]
pub struct SqlFile {
    pub path: PathBuf,
    pub text: String,
}

impl SqlFile {
    pub fn read(path: &Path) -> Result<SqlFile, ReplayError> {
        let text = std::fs::read_to_string(path).map_err(|e| ReplayError::Read {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Ok(SqlFile {
            path: path.to_path_buf(),
            text,
        })
    }

    fn transactional(&self) -> bool {
        self.text.lines().next().map(str::trim) != Some(NO_TRANSACTION)
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
    pub file: PathBuf,
    /// 1-based; 0 when PostgreSQL gave no position.
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
    /// The source line at fault, when known.
    pub source_line: Option<String>,
    pub applied_before: Vec<PathBuf>,
}

impl fmt::Display for StatementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file.display(),
                self.line,
                self.column,
                self.message
            )?;
        } else {
            write!(f, "{}: {}", self.file.display(), self.message)?;
        }
        if let Some(line) = &self.source_line {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            write!(
                f,
                "\n {pad} |\n {number} | {line}\n {pad} | {}^",
                " ".repeat(self.column.saturating_sub(1))
            )?;
        }
        if let Some(detail) = &self.detail {
            write!(f, "\n  detail: {detail}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        if !self.applied_before.is_empty() {
            let names: Vec<String> = self
                .applied_before
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            write!(f, "\n  applied before it: {}", names.join(", "))?;
        }
        Ok(())
    }
}

/// Applies `files` in order on `conn`.
pub async fn replay(conn: &Connection, files: &[SqlFile]) -> Result<(), ReplayError> {
    for (i, file) in files.iter().enumerate() {
        let fail = |e: tokio_postgres::Error| {
            ReplayError::Statement(Box::new(locate(file, &e, &files[..i])))
        };
        if file.transactional() {
            conn.client.batch_execute("BEGIN").await.map_err(fail)?;
            if let Err(e) = conn.client.batch_execute(&file.text).await {
                let _ = conn.client.batch_execute("ROLLBACK").await;
                return Err(fail(e));
            }
            conn.client.batch_execute("COMMIT").await.map_err(fail)?;
        } else {
            conn.client.batch_execute(&file.text).await.map_err(fail)?;
        }
    }
    Ok(())
}

fn locate(file: &SqlFile, e: &tokio_postgres::Error, before: &[SqlFile]) -> StatementError {
    let db = e.as_db_error();
    let position = db.and_then(|d| match d.position() {
        Some(tokio_postgres::error::ErrorPosition::Original(p)) => Some(*p as usize),
        _ => None,
    });
    let (line, column, source_line) = match position {
        Some(p) => line_and_column(&file.text, p),
        None => (0, 0, None),
    };
    StatementError {
        file: file.path.clone(),
        line,
        column,
        message: db.map_or_else(
            || crate::pg::connect::db_message(e),
            |d| d.message().to_string(),
        ),
        detail: db.and_then(|d| d.detail().map(str::to_string)),
        hint: db.and_then(|d| d.hint().map(str::to_string)),
        source_line,
        applied_before: before.iter().map(|f| f.path.clone()).collect(),
    }
}

/// 1-based line and column of the 1-based character `position` in `text`, with that line.
pub(crate) fn line_and_column(text: &str, position: usize) -> (usize, usize, Option<String>) {
    let mut line = 1;
    let mut line_start = 0;
    for (n, (byte, c)) in text.char_indices().enumerate() {
        if n + 1 == position {
            let column = text[line_start..byte].chars().count() + 1;
            let source = text[line_start..].lines().next().unwrap_or("").to_string();
            return (line, column, Some(source));
        }
        if c == '\n' {
            line += 1;
            line_start = byte + 1;
        }
    }
    (line, 1, None)
}

#[cfg(test)]
mod tests {
    use super::line_and_column;

    #[test]
    fn positions_become_lines_and_columns() {
        let text = "CREATE TABLE a (id int);\n-- é comment\nCREATE TABL b;\n";
        let pos = text.chars().position(|c| c == 'T').map(|_| 0).unwrap_or(0);
        assert_eq!(pos, 0);
        let target = text.find("TABL b").unwrap();
        let char_pos = text[..target].chars().count() + 1;
        assert_eq!(
            line_and_column(text, char_pos),
            (3, 8, Some("CREATE TABL b;".to_string()))
        );
        assert_eq!(line_and_column(text, 1).0, 1);
    }
}
