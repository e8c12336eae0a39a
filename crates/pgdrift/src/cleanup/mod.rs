//! Reversible cleanup of relations a team no longer uses: `quarantine` moves them into
//! [`QUARANTINE_SCHEMA`] and revokes every other role's privileges (recording them),
//! `restore` moves them back and grants exactly what was recorded, and `drop` backs them
//! up (into the backup schema, or a restorable SQL file), records a row count and checksum,
//! optionally proves the rollback restores them, and drops them. Every action is written to
//! pgdrift's history table in the same transaction as the change.
//!
//! Each command is two steps, so the caller can show the plan and ask before anything
//! changes: [`prepare`] reads (objects, ties, history, the catalog) and returns a
//! [`Prepared`] plan with its statements; [`execute`] runs it in one transaction.

mod backup;
mod checksum;
pub(crate) mod drop;
pub mod duration;
mod history;
mod privileges;
mod quarantine;
mod resolve;
mod restore;
pub mod text;

pub use checksum::{checksum, Checksum};
pub use history::{HistoryRow, Who};

use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;

/// The schema quarantined objects wait in.
pub const QUARANTINE_SCHEMA: &str = "pgdrift_quarantine";
/// pgdrift's history of cleanup actions, in the schema of its migrations table.
pub const HISTORY_TABLE: &str = "cleanup_history";
/// The layout of the JSON form; raised when a field changes meaning or goes.
pub const FORMAT_VERSION: u32 = 1;

/// Which command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Quarantine,
    Restore,
    Drop,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Quarantine => "quarantine",
            Action::Restore => "restore",
            Action::Drop => "drop",
        }
    }
}

/// What to do, as the command line says it.
#[derive(Debug, Clone)]
pub struct Request {
    pub action: Action,
    /// `name` or `schema.name`, globs allowed.
    pub patterns: Vec<String>,
    pub reason: Option<String>,
    pub who: Who,
    /// drop: also drop what depends on the objects.
    pub cascade: bool,
    /// drop: refuse objects quarantined for less than this.
    pub quarantined_for: Option<Duration>,
    /// drop: write the backup as a SQL file here instead of into the backup schema.
    pub backup_file: Option<PathBuf>,
    /// drop: where the rollback script goes (a directory; the file is named after the
    /// database and the time).
    pub rollback_dir: PathBuf,
    /// drop: prove the rollback restores the same rows before committing.
    pub verify: bool,
}

/// Where one database stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "status", content = "why")]
pub enum Status {
    /// Planned, not run yet.
    Ready,
    Done,
    /// Nothing to do here (no object matched).
    Skipped(String),
    /// Not done, on purpose: what stands in the way.
    Refused(String),
    /// Tried and failed; nothing changed.
    Failed(String),
}

/// One object of a plan.
#[derive(Debug, Clone, Serialize)]
pub struct Planned {
    /// `table`, `view`, `materialized view`, `sequence`...
    pub kind: String,
    /// Where it is now, `schema.name`.
    pub object: String,
    /// Where it was before quarantine, when that differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    /// Where it goes (quarantine, restore); `None` for a drop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// drop --cascade: what goes with it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cascades: Vec<String>,
    /// When it was quarantined, if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quarantined_at: Option<String>,
    /// The privileges recorded (quarantine) or granted again (restore).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privileges: Option<serde_json::Value>,
    /// drop: rows and checksum before the drop (filled in when it runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// drop: where the backup went (filled in when it runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup: Option<String>,
    /// Facts worth knowing (`owned sequences follow the table`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The plan for one database, and after [`execute`] its result.
#[derive(Debug, Clone, Serialize)]
pub struct Prepared {
    /// The database, its connection string masked.
    pub database: String,
    pub action: Action,
    #[serde(flatten)]
    pub status: Status,
    pub objects: Vec<Planned>,
    /// Patterns that matched nothing here, with the closest names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_found: Vec<crate::evidence::object::NotFound>,
    /// The statements, in order, run in one transaction.
    pub statements: Vec<String>,
    /// drop: the rollback script written (filled in when it runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback_script: Option<String>,
    /// drop --verify: what the check found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<String>,
    #[serde(skip)]
    pub(crate) history: Vec<HistoryRow>,
    #[serde(skip)]
    pub(crate) drop: Option<drop::DropWork>,
}

impl Prepared {
    /// An empty plan for `database` (its name masked by the caller).
    pub fn new(database: &str, action: Action) -> Prepared {
        Prepared {
            database: database.to_string(),
            action,
            status: Status::Ready,
            objects: Vec::new(),
            not_found: Vec::new(),
            statements: Vec::new(),
            rollback_script: None,
            verified: None,
            history: Vec::new(),
            drop: None,
        }
    }
}

/// Why a cleanup could not even be planned. `Display` names the database (masked).
#[derive(Debug, thiserror::Error)]
pub enum CleanupError {
    #[error("{target}: {what}: {message}")]
    Database {
        target: String,
        what: String,
        message: String,
    },
    #[error(transparent)]
    Evidence(#[from] crate::evidence::object::EvidenceError),
    #[error(transparent)]
    Inspect(#[from] crate::source::InspectError),
    #[error(transparent)]
    Connect(#[from] crate::pg::ConnectError),
    #[error("{path}: {reason}")]
    File { path: String, reason: String },
}

/// A database error while doing `what` on `conn`'s database.
pub(crate) fn db_error(
    conn: &crate::pg::Connection,
    what: impl Into<String>,
) -> impl FnOnce(tokio_postgres::Error) -> CleanupError + '_ {
    let what = what.into();
    move |e| CleanupError::Database {
        target: conn.target.clone(),
        what,
        message: crate::pg::mask_urls(&crate::pg::connect::db_message(&e)),
    }
}

/// Reads what `request` needs on `conn`'s database and plans it; changes nothing.
pub async fn prepare(
    conn: &crate::pg::Connection,
    info: &crate::pg::ConnInfo,
    request: &Request,
) -> Result<Prepared, CleanupError> {
    match request.action {
        Action::Quarantine => quarantine::prepare(conn, request).await,
        Action::Restore => restore::prepare(conn, request).await,
        Action::Drop => drop::prepare(conn, info, request).await,
    }
}

/// Runs a [`Prepared`] plan whose status is `Ready` in one transaction and sets its status:
/// `Done`, or `Failed` with nothing changed (also when `drop --verify` finds a difference).
pub async fn execute(conn: &crate::pg::Connection, request: &Request, prepared: &mut Prepared) {
    if prepared.status != Status::Ready {
        return;
    }
    let result = match request.action {
        Action::Drop => backup::execute(conn, request, prepared).await,
        _ => quarantine::execute(conn, request, prepared).await,
    };
    if let Err(e) = result {
        let _ = conn.client.batch_execute("ROLLBACK").await;
        prepared.status = Status::Failed(e.to_string());
    } else {
        prepared.status = Status::Done;
    }
}
