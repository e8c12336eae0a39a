//! Everything pgdrift did to a database, in order: the migrations it applied or baselined
//! (`pgdrift.migrations`), the plans it applied, repairs and resets (`pgdrift.changes`),
//! and what it quarantined, restored and dropped (`pgdrift.cleanup_history`). Each entry
//! says when (UTC), who (database user, and the operating system's user where recorded),
//! what, the text that ran and how it ended.

use super::{changelog, MigrateError};
use serde::Serialize;
use tokio_postgres::Client;

/// One thing pgdrift did.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    /// When it started, `YYYY-MM-DD HH:MM:SS UTC`.
    pub at: String,
    /// `migration`, `baseline`, `plan`, `repair`, `reset`, `quarantine`, `restore`, `drop`.
    pub action: String,
    /// What it acted on: a migration's version and description, a plan file, an object.
    pub subject: String,
    pub db_user: String,
    pub os_user: Option<String>,
    /// `applied`, `failed`, `differs`, `running` (or its process died), `done`.
    pub outcome: String,
    pub execution_ms: Option<i64>,
    pub checksum: Option<String>,
    /// What else was recorded (fingerprints, reason, backup, rows).
    pub detail: serde_json::Value,
    /// The text that ran, when recorded.
    pub text: Option<String>,
    #[serde(skip)]
    sort_key: String,
}

fn db(context: &'static str) -> impl FnOnce(tokio_postgres::Error) -> MigrateError {
    move |e| MigrateError::Database {
        context: context.to_string(),
        message: crate::pg::connect::db_message(&e),
    }
}

const UTC: &str = "'YYYY-MM-DD HH24:MI:SS'";
const KEY: &str = "'YYYY-MM-DD HH24:MI:SS.US'";

/// The log of the database `client` is connected to, oldest first; with `since` (a date or
/// time PostgreSQL reads, in the server's time zone), only what happened then or later.
pub async fn read(client: &Client, since: Option<&str>) -> Result<Vec<LogEntry>, MigrateError> {
    if let Some(since) = since {
        client
            .query_one("SELECT $1::text::timestamptz", &[&since])
            .await
            .map_err(db("reading --since as a date or time"))?;
    }
    let mut out = migrations(client, since).await?;
    out.extend(cleanups(client, since).await?);
    for c in changelog::read(client, since).await? {
        out.push(LogEntry {
            sort_key: c.sort_key.clone(),
            at: c.started_at,
            action: c.action,
            subject: c.subject,
            db_user: c.db_user,
            os_user: c.os_user,
            outcome: c.outcome,
            execution_ms: c.execution_ms,
            checksum: c.checksum,
            detail: match c.error {
                Some(error) => with(c.detail, "error", error.into()),
                None => c.detail,
            },
            text: c.script,
        });
    }
    out.sort_by(|a, b| a.sort_key.cmp(&b.sort_key));
    Ok(out)
}

fn with(mut detail: serde_json::Value, key: &str, value: serde_json::Value) -> serde_json::Value {
    if let serde_json::Value::Object(map) = &mut detail {
        map.insert(key.to_string(), value);
    }
    detail
}

async fn exists(client: &Client, table: &str) -> Result<bool, MigrateError> {
    let row = client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&table])
        .await
        .map_err(db("looking for pgdrift's tables"))?;
    Ok(row.get(0))
}

async fn migrations(client: &Client, since: Option<&str>) -> Result<Vec<LogEntry>, MigrateError> {
    if !exists(client, "pgdrift.migrations").await? {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT to_char(applied_at AT TIME ZONE 'UTC', {UTC}) || ' UTC', \
         to_char(applied_at AT TIME ZONE 'UTC', {KEY}), version, description, checksum, \
         applied_by, execution_ms, baseline, script, kind, no_transaction FROM pgdrift.migrations \
         WHERE $1::text IS NULL OR applied_at >= $1::text::timestamptz"
    );
    let rows = client
        .query(&sql, &[&since])
        .await
        .map_err(db("reading pgdrift.migrations"))?;
    Ok(rows
        .iter()
        .map(|r| {
            let (version, description): (String, String) = (r.get(2), r.get(3));
            let baseline: bool = r.get(7);
            LogEntry {
                at: r.get(0),
                sort_key: r.get(1),
                action: if baseline { "baseline" } else { "migration" }.into(),
                subject: if description.is_empty() {
                    version
                } else {
                    format!("{version} {description}")
                },
                db_user: r.get(5),
                os_user: None,
                outcome: if baseline {
                    "marked applied"
                } else {
                    "applied"
                }
                .into(),
                execution_ms: Some(r.get(6)),
                checksum: Some(r.get(4)),
                detail: serde_json::json!({"kind": r.get::<_, String>(9),
                    "no_transaction": r.get::<_, bool>(10)}),
                text: r.get(8),
            }
        })
        .collect())
}

async fn cleanups(client: &Client, since: Option<&str>) -> Result<Vec<LogEntry>, MigrateError> {
    if !exists(client, "pgdrift.cleanup_history").await? {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT to_char(at AT TIME ZONE 'UTC', {UTC}) || ' UTC', to_char(at AT TIME ZONE 'UTC', {KEY}), \
         action, kind, original_schema, original_name, db_user, os_user, reason, backup, \
         row_count, checksum, current_schema_name, current_object_name \
         FROM pgdrift.cleanup_history WHERE $1::text IS NULL OR at >= $1::text::timestamptz"
    );
    let rows = client
        .query(&sql, &[&since])
        .await
        .map_err(db("reading pgdrift.cleanup_history"))?;
    Ok(rows
        .iter()
        .map(|r| {
            let kind: String = r.get(3);
            let name = crate::sql::QualIdent(r.get(4), r.get(5)).to_string();
            LogEntry {
                at: r.get(0),
                sort_key: r.get(1),
                action: r.get(2),
                subject: format!("{kind} {name}"),
                db_user: r.get(6),
                os_user: r.get(7),
                outcome: "done".into(),
                execution_ms: None,
                checksum: r.get(11),
                detail: serde_json::json!({"reason": r.get::<_, Option<String>>(8),
                    "backup": r.get::<_, Option<String>>(9),
                    "rows": r.get::<_, Option<i64>>(10),
                    "now_at": r.get::<_, Option<String>>(12).zip(r.get::<_, Option<String>>(13))
                        .map(|(s, n)| crate::sql::QualIdent(&s, &n).to_string())}),
                text: None,
            }
        })
        .collect())
}
