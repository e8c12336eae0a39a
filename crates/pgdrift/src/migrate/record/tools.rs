//! The table of tools pgdrift writes histories for: one [`Recorder`] per tool, with its
//! tracking table as the tool itself creates it (checked against each tool's own source),
//! the layout an existing table must have, how to read what it records, and its rows.
//! Adding a tool is adding one row here and its row builder in `rows`.

use super::rows::{self, ToolFile};
use super::RecordError;
use crate::source::dir::DirFormat;
use crate::sql::QualIdent;

/// What a tool keeps in its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One row per migration applied.
    Ledger,
    /// One row for the current version (golang-migrate) or head revision (Alembic): every
    /// migration up to it counts as applied.
    Current,
}

/// One tool's tracking table and how pgdrift writes it.
#[derive(Debug)]
pub struct Recorder {
    /// The id `--tool` takes, as `migrate history` names the tool (`golang-migrate`).
    pub id: &'static str,
    pub name: &'static str,
    pub table: &'static str,
    /// Where the tool creates its table unless configured otherwise.
    pub default_schema: &'static str,
    /// pgdrift's own table, written through the runner's tracking code.
    pub own: bool,
    /// The directory formats the tool reads (empty: any).
    pub formats: &'static [DirFormat],
    /// An existing table's columns, each with the start of its `format_type`.
    pub layout: &'static [(&'static str, &'static str)],
    /// The statements that create the table in a schema, as the tool runs them.
    pub create: fn(&str, &str) -> String,
    /// Reads what the tool records: key, checksum (text or NULL), whether it succeeded.
    pub state: &'static str,
    /// Rows the state query leaves out (rolled-back attempts).
    pub state_filter: &'static str,
    pub shape: Shape,
    /// The column that holds a migration's key, for messages.
    pub key_column: &'static str,
    /// The column numbering rows in order (Flyway's installed_rank).
    pub rank_column: Option<&'static str>,
    /// The key a file has in the tool's table, comparable with the state's keys.
    pub key: fn(&ToolFile<'_>) -> Result<String, RecordError>,
    /// A recorded key as [`Recorder::key`] writes it (`0019` -> `19`).
    pub normalize: fn(&str) -> String,
    /// The checksum the tool records for a file, as the state query reads it.
    pub checksum: fn(&ToolFile<'_>) -> Option<String>,
    /// The columns of a row, and their values for a file.
    pub columns: &'static [&'static str],
    pub values: fn(&ToolFile<'_>, &rows::RowContext) -> Result<Vec<super::Value>, RecordError>,
}

const BASE: Recorder = Recorder {
    id: "",
    name: "",
    table: "",
    default_schema: "public",
    own: false,
    formats: &[],
    layout: &[],
    create: |_, _| String::new(),
    state: "",
    state_filter: "true",
    shape: Shape::Ledger,
    key_column: "version",
    rank_column: None,
    key: rows::key_version,
    normalize: rows::as_is,
    checksum: |_| None,
    columns: &[],
    values: |_, _| Ok(Vec::new()),
};

/// Every tool `--tool` and `--record-for` take.
#[rustfmt::skip] // a table: one row per tool, kept compact
pub const RECORDERS: &[Recorder] = &[
    Recorder {
        id: "pgdrift", name: "pgdrift", table: "migrations", default_schema: "pgdrift",
        own: true,
        layout: &[("version", "text"), ("checksum", "text"), ("kind", "text"),
            ("applied_at", "timestamp with time zone"), ("pgdrift_version", "text")],
        state: "version, checksum, true",
        state_filter: "kind = 'versioned'",
        key: rows::key_rel_path,
        checksum: rows::sha256,
        columns: &["version", "description", "checksum", "baseline"],
        values: rows::pgdrift,
        ..BASE
    },
    Recorder {
        id: "drizzle", name: "Drizzle", table: "__drizzle_migrations", default_schema: "drizzle",
        formats: &[DirFormat::Drizzle],
        layout: &[("id", "integer"), ("hash", "text"), ("created_at", "bigint")],
        create: |s, t| format!("CREATE SCHEMA IF NOT EXISTS {s};\nCREATE TABLE IF NOT EXISTS {} (\n    id SERIAL PRIMARY KEY,\n    hash text NOT NULL,\n    created_at bigint\n)",
            QualIdent(s, t), s = crate::sql::Ident(s)),
        state: "created_at::text, hash, true",
        key_column: "created_at",
        key: rows::key_journal_when,
        checksum: rows::sha256,
        columns: &["hash", "created_at"],
        values: rows::drizzle,
        ..BASE
    },
    Recorder {
        id: "prisma", name: "Prisma", table: "_prisma_migrations",
        formats: &[DirFormat::Prisma],
        layout: &[("id", "character varying"), ("checksum", "character varying"),
            ("finished_at", "timestamp with time zone"), ("migration_name", "character varying"),
            ("logs", "text"), ("rolled_back_at", "timestamp with time zone"),
            ("started_at", "timestamp with time zone"), ("applied_steps_count", "integer")],
        create: |s, t| format!("CREATE TABLE {} (\n    \"id\"                    VARCHAR(36) PRIMARY KEY NOT NULL,\n    \"checksum\"              VARCHAR(64) NOT NULL,\n    \"finished_at\"           TIMESTAMPTZ,\n    \"migration_name\"        VARCHAR(255) NOT NULL,\n    \"logs\"                  TEXT,\n    \"rolled_back_at\"        TIMESTAMPTZ,\n    \"started_at\"            TIMESTAMPTZ NOT NULL DEFAULT now(),\n    \"applied_steps_count\"   INTEGER NOT NULL DEFAULT 0\n)",
            QualIdent(s, t)),
        state: "migration_name, checksum, finished_at IS NOT NULL",
        state_filter: "rolled_back_at IS NULL",
        key_column: "migration_name",
        checksum: rows::sha256,
        columns: &["id", "checksum", "finished_at", "migration_name", "logs", "started_at",
            "applied_steps_count"],
        values: rows::prisma,
        ..BASE
    },
    Recorder {
        id: "flyway", name: "Flyway", table: "flyway_schema_history",
        formats: &[DirFormat::Flyway],
        layout: &[("installed_rank", "integer"), ("version", "character varying"),
            ("description", "character varying"), ("type", "character varying"),
            ("script", "character varying"), ("checksum", "integer"),
            ("installed_by", "character varying"), ("installed_on", "timestamp without time zone"),
            ("execution_time", "integer"), ("success", "boolean")],
        create: |s, t| format!("CREATE TABLE {q} (\n    \"installed_rank\" INT NOT NULL,\n    \"version\" VARCHAR(50),\n    \"description\" VARCHAR(200) NOT NULL,\n    \"type\" VARCHAR(20) NOT NULL,\n    \"script\" VARCHAR(1000) NOT NULL,\n    \"checksum\" INTEGER,\n    \"installed_by\" VARCHAR(100) NOT NULL,\n    \"installed_on\" TIMESTAMP NOT NULL DEFAULT now(),\n    \"execution_time\" INTEGER NOT NULL,\n    \"success\" BOOLEAN NOT NULL\n);\nALTER TABLE {q} ADD CONSTRAINT \"flyway_schema_history_pk\" PRIMARY KEY (\"installed_rank\");\nCREATE INDEX \"flyway_schema_history_s_idx\" ON {q} (\"success\")",
            q = QualIdent(s, t)),
        state: "coalesce(version, script), checksum::text, success",
        state_filter: "type NOT IN ('SCHEMA', 'DELETE')",
        rank_column: Some("installed_rank"),
        key: rows::key_flyway,
        normalize: rows::flyway_version,
        checksum: rows::flyway_crc32,
        columns: &["installed_rank", "version", "description", "type", "script", "checksum",
            "installed_by", "execution_time", "success"],
        values: rows::flyway,
        ..BASE
    },
    Recorder {
        id: "golang-migrate", name: "golang-migrate", table: "schema_migrations",
        formats: &[DirFormat::UpDown],
        layout: &[("version", "bigint"), ("dirty", "boolean")],
        create: |s, t| format!("CREATE TABLE IF NOT EXISTS {} (version bigint not null primary key, dirty boolean not null)", QualIdent(s, t)),
        state: "version::text, NULL, NOT dirty",
        shape: Shape::Current,
        key: rows::key_number,
        normalize: rows::number,
        columns: &["version", "dirty"],
        values: rows::golang_migrate,
        ..BASE
    },
    Recorder {
        id: "dbmate", name: "dbmate", table: "schema_migrations",
        formats: &[DirFormat::Dbmate],
        layout: &[("version", "character varying")],
        // dbmate 2 creates an unbounded varchar (varchar(128) or (255) in older releases).
        create: |s, t| format!("create table if not exists {} (version varchar primary key)", QualIdent(s, t)),
        state: "version, NULL, true",
        columns: &["version"],
        values: rows::dbmate,
        ..BASE
    },
    Recorder {
        id: "sqlx", name: "sqlx", table: "_sqlx_migrations",
        formats: &[DirFormat::Plain, DirFormat::UpDown],
        layout: &[("version", "bigint"), ("description", "text"),
            ("installed_on", "timestamp with time zone"), ("success", "boolean"),
            ("checksum", "bytea"), ("execution_time", "bigint")],
        create: |s, t| format!("CREATE TABLE IF NOT EXISTS {} (\n    version BIGINT PRIMARY KEY,\n    description TEXT NOT NULL,\n    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),\n    success BOOLEAN NOT NULL,\n    checksum BYTEA NOT NULL,\n    execution_time BIGINT NOT NULL\n)", QualIdent(s, t)),
        state: "version::text, encode(checksum, 'hex'), success",
        key: rows::key_sqlx,
        normalize: rows::number,
        checksum: rows::sha384,
        columns: &["version", "description", "success", "checksum", "execution_time"],
        values: rows::sqlx,
        ..BASE
    },
    Recorder {
        id: "alembic", name: "Alembic", table: "alembic_version",
        layout: &[("version_num", "character varying")],
        create: |s, t| format!("CREATE TABLE {} (\n    version_num VARCHAR(32) NOT NULL,\n    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)", QualIdent(s, t)),
        state: "version_num, NULL, true",
        key_column: "version_num",
        shape: Shape::Current,
        key: rows::key_revision,
        columns: &["version_num"],
        values: rows::alembic,
        ..BASE
    },
];

/// The recorder `--tool ID` names.
pub fn recorder(id: &str) -> Result<&'static Recorder, RecordError> {
    RECORDERS
        .iter()
        .find(|r| r.id == id)
        .ok_or_else(|| RecordError::UnknownTool(id.to_string()))
}

/// The ids, for messages and `--help`.
pub(super) fn names() -> String {
    RECORDERS
        .iter()
        .map(|r| r.id)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Recorder {
    /// Whether the tool reads directories of `format`; why not, when it does not.
    pub fn reads(&self, format: DirFormat) -> Result<(), RecordError> {
        if self.formats.is_empty() || self.formats.contains(&format) {
            return Ok(());
        }
        let wanted: Vec<&str> = self.formats.iter().map(|f| f.info().name).collect();
        Err(RecordError::Format {
            tool: self.name,
            format: format.info().name,
            wanted: wanted.join(" or "),
        })
    }
}
