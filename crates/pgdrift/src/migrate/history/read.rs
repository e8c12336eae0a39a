//! Reading the history: one `REPEATABLE READ, READ ONLY` transaction, the detection query,
//! then one query per recognised table built from its tracker's select list (a homegrown
//! log's from its layout). Nothing is created or written; the transaction is rolled back in
//! every case.

use super::detect::{detect, Candidate};
use super::{AppliedRow, History, HistoryError, RowStatus, ToolHistory, Tracker};
use crate::pg::{mask_urls, Connection};
use crate::sql::{Ident, QualIdent};

/// How the read transaction starts: read-only, times printed in UTC, names qualified, and
/// short lock waits (a running migration holding its table is reported, not waited for).
const BEGIN: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;
SET LOCAL search_path = pg_catalog;
SET LOCAL TimeZone = 'UTC';
SET LOCAL DateStyle = 'ISO, MDY';
SET LOCAL statement_timeout = 300000;
SET LOCAL lock_timeout = 10000;";

/// Reads every migration tracking table in the database `conn` is connected to.
///
/// Runs in a read-only transaction of its own, which it rolls back; `conn` must not be in a
/// transaction already.
pub async fn read_history(conn: &Connection) -> Result<History, HistoryError> {
    conn.client
        .batch_execute(BEGIN)
        .await
        .map_err(|e| HistoryError::Begin {
            target: conn.target.clone(),
            reason: mask_urls(&e.to_string()),
        })?;
    let result = read_all(conn).await;
    let rollback = conn.client.batch_execute("ROLLBACK").await;
    let history = result?;
    rollback.map_err(|e| HistoryError::Begin {
        target: conn.target.clone(),
        reason: format!("ending the read-only transaction: {e}"),
    })?;
    Ok(history)
}

/// Reads every migration tracking table inside the `REPEATABLE READ, READ ONLY` transaction
/// the caller has begun (with `search_path = pg_catalog` and times in UTC), which it leaves
/// open: for reading the history in the same snapshot as other facts.
pub async fn read_history_in_transaction(conn: &Connection) -> Result<History, HistoryError> {
    read_all(conn).await
}

async fn read_all(conn: &Connection) -> Result<History, HistoryError> {
    let detected = detect(conn).await?;
    let mut trackers = Vec::with_capacity(detected.known.len());
    for found in detected.known {
        let (tracker, candidate) = (found.tracker, &found.candidate);
        let mut history = if candidate.readable {
            let sql = match &found.layout {
                Some(layout) => layout.read_sql(&candidate.schema, &candidate.table),
                None => read_sql(tracker, &candidate.schema, &candidate.table),
            };
            let rows = read_rows(conn, tracker, candidate, &sql).await?;
            ToolHistory::build(tracker, &candidate.schema, &candidate.table, rows)
        } else {
            let mut h =
                ToolHistory::build(tracker, &candidate.schema, &candidate.table, Vec::new());
            h.unreadable = Some(unreadable(conn, tracker, candidate).await?);
            h
        };
        history.layout = found.layout;
        trackers.push(history);
    }
    Ok(History {
        database: conn.database.clone(),
        trackers,
        unrecognized: detected.unknown,
    })
}

/// Why a tracking table was not read, and the statements that let the role read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The role the history was read as.
    pub role: String,
    /// What the role lacks (`no USAGE on schema pgdrift`).
    pub reason: String,
    /// The `GRANT` statements that give the role what it lacks, `;`-separated.
    pub grant: String,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "role {} has {}: {}", self.role, self.reason, self.grant)
    }
}

/// In reports (JSON included) it is the one line `Display` gives.
impl serde::Serialize for Unreadable {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Which privileges the current role lacks on the tracking table `c`, and the GRANTs that
/// give them.
async fn unreadable(
    conn: &Connection,
    tracker: &Tracker,
    c: &Candidate,
) -> Result<Unreadable, HistoryError> {
    let row = conn
        .client
        .query_one(PRIVILEGES, &[&c.schema, &c.table])
        .await
        .map_err(|e| HistoryError::Read {
            target: conn.target.clone(),
            table: c.qualified(),
            tool: tracker.name,
            reason: mask_urls(&crate::pg::connect::db_message(&e)),
        })?;
    let role: String = row.get(0);
    let (usage, select): (bool, bool) = (row.get(1), row.get(2));
    Ok(unreadable_because(
        &role, &c.schema, &c.table, usage, select,
    ))
}

/// The current role and what it may do with one table and its schema.
const PRIVILEGES: &str = "\
SELECT current_user::text, has_schema_privilege(n.oid, 'USAGE'), has_table_privilege(c.oid, 'SELECT')
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname = $2";

/// What `role` lacks to read `schema.table`, given whether it has USAGE on the schema and
/// SELECT on the table (both, when the answer says it has both: a column grant or a race).
pub fn unreadable_because(
    role: &str,
    schema: &str,
    table: &str,
    usage: bool,
    select: bool,
) -> Unreadable {
    let on_schema = format!("GRANT USAGE ON SCHEMA {} TO {}", Ident(schema), Ident(role));
    let on_table = format!(
        "GRANT SELECT ON {} TO {}",
        QualIdent(schema, table),
        Ident(role)
    );
    let table_name = QualIdent(schema, table);
    let (reason, grants) = match (usage, select) {
        (false, true) => (
            format!("no USAGE on schema {}", Ident(schema)),
            vec![on_schema],
        ),
        (true, false) => (format!("no SELECT on {table_name}"), vec![on_table]),
        _ => (
            format!(
                "neither USAGE on schema {} nor SELECT on {table_name}",
                Ident(schema)
            ),
            vec![on_schema, on_table],
        ),
    };
    Unreadable {
        role: Ident(role).to_string(),
        reason,
        grant: grants.join("; "),
    }
}

/// The alias of the tracking table in read queries. `ORDER BY version` would sort by the
/// select list's `version::text` (an output column's name comes first), so a tracker's
/// order names the table's own columns through this alias where the two collide.
pub(super) const ALIAS: &str = "tracked";

/// The query that reads `table` with `tracker`'s select list.
pub(super) fn read_sql(tracker: &Tracker, schema: &str, table: &str) -> String {
    format!(
        "SELECT {}, {} FROM {} AS tracked ORDER BY {}",
        tracker.select,
        tracker.repeatable,
        QualIdent(schema, table),
        tracker.order
    )
}

async fn read_rows(
    conn: &Connection,
    tracker: &'static Tracker,
    c: &Candidate,
    sql: &str,
) -> Result<Vec<AppliedRow>, HistoryError> {
    let fail = |reason: String| HistoryError::Read {
        target: conn.target.clone(),
        table: c.qualified(),
        tool: tracker.name,
        reason,
    };
    let rows = conn
        .client
        .query(sql, &[])
        .await
        .map_err(|e| fail(mask_urls(&crate::pg::connect::db_message(&e))))?;
    rows.iter()
        .map(|r| {
            let text = |i: usize| -> Option<String> { r.get(i) };
            let status_text: String = r.get(5);
            let status = RowStatus::parse(&status_text)
                .ok_or_else(|| fail(format!("unexpected status {status_text:?}")))?;
            Ok(AppliedRow {
                version: text(0).unwrap_or_default(),
                description: text(1).filter(|d| !d.is_empty()),
                file: text(2),
                checksum: text(3),
                applied_at: text(4),
                success: !status.is_failure(),
                repeatable: r.get(6),
                status,
            })
        })
        .collect()
}
