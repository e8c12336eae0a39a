//! Facts about one database: how many of the user's objects of each kind it holds, its
//! extensions, and what `pg_stat_user_tables` says about its activity, read in one
//! `REPEATABLE READ, READ ONLY` transaction with short lock and statement timeouts.
//!
//! The user's objects are counted as the catalog reader sees them: outside the system's
//! schemas, pgdrift's backup schema and temporary schemas, and not owned by an extension.
//! Partitions are counted apart from tables (`tables` and `partitioned_tables` count only
//! tables that are not partitions); identity sequences are part of their column and not
//! counted; a partitioned index counts once, not once per partition. `fleet/queries/
//! database_facts.sql` has the full rules.

use super::{timeout_ms, Columns, FactsError, LOCK_TIMEOUT_MS};
use crate::pg::{connect, ConnInfo, Connection};
use std::time::Duration;

const FACTS_SQL: &str = include_str!("../queries/database_facts.sql");
const EXTENSIONS_SQL: &str = include_str!("../queries/extensions.sql");

/// What one database holds and how busy its tables are.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DatabaseFacts {
    /// The database read.
    pub database: String,
    /// The server's version, e.g. `16.4`.
    pub server_version: String,
    /// Whether the transaction the facts were read in was read-only (`transaction_read_only`).
    pub read_only: bool,
    pub objects: ObjectCounts,
    /// Installed extensions, by name.
    pub extensions: Vec<ExtensionInfo>,
    pub tables: TableActivity,
}

/// How many of the user's objects there are of each kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ObjectCounts {
    /// Schemas, `public` included.
    pub schemas: u64,
    /// Ordinary tables that are not partitions.
    pub tables: u64,
    /// Partitioned tables that are not themselves partitions.
    pub partitioned_tables: u64,
    /// Partitions of partitioned tables, at every level.
    pub partitions: u64,
    /// Foreign tables that are not partitions.
    pub foreign_tables: u64,
    pub views: u64,
    pub materialized_views: u64,
    /// Functions, window functions included.
    pub functions: u64,
    pub aggregates: u64,
    pub procedures: u64,
    /// Sequences, those of identity columns left out.
    pub sequences: u64,
    /// Indexes of tables and materialized views; a partitioned index counts once.
    pub indexes: u64,
    pub enums: u64,
    pub domains: u64,
}

/// One installed extension.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExtensionInfo {
    pub name: String,
    pub version: String,
    /// The schema its objects went into.
    pub schema: String,
}

/// What the statistics of the user's tables say, summed over all of them. Counters count
/// since the statistics were last reset; times are UTC, `YYYY-MM-DDTHH:MM:SSZ`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TableActivity {
    /// Estimated live rows (`n_live_tup`).
    pub live_rows: i64,
    /// Estimated dead rows (`n_dead_tup`).
    pub dead_rows: i64,
    /// Rows inserted, updated and deleted (`n_tup_ins + n_tup_upd + n_tup_del`): whether
    /// anything writes to the database at all.
    pub rows_written: i64,
    /// The newest `last_vacuum` of any table.
    pub last_vacuum: Option<String>,
    pub last_autovacuum: Option<String>,
    pub last_analyze: Option<String>,
    pub last_autoanalyze: Option<String>,
}

/// Reads the facts of the database `db` names. Each query may run for `statement_timeout`
/// (zero: no limit); a catalog lock is waited for at most two seconds.
pub async fn database_facts(
    db: &ConnInfo,
    statement_timeout: Duration,
) -> Result<DatabaseFacts, FactsError> {
    let conn = connect(db).await?;
    let begin = format!(
        "BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;\n\
         SET LOCAL search_path = pg_catalog;\n\
         SET LOCAL statement_timeout = {};\n\
         SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS};\n",
        timeout_ms(statement_timeout)
    );
    conn.client.batch_execute(&begin).await.map_err(|e| {
        FactsError::query(&conn, "the catalog (starting a read-only transaction)", &e)
    })?;
    let facts = facts_in_transaction(&conn).await;
    let _ = conn.client.batch_execute("COMMIT").await;
    facts
}

/// Reads the facts of the database `conn` is connected to, inside the `REPEATABLE READ,
/// READ ONLY` transaction (with `search_path = pg_catalog`) the caller has begun, which it
/// leaves open.
pub async fn facts_in_transaction(conn: &Connection) -> Result<DatabaseFacts, FactsError> {
    // Both queries are sent at once (tokio-postgres pipelines them on the connection).
    let (row, extension_rows) = futures_util::future::try_join(
        async {
            conn.client
                .query_one(FACTS_SQL, &[])
                .await
                .map_err(|e| FactsError::query(conn, "object counts and table statistics", &e))
        },
        async {
            conn.client
                .query(EXTENSIONS_SQL, &[])
                .await
                .map_err(|e| FactsError::query(conn, "the extensions", &e))
        },
    )
    .await?;
    let cols = Columns::new(&row, conn, "object counts and table statistics");
    let extensions = extension_rows
        .iter()
        .map(|r| extension(&Columns::new(r, conn, "the extensions")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DatabaseFacts {
        database: conn.database.clone(),
        server_version: conn.version.text.clone(),
        read_only: cols.get("read_only")?,
        objects: object_counts(&cols)?,
        extensions,
        tables: table_activity(&cols)?,
    })
}

fn object_counts(cols: &Columns<'_>) -> Result<ObjectCounts, FactsError> {
    Ok(ObjectCounts {
        schemas: cols.count("schemas")?,
        tables: cols.count("tables")?,
        partitioned_tables: cols.count("partitioned_tables")?,
        partitions: cols.count("partitions")?,
        foreign_tables: cols.count("foreign_tables")?,
        views: cols.count("views")?,
        materialized_views: cols.count("materialized_views")?,
        functions: cols.count("functions")?,
        aggregates: cols.count("aggregates")?,
        procedures: cols.count("procedures")?,
        sequences: cols.count("sequences")?,
        indexes: cols.count("indexes")?,
        enums: cols.count("enums")?,
        domains: cols.count("domains")?,
    })
}

fn table_activity(cols: &Columns<'_>) -> Result<TableActivity, FactsError> {
    Ok(TableActivity {
        live_rows: cols.get("live_rows")?,
        dead_rows: cols.get("dead_rows")?,
        rows_written: cols.get("rows_written")?,
        last_vacuum: cols.get("last_vacuum")?,
        last_autovacuum: cols.get("last_autovacuum")?,
        last_analyze: cols.get("last_analyze")?,
        last_autoanalyze: cols.get("last_autoanalyze")?,
    })
}

fn extension(cols: &Columns<'_>) -> Result<ExtensionInfo, FactsError> {
    Ok(ExtensionInfo {
        name: cols.get("name")?,
        version: cols.get("version")?,
        schema: cols.get("schema")?,
    })
}
