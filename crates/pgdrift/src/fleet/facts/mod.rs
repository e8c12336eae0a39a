//! Read-only facts about servers and databases, for an audit of a whole fleet: what databases
//! a server holds ([`server_inventory`]) and, per database, how many of the user's objects of
//! each kind it has, its extensions and what its table statistics say about activity
//! ([`database_facts`]).
//!
//! Everything is read from catalogs and statistics views in a handful of queries (one per
//! kind of fact, in `fleet/queries/*.sql`), never one per table, and no table is locked.
//!
//! # Grants
//!
//! A role with nothing but `LOGIN` and `CONNECT` on the databases to read is enough:
//!
//! ```sql
//! CREATE ROLE auditor LOGIN PASSWORD '...';
//! ALTER ROLE auditor SET default_transaction_read_only = on;   -- optional, recommended
//! GRANT CONNECT ON DATABASE app TO auditor;                    -- each database to read
//! ```
//!
//! The system catalogs (`pg_database`, `pg_namespace`, `pg_class`, `pg_proc`, `pg_type`,
//! `pg_depend`, `pg_extension`), `pg_stat_database`, `pg_stat_user_tables` and
//! `pg_postmaster_start_time()` are readable by every role by default; no superuser,
//! `pg_read_all_stats` or `pg_monitor` membership is needed. The size of a database the role
//! may not connect to is left out (`None`) rather than failing the inventory.

mod database;
mod server;

pub use database::{
    database_facts, facts_in_transaction, DatabaseFacts, ExtensionInfo, ObjectCounts, TableActivity,
};
pub use server::{server_inventory, DatabaseInfo, ServerInventory};

use crate::pg::{mask_urls, ConnectError, Connection};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::FromSql;
use tokio_postgres::Row;

/// How long a catalog read waits for a lock before giving up (catalog reads take only
/// `AccessShareLock`s, which wait only behind an `ACCESS EXCLUSIVE` lock request).
const LOCK_TIMEOUT_MS: u64 = 2_000;

/// Why facts could not be read. `Display` gives one line naming the server or database
/// (its connection string, password masked) and the cause; it never contains a password.
#[derive(Debug, thiserror::Error)]
pub enum FactsError {
    /// The connection could not be opened.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// A query failed, or returned what this version of pgdrift does not understand.
    #[error("reading {what} of {target}: {message}")]
    Query {
        /// The masked connection string.
        target: String,
        /// What was being read.
        what: &'static str,
        /// The server's message, and what to do about it.
        message: String,
    },
}

impl FactsError {
    /// The masked connection string of the server or database at fault.
    pub fn target(&self) -> &str {
        match self {
            FactsError::Connect(e) => &e.target,
            FactsError::Query { target, .. } => target,
        }
    }

    fn query(conn: &Connection, what: &'static str, e: &tokio_postgres::Error) -> FactsError {
        let message = crate::pg::connect::db_message(e);
        let hint = match e.code() {
            Some(code) if *code == SqlState::QUERY_CANCELED => {
                "; the statement timeout ran out: raise it, or retry when the server is less busy"
            }
            Some(code) if *code == SqlState::LOCK_NOT_AVAILABLE => {
                "; a catalog was locked by a schema change: retry when it is done"
            }
            Some(code) if *code == SqlState::INSUFFICIENT_PRIVILEGE => {
                "; the role needs CONNECT on the database and the default read rights on the catalogs"
            }
            _ => "",
        };
        FactsError::Query {
            target: conn.target.clone(),
            what,
            message: mask_urls(&format!("{message}{hint}")),
        }
    }
}

/// Reads the columns of one result row by name, turning a surprise into a [`FactsError`]
/// instead of a panic.
struct Columns<'a> {
    row: &'a Row,
    conn: &'a Connection,
    what: &'static str,
}

impl<'a> Columns<'a> {
    fn new(row: &'a Row, conn: &'a Connection, what: &'static str) -> Self {
        Columns { row, conn, what }
    }

    fn get<T: FromSql<'a>>(&self, name: &str) -> Result<T, FactsError> {
        self.row.try_get(name).map_err(|e| FactsError::Query {
            target: self.conn.target.clone(),
            what: self.what,
            message: format!("column {name}: {e}"),
        })
    }

    /// A `count(*)`, never negative.
    fn count(&self, name: &str) -> Result<u64, FactsError> {
        Ok(u64::try_from(self.get::<i64>(name)?).unwrap_or(0))
    }
}

/// A duration as whole milliseconds for a timeout setting (0 turns the timeout off).
fn timeout_ms(d: std::time::Duration) -> u64 {
    d.as_millis().min(i32::MAX as u128) as u64
}
