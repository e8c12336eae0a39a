//! A relation's row count and checksum, to prove a restore brings back the same rows: each
//! row's text is hashed (MD5, first 64 bits) and the hashes are summed as a `numeric`, so
//! the aggregate streams over any number of rows in constant memory and does not depend on
//! their order. Text forms are fixed for the statement (UTC, ISO dates, exact floats), so
//! that two sessions compute the same value.

use super::{db_error, CleanupError};
use crate::pg::Connection;
use crate::sql::QualIdent;
use serde::Serialize;

/// Rows and their checksum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checksum {
    pub rows: i64,
    pub checksum: String,
}

/// The settings the row texts are printed with, for the rest of the transaction.
const SETTINGS: &str = "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, MDY'; \
    SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 3";

/// The row count and checksum of `schema.name` (a table or materialized view), in a
/// transaction of its own.
pub async fn checksum(
    conn: &Connection,
    schema: &str,
    name: &str,
) -> Result<Checksum, CleanupError> {
    conn.client
        .batch_execute("BEGIN READ ONLY")
        .await
        .map_err(db_error(conn, "beginning a transaction"))?;
    let result = checksum_in(conn, schema, name).await;
    let _ = conn.client.batch_execute("COMMIT").await;
    result
}

/// The same, inside the caller's transaction (whose text settings it fixes).
pub(crate) async fn checksum_in(
    conn: &Connection,
    schema: &str,
    name: &str,
) -> Result<Checksum, CleanupError> {
    let what = format!("computing the checksum of {schema}.{name}");
    conn.client
        .batch_execute(SETTINGS)
        .await
        .map_err(db_error(conn, what.clone()))?;
    let sql = format!(
        "SELECT count(*), coalesce(sum(('x' || left(md5(t::text), 16))::bit(64)::int8::numeric), 0)::text \
         FROM ONLY {} t",
        QualIdent(schema, name)
    );
    let row = conn
        .client
        .query_one(&sql, &[])
        .await
        .map_err(db_error(conn, what))?;
    Ok(Checksum {
        rows: row.get(0),
        checksum: row.get(1),
    })
}
