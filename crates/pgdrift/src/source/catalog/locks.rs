//! When a catalog read gives up on a lock: which tables other sessions hold (or wait for) in
//! `ACCESS EXCLUSIVE`, the only mode that blocks the brief `ACCESS SHARE` the server takes
//! to write a view, a trigger's condition, a policy or an expression back as SQL, and what
//! to do about it. Read after the failed transaction has ended (`pg_locks` is not part of
//! any snapshot), on the same connection.

use super::InspectError;
use crate::pg::Connection;

/// A table another session holds, or waits for, in `ACCESS EXCLUSIVE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedTable {
    /// `schema.table`, quoted as needed (its OID when this session cannot see it yet).
    pub name: String,
    /// The backend that holds or wants the lock.
    pub pid: i32,
    /// Held (`true`) or still waited for (new readers queue behind a waiting request too).
    pub granted: bool,
    /// When that backend's transaction started (UTC), when this role may see it.
    pub since: Option<String>,
}

/// Every relation lock in `ACCESS EXCLUSIVE` mode that another session of this database
/// holds or waits for: the locks a read's `ACCESS SHARE` queues behind.
const HOLDERS: &str = "\
SELECT coalesce(format('%I.%I', n.nspname, c.relname), l.relation::text) AS name,
       l.pid, l.granted,
       to_char(a.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS since
FROM pg_catalog.pg_locks l
LEFT JOIN pg_catalog.pg_class c ON c.oid = l.relation
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
  AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
  AND l.pid <> pg_backend_pid()
ORDER BY l.granted DESC, 1, 2";

/// The tables other sessions hold in `ACCESS EXCLUSIVE` (none when the query fails: the
/// message then says only what happened). `conn` must not be in a failed transaction.
pub async fn locked_tables(conn: &Connection) -> Vec<LockedTable> {
    let Ok(rows) = conn.client.query(HOLDERS, &[]).await else {
        return Vec::new();
    };
    rows.iter()
        .map(|r| LockedTable {
            name: r.get(0),
            pid: r.get(1),
            granted: r.get(2),
            since: r.get(3),
        })
        .collect()
}

impl InspectError {
    /// This error with the locked tables named, when it is a read that gave up waiting for
    /// a lock; read on `conn` once the read's transaction has ended. Any other error is
    /// returned as it is.
    pub async fn with_lock_holders(self, conn: &Connection) -> InspectError {
        match self {
            InspectError::Locked {
                target,
                what,
                tables,
            } if tables.is_empty() => InspectError::Locked {
                target,
                what,
                tables: locked_tables(conn).await,
            },
            other => other,
        }
    }

    /// True when the read gave up waiting for a table lock another session holds.
    pub fn is_lock_timeout(&self) -> bool {
        matches!(self, InspectError::Locked { .. })
    }
}

/// What a lock timeout means and what to do, naming the tables when they are known.
pub(super) fn describe(tables: &[LockedTable]) -> String {
    const WHY: &str = "the server had to open a table to write one of its definitions back \
        as SQL (a view, a trigger's WHEN condition, a policy, a partition bound; with \
        --deparse server also defaults, checks and index expressions), and gave up waiting \
        for its lock";
    if tables.is_empty() {
        return format!(
            "{WHY}; another session held a table in ACCESS EXCLUSIVE (it has ended since, or \
             this role may not see it): run the read again"
        );
    }
    let named: Vec<String> = tables
        .iter()
        .map(|t| {
            let how = if t.granted { "held" } else { "requested" };
            let since = t
                .since
                .as_ref()
                .map_or_else(String::new, |s| format!(", in a transaction since {s} UTC"));
            format!("{} ({how} by pid {}{since})", t.name, t.pid)
        })
        .collect();
    let pids: Vec<String> = tables.iter().map(|t| t.pid.to_string()).collect();
    format!(
        "{WHY}: another session holds ACCESS EXCLUSIVE on {}; run the read again once that \
         transaction ends (see it with SELECT pid, usename, state, xact_start FROM \
         pg_stat_activity WHERE pid IN ({}))",
        named.join(", "),
        pids.join(", ")
    )
}
