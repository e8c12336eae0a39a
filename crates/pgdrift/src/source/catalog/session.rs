//! The read-only sessions a catalog read runs in: one `REPEATABLE READ, READ ONLY`
//! transaction, plus (on big catalogs) more connections sharing its snapshot through
//! `pg_export_snapshot` / `SET TRANSACTION SNAPSHOT`, as `pg_dump -j` does. Every session
//! clears `search_path` (names come back qualified) and pins the settings that change how
//! values print, so two servers print alike.

use super::{InspectError, InspectOptions};
use crate::pg::{connect, ConnInfo, Connection};
use crate::sql::Literal;

fn begin_sql(snapshot: Option<&str>, opts: &InspectOptions) -> String {
    let mut sql = String::from("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;\n");
    if let Some(id) = snapshot {
        sql.push_str(&format!("SET TRANSACTION SNAPSHOT {};\n", Literal(id)));
    }
    sql.push_str(&settings_sql(opts));
    sql
}

/// The settings every catalog read runs with, for the rest of the transaction.
fn settings_sql(opts: &InspectOptions) -> String {
    let mut sql = String::new();
    // search_path = pg_catalog qualifies every other schema's names, exactly like an empty
    // path, but keeps the server's name-visibility caches warm (an empty path makes
    // deparsing operators several times slower). work_mem keeps the hash joins over a big
    // catalog's relations in memory.
    sql.push_str(&format!(
        "SET LOCAL search_path = pg_catalog;\n\
         SET LOCAL TimeZone = 'UTC';\n\
         SET LOCAL DateStyle = 'ISO, MDY';\n\
         SET LOCAL IntervalStyle = 'postgres';\n\
         SET LOCAL extra_float_digits = 3;\n\
         SET LOCAL max_parallel_workers_per_gather = 0;\n\
         SET LOCAL jit = off;\n\
         SET LOCAL work_mem = '32MB';\n\
         SET LOCAL statement_timeout = {};\n\
         SET LOCAL lock_timeout = {};\n",
        opts.statement_timeout.as_millis(),
        opts.lock_timeout.as_millis()
    ));
    sql
}

/// Applies the catalog read's settings inside the transaction the caller has begun.
pub(crate) async fn settings(conn: &Connection, opts: &InspectOptions) -> Result<(), InspectError> {
    conn.client
        .batch_execute(&settings_sql(opts))
        .await
        .map_err(|e| InspectError::query(conn, "the catalog (session settings)", &e))
}

async fn begin(
    conn: &Connection,
    snapshot: Option<&str>,
    opts: &InspectOptions,
) -> Result<(), InspectError> {
    conn.client
        .batch_execute(&begin_sql(snapshot, opts))
        .await
        .map_err(|e| {
            InspectError::query(conn, "the catalog (starting a read-only transaction)", &e)
        })
}

/// Connects to `info` and starts the read transaction.
pub(crate) async fn open_first(
    info: &ConnInfo,
    opts: &InspectOptions,
) -> Result<Connection, InspectError> {
    let conn = connect(info).await?;
    begin(&conn, None, opts).await?;
    Ok(conn)
}

/// Exports `first`'s snapshot for other sessions to share. When the server will not (a
/// standby, a pooler), `first`'s transaction is restarted and `None` returned: the read then
/// runs on `first` alone. Call before reading anything.
pub(crate) async fn export_snapshot(
    first: &Connection,
    opts: &InspectOptions,
) -> Result<Option<String>, InspectError> {
    match first
        .client
        .query_one("SELECT pg_export_snapshot()", &[])
        .await
    {
        Ok(row) => Ok(Some(row.get::<_, String>(0))),
        Err(_) => {
            let _ = first.client.batch_execute("ROLLBACK").await;
            begin(first, None, opts).await?;
            Ok(None)
        }
    }
}

/// Opens up to `extra` more connections that see exactly what the snapshot saw; one that
/// fails to open is simply not used.
pub(crate) async fn open_more(
    info: &ConnInfo,
    snapshot: &str,
    extra: usize,
    opts: &InspectOptions,
) -> Vec<Connection> {
    let opened = futures_util::future::join_all((0..extra).map(|_| async {
        let conn = connect(info).await.ok()?;
        begin(&conn, Some(snapshot), opts).await.ok()?;
        Some(conn)
    }))
    .await;
    opened.into_iter().flatten().collect()
}

/// Ends the transactions (read-only: nothing to keep); the connections close when dropped.
pub(crate) async fn close(conns: &[Connection]) {
    for conn in conns {
        let _ = conn.client.batch_execute("COMMIT").await;
    }
}
