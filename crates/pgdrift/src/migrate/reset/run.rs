//! A reset from start to end on one connection: the runners' session lock held throughout
//! (`Session`), the guards checked (`Session::check`), then the drops and every migration
//! (`Session::execute`), recorded in pgdrift's change log: a row when the drops start,
//! completed with what was applied, or with the error.

use super::guards::{activity, count_rows, Activity, RowCount};
use super::wanted::Dropping;
use super::{Guard, ResetError};
use crate::migrate::changelog::{self, Action, Ending, Start};
use crate::migrate::runner::{apply, ApplyOptions, Ran};
use crate::migrate::{tracking, MigrationFile};
use crate::pg::Connection;
use serde::Serialize;
use serde_json::json;
use std::time::Duration;

/// The limits the size and activity guards hold a database to.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_rows: u64,
    pub quiet_for_minutes: u64,
    /// Report what the guards found, but go on.
    pub force: bool,
}

/// What the guards found.
#[derive(Debug, Clone, Serialize)]
pub struct Checks {
    pub rows: RowCount,
    pub activity: Activity,
}

/// How the reset runs.
#[derive(Debug, Clone)]
pub struct ResetOptions<'a> {
    /// The migrations directory, as given (for the change log).
    pub dir: &'a str,
    pub all_schemas: bool,
    pub force: bool,
    pub os_user: Option<&'a str>,
    /// How long the drops wait for a lock another session holds.
    pub lock_timeout: Duration,
    /// How the migrations run.
    pub apply: ApplyOptions,
}

/// What a reset did.
#[derive(Debug, Clone, Serialize)]
pub struct ResetReport {
    pub dropped: Dropping,
    /// The statements of the drop transaction.
    pub statements: Vec<String>,
    pub applied: Vec<Ran>,
    /// The row of `pgdrift.changes` recording it.
    pub change_id: i64,
}

/// A reset in progress on `conn`, holding the runners' session lock until `end`.
#[derive(Debug)]
pub struct Session<'c> {
    conn: &'c Connection,
}

impl<'c> Session<'c> {
    /// Takes the runners' session lock, waiting at most `lock_wait` for a runner at work.
    pub async fn begin(conn: &'c Connection, lock_wait: Duration) -> Result<Self, ResetError> {
        let ms = u64::try_from(lock_wait.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        tracking::lock_session(&conn.client, ms).await?;
        Ok(Session { conn })
    }

    /// Releases the lock.
    pub async fn end(self) {
        tracking::unlock_session(&self.conn.client).await;
    }

    /// The activity and size guards (activity first: counting rows scans tables). A busy or
    /// big database is refused unless `limits.force`.
    pub async fn check(&self, limits: Limits) -> Result<Checks, ResetError> {
        let activity = activity(self.conn, limits.quiet_for_minutes).await?;
        if activity.is_busy() && !limits.force {
            return Err(self.refused(Guard::Busy, busy_message(&activity, limits)));
        }
        let rows = count_rows(self.conn, limits.max_rows).await?;
        if rows.rows > limits.max_rows && !limits.force {
            return Err(self.refused(Guard::Size, size_message(&rows, limits)));
        }
        Ok(Checks { rows, activity })
    }

    fn refused(&self, guard: Guard, message: String) -> ResetError {
        ResetError::Refused {
            database: self.conn.database.clone(),
            guard,
            message,
        }
    }

    /// Records the reset, drops what `dropping` names in one transaction, applies every
    /// migration of `files`, and completes the record.
    pub async fn execute(
        &self,
        dropping: &Dropping,
        files: &[MigrationFile],
        options: &ResetOptions<'_>,
    ) -> Result<ResetReport, ResetError> {
        let conn = self.conn;
        let id = record_start(conn, dropping, options).await?;
        let statements = match super::drop::run(conn, dropping, options.lock_timeout).await {
            Ok(statements) => statements,
            Err(e) => return Err(failed(conn, id, json!({"dropped": false}), e).await),
        };
        let mut ignore = |_: crate::migrate::runner::Event<'_>| {};
        let ran = match apply(conn, files, &options.apply, &mut ignore).await {
            Ok(report) => report.ran,
            Err(error) => {
                let database = conn.database.clone();
                let e = ResetError::Applying { database, error };
                let done = json!({"dropped": true, "statements": statements});
                return Err(failed(conn, id, done, e).await);
            }
        };
        let applied: Vec<&str> = ran.iter().map(|r| r.version.as_str()).collect();
        let done = json!({"dropped": true, "statements": statements, "applied": applied});
        changelog::finish(&conn.client, id, Ending::Applied, &done, None).await?;
        Ok(ResetReport {
            dropped: dropping.clone(),
            statements,
            applied: ran,
            change_id: id,
        })
    }
}

/// The busy guard's refusal: what was seen, and what to do.
fn busy_message(activity: &Activity, limits: Limits) -> String {
    let seen: Vec<String> = (activity.sessions.iter().chain(&activity.scans))
        .map(|b| match &b.at {
            Some(at) => format!("{} (last {at})", b.what),
            None => b.what.clone(),
        })
        .collect();
    format!(
        "other sessions used it in the last {} minutes: {}. Stop them, wait, lower \
         --quiet-for, or pass --force if this is certainly a development database",
        limits.quiet_for_minutes,
        seen.join("; ")
    )
}

/// The size guard's refusal.
fn size_message(rows: &RowCount, limits: Limits) -> String {
    let largest = (rows.largest.as_ref())
        .map(|l| format!(" (largest: {}, about {} rows)", l.table, l.rows))
        .unwrap_or_default();
    format!(
        "it holds more than --max-rows {} rows{largest}, which looks like data worth \
         keeping. Raise --max-rows, or pass --force if it may all go",
        limits.max_rows
    )
}

/// Writes the change log's row for the reset about to drop `dropping`; returns its id.
async fn record_start(
    conn: &Connection,
    dropping: &Dropping,
    options: &ResetOptions<'_>,
) -> Result<i64, ResetError> {
    let detail = json!({
        "dir": options.dir,
        "all_schemas": options.all_schemas,
        "force": options.force,
        "dropping": dropping,
    });
    let start = Start {
        action: Action::Reset,
        subject: &conn.database,
        os_user: options.os_user,
        script: None,
        checksum: None,
        detail: &detail,
    };
    Ok(changelog::start(&conn.client, &start).await?)
}

/// Completes the record of a reset that failed with `e`, and returns `e`.
async fn failed(
    conn: &Connection,
    id: i64,
    detail: serde_json::Value,
    e: ResetError,
) -> ResetError {
    let message = crate::pg::mask_urls(&e.to_string());
    let _ = changelog::finish(&conn.client, id, Ending::Failed, &detail, Some(&message)).await;
    e
}
