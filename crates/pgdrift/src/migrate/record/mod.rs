//! Writing other tools' histories: the rows a migration tool itself would have written for a
//! directory's files, in its own table layout, checksums and conventions, so that the tool
//! takes over (or takes back) a database pgdrift baselined or migrated.
//!
//! Everything tool-specific is one row of [`RECORDERS`] (`tools`): the table as the tool
//! creates it, the layout an existing table must have, the query that reads what the tool
//! already records, and the values of a file's row (`rows`). The rest is generic: `table`
//! finds the tool's table, `plan` decides which rows to write and refuses conflicts — the
//! result, a [`Recording`], is plain data that `--dry-run` prints — and `write` writes a
//! recording in the caller's transaction, or on its own under the runners' lock. `dir`
//! reads what a tool needs besides the files (Drizzle's journal times, Alembic's revisions).

mod alembic;
mod dir;
mod plan;
mod render;
mod rows;
mod table;
mod tools;
mod write;

pub use dir::ToolDir;
pub use plan::{plan, Mode};
pub use render::render_text;
pub use tools::{recorder, Recorder, Shape, RECORDERS};
pub use write::{record_applied, write, write_locked};

use serde::{Serialize, Serializer};

/// The rows to write into one tool's table, and how.
#[derive(Debug, Clone, Serialize)]
pub struct Recording {
    /// The tool's id (`drizzle`) and name (`Drizzle`).
    pub tool: &'static str,
    pub tool_name: &'static str,
    /// The table, `schema.name` (raw names), and its parts.
    pub table: String,
    pub schema: String,
    pub table_name: String,
    /// The statements that create the table, when it does not exist yet.
    pub create: Option<String>,
    /// The columns each row sets, in order.
    pub columns: Vec<&'static str>,
    /// What the single row the tool keeps says now, when it is replaced (golang-migrate's
    /// version, Alembic's head).
    pub replaces: Vec<String>,
    pub rows: Vec<Row>,
    /// Files the tool records already, as they are: not written again.
    pub already: Vec<String>,
}

impl Recording {
    /// True when nothing would be written.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.replaces.is_empty()
    }
}

/// One row, for one file.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The file's path inside the directory.
    pub file: String,
    /// One value per column of [`Recording::columns`].
    pub values: Vec<Value>,
    /// The file's position in the directory.
    #[serde(skip)]
    pub index: usize,
}

/// A value of a row: data sent as a bind parameter, or what the server fills in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Int(i32),
    BigInt(i64),
    Bool(bool),
    Bytes(Vec<u8>),
    Null,
    /// The time of the writing transaction (`now()`).
    Now,
    /// The role writing (`current_user`).
    CurrentUser,
    /// A random UUID, as text (`gen_random_uuid()`).
    NewUuid,
}

impl Value {
    /// The SQL expression the server computes, for values that are not parameters.
    pub(crate) fn expression(&self) -> Option<&'static str> {
        match self {
            Value::Null => Some("NULL"),
            Value::Now => Some("now()"),
            Value::CurrentUser => Some("current_user"),
            Value::NewUuid => Some("gen_random_uuid()::text"),
            _ => None,
        }
    }

    /// The value as people read it (bytes in hex, as PostgreSQL prints bytea).
    pub fn display(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Int(n) => n.to_string(),
            Value::BigInt(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Bytes(b) => format!("\\x{}", hex(b)),
            Value::Null => "NULL".into(),
            Value::Now => "now()".into(),
            Value::CurrentUser => "current_user".into(),
            Value::NewUuid => "gen_random_uuid()".into(),
        }
    }
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Text(t) => s.serialize_str(t),
            Value::Int(n) => s.serialize_i32(*n),
            Value::BigInt(n) => s.serialize_i64(*n),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Null => s.serialize_none(),
            other => s.serialize_str(&other.display()),
        }
    }
}

/// Why rows could not be planned or written. Each names the tool, table or file at fault
/// and what to do.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{0} is not a tool pgdrift records for; one of: {names}", names = tools::names())]
    UnknownTool(String),
    #[error(
        "{tool} does not read {format} directories (it reads {wanted}): give --dir the \
         directory {tool} migrates from, or another --tool"
    )]
    Format {
        tool: &'static str,
        format: &'static str,
        wanted: String,
    },
    #[error("{}: {reason}", path.display())]
    File {
        path: std::path::PathBuf,
        reason: String,
    },
    #[error("{0}")]
    Revisions(String),
    #[error("{0}")]
    Version(String),
    #[error("{table} is not {tool}'s table: {reason}; nothing was written")]
    Layout {
        tool: &'static str,
        table: String,
        reason: String,
    },
    #[error(
        "{tool}'s history in {table} conflicts with the files, nothing was written:\n{}",
        .problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
    )]
    Conflict {
        tool: &'static str,
        table: String,
        problems: Vec<String>,
    },
    #[error("{context}: {message}")]
    Database { context: String, message: String },
    #[error(transparent)]
    Migrate(#[from] Box<crate::migrate::MigrateError>),
}

impl RecordError {
    pub(crate) fn db(context: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> Self {
        let context = context.into();
        move |e| RecordError::Database {
            context,
            message: crate::pg::connect::db_message(&e),
        }
    }
}
