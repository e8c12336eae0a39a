//! The inventory of one server: its version, when it started, and every database it holds
//! (templates and databases that refuse connections included, flagged as such), read in one
//! query over `pg_database` and `pg_stat_database`.

use super::{timeout_ms, Columns, FactsError, LOCK_TIMEOUT_MS};
use crate::pg::{connect, ConnInfo};
use std::time::Duration;

const INVENTORY_SQL: &str = include_str!("../queries/server_inventory.sql");

/// How long the inventory query may run: summing the files of many big databases takes a
/// while on slow disks, but never this long on a healthy server.
const INVENTORY_TIMEOUT: Duration = Duration::from_secs(300);

/// What a server holds.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ServerInventory {
    /// `server_version` as the server reports it, e.g. `16.4 (Debian 16.4-1.pgdg120+2)`.
    pub version: String,
    /// `server_version_num`, e.g. 160004.
    pub version_num: u32,
    /// When the server started (`pg_postmaster_start_time()`), UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub started_at: Option<String>,
    /// Every database, by name.
    pub databases: Vec<DatabaseInfo>,
}

/// One database of a server. Counters come from `pg_stat_database` and count since
/// `stats_reset` (or since the statistics were created).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DatabaseInfo {
    pub name: String,
    pub owner: String,
    /// The character set, e.g. `UTF8`.
    pub encoding: String,
    /// `LC_COLLATE`.
    pub collation: String,
    /// `LC_CTYPE`.
    pub ctype: String,
    /// Whether the role that read the inventory may connect (`CONNECT` privilege).
    pub can_connect: bool,
    /// On-disk size in bytes; `None` when the role may not connect, or the database is invalid.
    pub size_bytes: Option<i64>,
    /// `datallowconn`: false for `template0` and databases closed to connections.
    pub allows_connections: bool,
    pub is_template: bool,
    /// Left half-dropped by an interrupted `DROP DATABASE`: it can only be dropped.
    pub invalid: bool,
    /// `-1` for no limit.
    pub connection_limit: i32,
    /// Transactions since the database was last frozen (`age(datfrozenxid)`): wraparound
    /// comes at about 2 billion.
    pub xid_age: i32,
    /// Sessions connected when read.
    pub backends: i32,
    pub xact_commit: i64,
    pub xact_rollback: i64,
    pub blks_read: i64,
    pub blks_hit: i64,
    pub tup_inserted: i64,
    pub tup_updated: i64,
    pub tup_deleted: i64,
    /// When the counters were last reset, UTC; `None` if never.
    pub stats_reset: Option<String>,
}

/// Lists every database of the server `server` reaches, through one connection to the
/// database it names (any database the role may connect to serves, usually `postgres`).
pub async fn server_inventory(server: &ConnInfo) -> Result<ServerInventory, FactsError> {
    let conn = connect(server).await?;
    let what = "the list of databases";
    let begin = format!(
        "BEGIN TRANSACTION READ ONLY;\n\
         SET LOCAL statement_timeout = {};\n\
         SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS};\n",
        timeout_ms(INVENTORY_TIMEOUT)
    );
    conn.client
        .batch_execute(&begin)
        .await
        .map_err(|e| FactsError::query(&conn, what, &e))?;
    let rows = conn
        .client
        .query(INVENTORY_SQL, &[])
        .await
        .map_err(|e| FactsError::query(&conn, what, &e))?;
    let _ = conn.client.batch_execute("COMMIT").await;
    let mut inventory = ServerInventory {
        version: conn.version.text.clone(),
        version_num: conn.version.num,
        started_at: None,
        databases: Vec::with_capacity(rows.len()),
    };
    if let Some(row) = rows.first() {
        let cols = Columns::new(row, &conn, what);
        inventory.version = cols.get("server_version")?;
        inventory.version_num = u32::try_from(cols.get::<i32>("server_version_num")?).unwrap_or(0);
        inventory.started_at = cols.get("started_at")?;
    }
    for row in &rows {
        let cols = Columns::new(row, &conn, what);
        inventory.databases.push(database_info(&cols)?);
    }
    Ok(inventory)
}

fn database_info(cols: &Columns<'_>) -> Result<DatabaseInfo, FactsError> {
    Ok(DatabaseInfo {
        name: cols.get("name")?,
        owner: cols.get("owner")?,
        encoding: cols.get("encoding")?,
        collation: cols.get("collation")?,
        ctype: cols.get("ctype")?,
        can_connect: cols.get("can_connect")?,
        size_bytes: cols.get("size_bytes")?,
        allows_connections: cols.get("allows_connections")?,
        is_template: cols.get("is_template")?,
        invalid: cols.get("invalid")?,
        connection_limit: cols.get("connection_limit")?,
        xid_age: cols.get("xid_age")?,
        backends: cols.get("backends")?,
        xact_commit: cols.get("xact_commit")?,
        xact_rollback: cols.get("xact_rollback")?,
        blks_read: cols.get("blks_read")?,
        blks_hit: cols.get("blks_hit")?,
        tup_inserted: cols.get("tup_inserted")?,
        tup_updated: cols.get("tup_updated")?,
        tup_deleted: cols.get("tup_deleted")?,
        stats_reset: cols.get("stats_reset")?,
    })
}
