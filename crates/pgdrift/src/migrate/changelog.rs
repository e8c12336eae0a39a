//! pgdrift's change log, `pgdrift.changes`: one row per action on a database that is not a
//! migration file or a cleanup (those have their own tables): plans applied, repairs of the
//! tracking table, resets. A row is written when the action starts (outcome `running`) and
//! completed when it ends, so that an action whose process died stays visible. `pgdrift log`
//! reads it together with `pgdrift.migrations` and `pgdrift.cleanup_history`.

use super::MigrateError;
use serde::Serialize;
use tokio_postgres::Client;

/// The change log's table, in pgdrift's schema.
pub const TABLE: &str = "changes";

const CREATE: &str = "CREATE SCHEMA IF NOT EXISTS pgdrift;
CREATE TABLE IF NOT EXISTS pgdrift.changes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    action text NOT NULL CHECK (action IN ('plan', 'repair', 'reset')),
    subject text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    execution_ms bigint,
    db_user text NOT NULL DEFAULT current_user,
    os_user text,
    outcome text NOT NULL DEFAULT 'running'
        CHECK (outcome IN ('running', 'applied', 'failed', 'differs')),
    script text,
    checksum text,
    detail jsonb NOT NULL DEFAULT '{}',
    error text,
    pgdrift_version text NOT NULL
);
COMMENT ON TABLE pgdrift.changes IS 'Plans applied, repairs and resets made by pgdrift: one row per action';";

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A plan file applied by `pgdrift apply`.
    Plan,
    /// Rows of `pgdrift.migrations` changed by `pgdrift migrate repair`.
    Repair,
    /// A database rebuilt from its migrations by `pgdrift reset`.
    Reset,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Plan => "plan",
            Action::Repair => "repair",
            Action::Reset => "reset",
        }
    }
}

/// How an action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    /// Done, and (for plans) the database is what the plan leads to.
    Applied,
    /// Stopped by an error; what ran in a committed transaction stays.
    Failed,
    /// Done, but the database differs from what the action leads to.
    Differs,
}

impl Ending {
    pub fn as_str(self) -> &'static str {
        match self {
            Ending::Applied => "applied",
            Ending::Failed => "failed",
            Ending::Differs => "differs",
        }
    }
}

/// The start of an action, to record.
#[derive(Debug, Clone)]
pub struct Start<'a> {
    pub action: Action,
    /// What it acts on: the plan file's name, `pgdrift.migrations`, the database.
    pub subject: &'a str,
    /// The operating system's user who ran pgdrift.
    pub os_user: Option<&'a str>,
    /// The text it runs (a plan's SQL), if any.
    pub script: Option<&'a str>,
    /// The SHA-256 of that text.
    pub checksum: Option<&'a str>,
    /// Anything else worth keeping (fingerprints, steps, what a reset dropped).
    pub detail: &'a serde_json::Value,
}

/// One row of the change log.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeRow {
    pub id: i64,
    pub action: String,
    pub subject: String,
    /// When it started and ended, `YYYY-MM-DD HH:MM:SS UTC`.
    pub started_at: String,
    pub finished_at: Option<String>,
    pub execution_ms: Option<i64>,
    pub db_user: String,
    pub os_user: Option<String>,
    /// `running` (still, or its process died), `applied`, `failed` or `differs`.
    pub outcome: String,
    #[serde(skip)]
    pub script: Option<String>,
    pub checksum: Option<String>,
    pub detail: serde_json::Value,
    pub error: Option<String>,
    pub pgdrift_version: String,
    /// `started_at` to the microsecond, for ordering.
    #[serde(skip)]
    pub sort_key: String,
}

fn db(context: &'static str) -> impl FnOnce(tokio_postgres::Error) -> MigrateError {
    move |e| MigrateError::Database {
        context: context.to_string(),
        message: crate::pg::connect::db_message(&e),
    }
}

