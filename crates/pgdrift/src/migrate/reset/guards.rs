//! The size and activity guards, read on the database before anything is dropped.
//!
//! Size: the rows of every table outside the system's and pgdrift's schemas, estimated from
//! `pg_class.reltuples` and `pg_stat_user_tables.n_live_tup` (the larger), and counted (up to
//! the limit) for tables never analyzed or vacuumed, whose estimate is unknown.
//!
//! Activity: other client sessions on the database that are running a statement or inside a
//! transaction, or whose connection, transaction or last state change falls in the window; on
//! PostgreSQL 16 and newer also tables (outside pgdrift's schemas) scanned in the window,
//! scans that the last reset's own migrations made aside. A session that connected and left
//! in the window without scanning a table leaves no trace, on any version; on PostgreSQL 14
//! and 15 neither does one that scanned tables.

use super::wanted::droppable;
use super::{db_error, ResetError};
use crate::pg::Connection;
use crate::sql::QualIdent;
use serde::Serialize;

/// The rows a database holds, as far as the guard needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowCount {
    /// Rows counted or estimated, up to just past the limit.
    pub rows: u64,
    /// The largest table.
    pub largest: Option<Largest>,
}

/// The table with the most rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Largest {
    /// `schema.table`.
    pub table: String,
    pub rows: u64,
}

const TABLES: &str = "SELECT n.nspname::text, c.relname::text,
           greatest(c.reltuples::float8, coalesce(s.n_live_tup, 0)::float8) AS estimate,
           c.reltuples < 0 AS unknown
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
    WHERE c.relkind IN ('r', 'm') AND c.relpersistence <> 't'
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname !~ '^pg_(toast|temp_)'
    ORDER BY 3 DESC, 1, 2";

/// The rows of the database, counting tables without an estimate (at most `limit + 1` rows
/// in all: past the limit, the number no longer matters).
pub async fn count_rows(conn: &Connection, limit: u64) -> Result<RowCount, ResetError> {
    let failed = |what| db_error(&conn.database, what);
    let tables = (conn.client.query(TABLES, &[]).await).map_err(failed("estimating the rows"))?;
    let mut total = 0u64;
    let mut largest: Option<Largest> = None;
    for row in &tables {
        let (schema, name): (String, String) = (row.get(0), row.get(1));
        if !droppable(&schema) {
            continue;
        }
        let rows = match row.get::<_, bool>(3) {
            false => row.get::<_, f64>(2).max(0.0) as u64,
            true => count_table(conn, &schema, &name, limit.saturating_sub(total)).await?,
        };
        total = total.saturating_add(rows);
        if largest.as_ref().is_none_or(|l| rows > l.rows) {
            largest = Some(Largest {
                table: format!("{schema}.{name}"),
                rows,
            });
        }
        if total > limit {
            break;
        }
    }
    Ok(RowCount {
        rows: total,
        largest,
    })
}

/// The rows of `schema.name`, counted up to `budget + 1`.
async fn count_table(
    conn: &Connection,
    schema: &str,
    name: &str,
    budget: u64,
) -> Result<u64, ResetError> {
    let limit = i64::try_from(budget.saturating_add(1)).unwrap_or(i64::MAX);
    let sql = format!(
        "SELECT count(*) FROM (SELECT FROM {} LIMIT $1) s",
        QualIdent(schema, name)
    );
    let context = format!("counting the rows of {schema}.{name}");
    let row = (conn.client.query_one(&sql, &[&limit]).await)
        .map_err(db_error(&conn.database, &context))?;
    Ok(u64::try_from(row.get::<_, i64>(0)).unwrap_or(0))
}

/// Another session that uses (or used) the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Busy {
    /// What was seen: a session (`pid`, user, application, state) or a table scanned.
    pub what: String,
    /// When, `YYYY-MM-DD HH:MM:SS UTC`.
    pub at: Option<String>,
}

/// Everything that makes the database look in use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Activity {
    pub sessions: Vec<Busy>,
    /// Tables scanned in the window (PostgreSQL 16 and newer).
    pub scans: Vec<Busy>,
    /// False before PostgreSQL 16: table scans could not be seen.
    pub scans_visible: bool,
}

impl Activity {
    pub fn is_busy(&self) -> bool {
        !self.sessions.is_empty() || !self.scans.is_empty()
    }
}

fn utc(column: &str) -> String {
    format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC'")
}

/// Other client sessions active, in a transaction, or seen in the last `minutes`; a session
/// whose state this role may not read counts as busy.
fn sessions_sql() -> String {
    let last = "greatest(a.state_change, a.xact_start, a.backend_start)";
    format!(
        "SELECT format('session %s (user %s%s, %s)', a.pid, coalesce(a.usename::text, '?'),
                   CASE WHEN coalesce(a.application_name, '') <> ''
                        THEN ', application ' || a.application_name ELSE '' END,
                   coalesce(a.state, 'state hidden from this role')),
                {}
         FROM pg_stat_activity a
         WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
           AND a.backend_type = 'client backend'
           AND (a.state IS DISTINCT FROM 'idle' OR a.xact_start IS NOT NULL
                OR {last} > clock_timestamp() - $1::float8 * interval '1 minute')
         ORDER BY a.pid",
        utc(last)
    )
}

/// Tables scanned in the window, after the last reset (whose migrations scan tables too).
fn scans_sql() -> String {
    let last = "greatest(s.last_seq_scan, s.last_idx_scan)";
    format!(
        "SELECT format('table %I.%I scanned', s.schemaname, s.relname), {}
         FROM pg_stat_user_tables s
         WHERE s.schemaname NOT IN ('pgdrift', 'pgdrift_backup')
           AND {last} > clock_timestamp() - $1::float8 * interval '1 minute'
           AND {last} > coalesce($2::text::timestamptz, '-infinity')
         ORDER BY {last} DESC, 1 LIMIT 20",
        utc(last)
    )
}

/// The end of the last reset recorded in the change log, if any.
const LAST_RESET: &str = "SELECT max(finished_at)::text FROM pgdrift.changes
    WHERE action = 'reset' AND outcome = 'applied'";

/// Reads who uses the database, in the last `minutes`.
pub async fn activity(conn: &Connection, minutes: u64) -> Result<Activity, ResetError> {
    let failed = |what| db_error(&conn.database, what);
    let window = minutes as f64;
    let busy = |r: &tokio_postgres::Row| Busy {
        what: r.get(0),
        at: r.get(1),
    };
    let sessions = (conn.client.query(&sessions_sql(), &[&window]).await)
        .map_err(failed("reading pg_stat_activity"))?;
    let scans_visible = conn.version.major() >= 16;
    let mut scans = Vec::new();
    if scans_visible {
        let last_reset: Option<String> = match super::super::changelog::exists(&conn.client).await?
        {
            true => (conn.client.query_one(LAST_RESET, &[]).await)
                .map_err(failed("reading pgdrift.changes"))?
                .get(0),
            false => None,
        };
        scans = (conn
            .client
            .query(&scans_sql(), &[&window, &last_reset])
            .await)
            .map_err(failed("reading pg_stat_user_tables"))?
            .iter()
            .map(busy)
            .collect();
    }
    Ok(Activity {
        sessions: sessions.iter().map(busy).collect(),
        scans,
        scans_visible,
    })
}
