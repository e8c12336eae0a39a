//! Running one registry query: the user's SQL as written, in a read-only transaction with a
//! statement timeout, its first two columns checked to be text before any row is read.

use super::Registered;
use crate::fleet::Target;
use crate::pg::connect::db_message;
use crate::pg::{connect, mask_urls, Connection};
use std::time::Duration;
use tokio_postgres::types::{FromSql, Type};

/// The rows of `query` on `target`, sorted and without duplicates; the error is one line
/// naming the database (masked) and what to do.
pub(super) async fn run(
    target: &Target,
    query: &str,
    timeout: Duration,
) -> Result<Vec<Registered>, String> {
    let conn = connect(&target.info)
        .await
        .map_err(|e| mask_urls(&e.to_string()))?;
    let begin = format!(
        "BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = {}",
        timeout.as_millis().min(i32::MAX as u128)
    );
    let failed = |e: &tokio_postgres::Error| query_error(&conn, e);
    conn.client
        .batch_execute(&begin)
        .await
        .map_err(|e| failed(&e))?;
    let rows = read_rows(&conn, query).await;
    let _ = conn.client.batch_execute("ROLLBACK").await;
    rows
}

async fn read_rows(conn: &Connection, query: &str) -> Result<Vec<Registered>, String> {
    let statement = (conn.client.prepare(query).await).map_err(|e| query_error(conn, &e))?;
    let columns = statement.columns();
    if columns.is_empty() {
        return Err(format!(
            "the registry query on {} returns no column: select the database name first",
            conn.target
        ));
    }
    for (i, column) in columns.iter().take(2).enumerate() {
        if !<String as FromSql>::accepts(column.type_()) {
            return Err(not_text(conn, i, column.name(), column.type_()));
        }
    }
    let two = columns.len() > 1;
    let rows = (conn.client.query(&statement, &[]).await).map_err(|e| query_error(conn, &e))?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let database: Option<String> = row.try_get(0).map_err(|e| e.to_string())?;
        let server: Option<String> = match two {
            true => row.try_get(1).map_err(|e| e.to_string())?,
            false => None,
        };
        if let Some(database) = database {
            out.push(Registered { database, server });
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn not_text(conn: &Connection, i: usize, name: &str, ty: &Type) -> String {
    let what = [
        "first column (the database name)",
        "second column (the server name)",
    ][i];
    format!(
        "the registry query on {}: its {what} {name:?} is of type {ty}, not text: cast it to text in the query (expression::text)",
        conn.target
    )
}

fn query_error(conn: &Connection, e: &tokio_postgres::Error) -> String {
    let hint = match e.code() {
        Some(c) if *c == tokio_postgres::error::SqlState::QUERY_CANCELED => {
            "; the statement timeout ran out: make the query cheaper or raise [audit] statement_timeout_secs"
        }
        _ => "; run the query with psql on that database and correct databases_from in pgdrift.toml",
    };
    mask_urls(&format!(
        "the registry query on {} failed: {}{hint}",
        conn.target,
        db_message(e)
    ))
}
