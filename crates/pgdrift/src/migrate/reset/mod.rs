//! `pgdrift reset`: rebuilds a development or test database from its migrations. What the
//! migrations create is learnt by replaying them into a shadow database (`wanted`); the
//! guards (`stage`, `guards`) refuse staging and production servers, big databases and busy
//! ones before anything is touched; `drop` removes, in one transaction, the schemas and
//! extensions the migrations create (or every schema) and pgdrift's history of them,
//! recreating `public` as it was (`public`); `run` then applies every migration with the
//! runner, under the runners' session lock, and records the reset in the change log.
//! `create` makes the database when it is missing.

pub mod create;
pub mod drop;
pub mod guards;
pub mod public;
pub mod run;
pub mod stage;
pub mod wanted;

pub use guards::{Activity, Busy, Largest, RowCount};
pub use run::{Checks, Limits, ResetOptions, ResetReport, Session};
pub use stage::{server_stage, StagedServer};
pub use wanted::{Dropping, Wanted};

use super::MigrateError;

/// The guards that stop a reset before anything is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Guard {
    /// The server is a staging or production server of pgdrift.toml (no flag passes it).
    Stage,
    /// The database holds more rows than `--max-rows`.
    Size,
    /// Other sessions used the database in the last `--quiet-for` minutes.
    Busy,
    /// Nobody typed the database's name, and `--yes` was not given.
    Confirmation,
}

impl Guard {
    pub fn as_str(self) -> &'static str {
        match self {
            Guard::Stage => "stage",
            Guard::Size => "size",
            Guard::Busy => "busy",
            Guard::Confirmation => "confirmation",
        }
    }
}

/// Why a reset stopped. A refusal or a failure before the drops changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    #[error("refusing to reset database {database} ({} guard): {message}; nothing was changed", guard.as_str())]
    Refused {
        database: String,
        guard: Guard,
        message: String,
    },
    #[error("{context} (database {database}): {message}")]
    Database {
        database: String,
        context: String,
        message: String,
    },
    #[error("database {database}: what its migrations create was dropped, then applying them failed: {error}\nFix the migration and run pgdrift reset again")]
    Applying {
        database: String,
        error: MigrateError,
    },
    #[error(transparent)]
    Migrate(#[from] MigrateError),
}

/// A database error while `context` on `database`, with PostgreSQL's message and detail.
pub(crate) fn db_error(
    database: &str,
    context: &str,
) -> impl FnOnce(tokio_postgres::Error) -> ResetError {
    let (database, context) = (database.to_string(), context.to_string());
    move |e| ResetError::Database {
        database,
        context,
        message: crate::pg::connect::db_message(&e),
    }
}
