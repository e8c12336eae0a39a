//! Reading one database for the audit: one session, one `REPEATABLE READ, READ ONLY`
//! transaction for its catalog, facts and trackers, and why that failed when it did — no
//! connection (PA002), or a read that failed once connected (PA004), naming the table
//! another session locks when that is the reason.

use super::findings::{self, Finding};
use crate::fleet::facts::{facts_in_transaction, DatabaseFacts};
use crate::fleet::Target;
use crate::migrate::history::{read_history_in_transaction, History};
use crate::model::Catalog;
use crate::pg::Connection;
use crate::source::{inspect_small_in_transaction, Deparse, InspectError, InspectOptions};

use super::run::AuditOptions;

/// Reads one database on one connection (returned: the audit reads its findings' evidence
/// on it afterwards, in a transaction of its own), in one `REPEATABLE READ, READ ONLY` transaction:
/// its facts, its migration trackers and its catalog all come from the same snapshot, and
/// the server starts one session per database, not one per kind of read.
///
/// Stored expressions are written back as SQL by pgdrift (`Deparse::Client`), so that no
/// table is opened, and none locked, for them; what only the server can write (views,
/// trigger conditions, policies) waits at most `lock_timeout` for a table another session
/// holds, and the failure names that table.
pub(super) async fn read_database(
    target: &Target,
    options: &AuditOptions,
) -> Result<(DatabaseFacts, History, Catalog, Connection), ReadFailure> {
    let conn = crate::pg::connect(&target.info)
        .await
        .map_err(|e| ReadFailure::Connect(e.to_string()))?;
    let failed = |message: String| ReadFailure::Read {
        message,
        locked: false,
    };
    conn.client
        .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .await
        .map_err(|e| {
            failed(format!(
                "{}: starting a read-only transaction: {e}",
                conn.target
            ))
        })?;
    let read = InspectOptions {
        jobs: 1,
        statement_timeout: options.statement_timeout,
        deparse: Deparse::Client,
        ..InspectOptions::default()
    };
    // The catalog read's settings (names qualified, UTC, timeouts) serve all three.
    let result = match inspect_small_in_transaction(&conn, &read).await {
        Ok(live) => facts_and_history(&conn)
            .await
            .map(|(facts, history)| (facts, history, live.snapshot.catalog)),
        Err(e) => Err(ReadFailure::Catalog(e)),
    };
    // Read-only: nothing to keep, whatever happened.
    let _ = conn.client.batch_execute("ROLLBACK").await;
    match result {
        Err(ReadFailure::Catalog(e)) => Err(ReadFailure::from_inspect(e, &conn).await),
        Err(other) => Err(other),
        Ok((facts, history, live)) => Ok((facts, history, live, conn)),
    }
}

/// The facts and the trackers, in the transaction the catalog was read in.
async fn facts_and_history(conn: &Connection) -> Result<(DatabaseFacts, History), ReadFailure> {
    let failed = |message: String| ReadFailure::Read {
        message,
        locked: false,
    };
    let facts = facts_in_transaction(conn)
        .await
        .map_err(|e| failed(e.to_string()))?;
    let history = read_history_in_transaction(conn)
        .await
        .map_err(|e| failed(e.to_string()))?;
    Ok((facts, history))
}

/// Why a database could not be audited: no connection (PA002), or a read that failed once
/// connected (PA004).
pub(super) enum ReadFailure {
    Connect(String),
    Read {
        message: String,
        locked: bool,
    },
    /// The catalog read failed; made a `Read` once its transaction has ended.
    Catalog(InspectError),
}

impl ReadFailure {
    /// A failed catalog read, with the tables other sessions lock named when that is why
    /// (read after the transaction has ended).
    async fn from_inspect(e: InspectError, conn: &Connection) -> ReadFailure {
        let locked = e.is_lock_timeout();
        ReadFailure::Read {
            message: e.with_lock_holders(conn).await.to_string(),
            locked,
        }
    }

    pub(super) fn finding(self, server: &str, database: &str) -> Finding {
        match self {
            ReadFailure::Connect(e) => Finding::new(
                findings::DATABASE_UNREACHABLE,
                server,
                Some(database),
            )
            .message(crate::pg::mask_urls(&e))
            .fix(
                "grant CONNECT on the database to the audit's role, or exclude it in pgdrift.toml",
            ),
            ReadFailure::Catalog(e) => ReadFailure::Read {
                locked: e.is_lock_timeout(),
                message: e.to_string(),
            }
            .finding(server, database),
            ReadFailure::Read { message, locked } => {
                let fix = match locked {
                    true => "run the audit again once the session named above ends its transaction (the audit itself takes no lock a writer waits for)",
                    false => "fix what the message names, or exclude the database in pgdrift.toml",
                };
                Finding::new(findings::READ_FAILED, server, Some(database))
                    .message(crate::pg::mask_urls(&message))
                    .fix(fix)
            }
        }
    }
}
