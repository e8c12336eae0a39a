//! A table's rows as restorable SQL: the columns `COPY` carries (generated ones are computed
//! again), its rows streamed with `COPY ... TO STDOUT` into a `COPY ... FROM stdin` block,
//! and a `setval` for each sequence its columns own, at its position now. Shared by the
//! backups that write restorable files (cleanup's `drop --backup-file`, the migration
//! runner's `--backup-dir`); the caller runs them in the transaction it chose.

use super::Connection;
use crate::sql::{Ident, Literal, QualIdent};
use futures_util::StreamExt;

/// What failed while copying a table out.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// A query failed: what it was doing, and PostgreSQL's message.
    #[error("{what}: {message}")]
    Database { what: String, message: String },
    /// Writing the rows where they go failed.
    #[error("{0}")]
    Write(String),
}

fn db(what: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> CopyError {
    let what = what.into();
    move |e| CopyError::Database {
        what,
        message: super::mask_urls(&super::connect::db_message(&e)),
    }
}

/// The columns COPY carries, quoted, in order.
pub async fn copy_columns(
    conn: &Connection,
    schema: &str,
    name: &str,
) -> Result<Vec<String>, CopyError> {
    let rows = conn
        .client
        .query(
            "SELECT a.attname::text FROM pg_catalog.pg_attribute a \
             JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 \
               AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum",
            &[&schema, &name],
        )
        .await
        .map_err(db(format!("reading the columns of {schema}.{name}")))?;
    Ok(rows
        .iter()
        .map(|r| Ident(r.get::<_, &str>(0)).to_string())
        .collect())
}

/// The `COPY ... FROM stdin` and `COPY ... TO STDOUT` statements of a table.
pub fn copy_statements(schema: &str, name: &str, columns: &[String]) -> (String, String) {
    let table = QualIdent(schema, name);
    let columns = columns.join(", ");
    (
        format!("COPY {table} ({columns}) FROM stdin"),
        format!("COPY {table} ({columns}) TO STDOUT"),
    )
}

/// Streams the rows `copy_to` reads into `put`, chunk by chunk.
pub async fn copy_out(
    conn: &Connection,
    copy_to: &str,
    put: &mut dyn FnMut(&[u8]) -> Result<(), String>,
) -> Result<(), CopyError> {
    let stream = conn
        .client
        .copy_out(copy_to)
        .await
        .map_err(db(copy_to.to_string()))?;
    futures_util::pin_mut!(stream);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(db(copy_to.to_string()))?;
        put(&chunk).map_err(CopyError::Write)?;
    }
    Ok(())
}

/// `SELECT setval(...)` for each sequence a column of `schema.name` owns, at its position
/// now, so that rows restored from the file are not followed by values they already hold.
pub async fn sequence_positions(
    conn: &Connection,
    schema: &str,
    name: &str,
) -> Result<Vec<String>, CopyError> {
    let owned = "SELECT sn.nspname::text, s.relname::text
                 FROM pg_depend d
                 JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
                 JOIN pg_namespace sn ON sn.oid = s.relnamespace
                 JOIN pg_class t ON t.oid = d.refobjid
                 JOIN pg_namespace tn ON tn.oid = t.relnamespace
                 WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
                   AND d.deptype IN ('a', 'i') AND tn.nspname = $1 AND t.relname = $2
                 ORDER BY 1, 2";
    let rows = (conn.client.query(owned, &[&schema, &name]).await)
        .map_err(db("the sequences its columns own"))?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (s, n): (String, String) = (r.get(0), r.get(1));
        let sequence = QualIdent(&s, &n).to_string();
        let read = format!("SELECT last_value, is_called FROM {sequence}");
        let at = (conn.client.query_one(&read, &[]).await).map_err(db(read.clone()))?;
        let (last, called): (i64, bool) = (at.get(0), at.get(1));
        out.push(format!(
            "SELECT pg_catalog.setval({}, {last}, {called});\n",
            Literal(&sequence)
        ));
    }
    Ok(out)
}