/// Whether the change log exists.
pub async fn exists(client: &Client) -> Result<bool, MigrateError> {
    let row = client
        .query_one("SELECT to_regclass('pgdrift.changes') IS NOT NULL", &[])
        .await
        .map_err(db("looking for pgdrift.changes"))?;
    Ok(row.get(0))
}

/// Creates the change log if it is missing, under the runners' lock so that two pgdrift
/// processes cannot race to create it. Runs its own transaction.
pub async fn ensure(client: &Client) -> Result<(), MigrateError> {
    if exists(client).await? {
        return Ok(());
    }
    let context = "creating pgdrift.changes";
    client.batch_execute("BEGIN").await.map_err(db(context))?;
    let result = async {
        super::lock::lock(client, 60_000).await?;
        client.batch_execute(CREATE).await.map_err(db(context))?;
        client.batch_execute("COMMIT").await.map_err(db(context))
    }
    .await;
    if result.is_err() {
        let _ = client.batch_execute("ROLLBACK").await;
    }
    result
}

/// Records the start of an action (committed at once, outside any transaction of the
/// action's own) and returns its row's id.
pub async fn start(client: &Client, start: &Start<'_>) -> Result<i64, MigrateError> {
    ensure(client).await?;
    let detail = start.detail.to_string();
    let row = client
        .query_one(
            "INSERT INTO pgdrift.changes (action, subject, os_user, script, checksum, detail, \
             pgdrift_version) VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7) RETURNING id",
            &[
                &start.action.as_str(),
                &start.subject,
                &start.os_user,
                &start.script,
                &start.checksum,
                &detail,
                &crate::VERSION,
            ],
        )
        .await
        .map_err(db("writing pgdrift.changes"))?;
    Ok(row.get(0))
}

/// Records how the action `id` ended, with what it adds to its detail.
pub async fn finish(
    client: &Client,
    id: i64,
    ending: Ending,
    detail: &serde_json::Value,
    error: Option<&str>,
) -> Result<(), MigrateError> {
    let detail = detail.to_string();
    client
        .execute(
            "UPDATE pgdrift.changes SET outcome = $2, finished_at = clock_timestamp(), \
             execution_ms = (extract(epoch FROM clock_timestamp() - started_at) * 1000)::bigint, \
             detail = detail || $3::text::jsonb, error = $4 WHERE id = $1",
            &[&id, &ending.as_str(), &detail, &error],
        )
        .await
        .map(|_| ())
        .map_err(db("writing pgdrift.changes"))
}

/// The rows of the change log (none when it does not exist), oldest first; with `since`
/// (a date or timestamp PostgreSQL reads), only those that started then or later.
pub async fn read(client: &Client, since: Option<&str>) -> Result<Vec<ChangeRow>, MigrateError> {
    if !exists(client).await? {
        return Ok(Vec::new());
    }
    let utc =
        |c: &str| format!("to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC'");
    let sql = format!(
        "SELECT id, action, subject, {}, {}, execution_ms, db_user, os_user, outcome, script, \
         checksum, detail::text, error, pgdrift_version, \
         to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM pgdrift.changes \
         WHERE $1::text IS NULL OR started_at >= $1::text::timestamptz ORDER BY started_at, id",
        utc("started_at"),
        utc("finished_at")
    );
    let rows = client
        .query(&sql, &[&since])
        .await
        .map_err(db("reading pgdrift.changes"))?;
    Ok(rows
        .iter()
        .map(|r| ChangeRow {
            id: r.get(0),
            action: r.get(1),
            subject: r.get(2),
            started_at: r.get(3),
            finished_at: r.get(4),
            execution_ms: r.get(5),
            db_user: r.get(6),
            os_user: r.get(7),
            outcome: r.get(8),
            script: r.get(9),
            checksum: r.get(10),
            detail: serde_json::from_str(r.get::<_, &str>(11)).unwrap_or_default(),
            error: r.get(12),
            pgdrift_version: r.get(13),
            sort_key: r.get(14),
        })
        .collect())
}
