//! Why a migration command stopped. Every message names the migration, file or database at
//! fault and what to do next.

use super::status::State;
use crate::source::replay::StatementError;

/// A problem with the recorded history, named by version.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HistoryProblem {
    pub version: String,
    pub state: State,
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("{context}: {message}")]
    Database { context: String, message: String },
    #[error(
        "another pgdrift runner held the migration lock for {waited_ms} ms; try again later or \
         raise --lock-wait"
    )]
    LockTimeout { waited_ms: u64 },
    #[error("the history does not match the directory, nothing was run:\n{}", describe(.problems))]
    History { problems: Vec<HistoryProblem> },
    #[error("{0}")]
    UnknownVersion(String),
    #[error("{version}: {message}")]
    Script { version: String, message: String },
    #[error("{}", failed(.version, *.no_transaction, .error, .applied))]
    Failed {
        version: String,
        no_transaction: bool,
        error: Box<StatementError>,
        /// The migrations this run applied before the failing one (they stay applied).
        applied: Vec<String>,
    },
    #[error("{}", invalid_indexes(.version, *.no_transaction, .indexes))]
    InvalidIndexes {
        version: String,
        no_transaction: bool,
        indexes: Vec<super::runner::invalid::InvalidIndex>,
    },
    #[error(transparent)]
    Dir(#[from] crate::source::dir::DirError),
}

fn invalid_indexes(
    version: &str,
    no_transaction: bool,
    indexes: &[super::runner::invalid::InvalidIndex],
) -> String {
    let outcome = if no_transaction {
        "its statements ran outside a transaction and stay applied"
    } else {
        "it was rolled back"
    };
    let names: Vec<String> = indexes
        .iter()
        .map(|i| format!("INVALID index {}", i.describe()))
        .collect();
    let drops: Vec<String> = indexes
        .iter()
        .map(|i| format!("  {};", i.drop_statement()))
        .collect();
    let was = if indexes.len() == 1 { "was" } else { "were" };
    format!(
        "migration {version} was not recorded, and {outcome}: {}, which it creates, {was} left \
         unfinished by a CREATE INDEX CONCURRENTLY that failed or was interrupted (IF NOT \
         EXISTS takes it for built). Drop it, then run pgdrift migrate apply again:\n{}",
        names.join(", "),
        drops.join("\n")
    )
}

fn describe(problems: &[HistoryProblem]) -> String {
    problems
        .iter()
        .map(|p| {
            let advice = match p.state {
                State::Modified => {
                    "the file changed after it was applied: restore it, or record the new \
                     checksum with `pgdrift migrate repair --checksums` (or pass --allow-modified)"
                }
                State::MissingFile => {
                    "applied, but its file is gone: restore it, or remove the row with \
                     `pgdrift migrate repair --remove-missing` (or pass --allow-missing)"
                }
                State::OutOfOrder => {
                    "older than the newest applied migration: rename it to sort last, or pass \
                     --allow-out-of-order to apply it anyway"
                }
                _ => "",
            };
            format!("  {}: {} — {advice}", p.version, p.state.label())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn failed(
    version: &str,
    no_transaction: bool,
    error: &StatementError,
    applied: &[String],
) -> String {
    let outcome = if no_transaction {
        "ran outside a transaction, so the statements before the failing one stay applied; it \
         was not recorded. Make its statements safe to run again (IF NOT EXISTS), then re-run: \
         an INVALID index a CREATE INDEX CONCURRENTLY of it left is dropped and built again"
    } else {
        "was rolled back: nothing of it is applied and it was not recorded"
    };
    let before = if applied.is_empty() {
        String::new()
    } else {
        format!(
            "\n  applied by this run before it (kept): {}",
            applied.join(", ")
        )
    };
    format!("migration {version} failed and {outcome}\n{error}{before}")
}
