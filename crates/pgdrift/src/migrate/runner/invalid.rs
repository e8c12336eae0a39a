//! INVALID indexes: what a `CREATE INDEX CONCURRENTLY` that failed or was killed leaves
//! behind — an index that is kept up to date but never used, and that `IF NOT EXISTS` takes
//! for done. The runner looks for the ones a file's statements create: before a file run
//! outside a transaction it drops them to build them again, and after any file it refuses
//! to record one whose indexes are still invalid. `status` lists those of the whole database.

use super::super::MigrateError;
use crate::sql::created_index::CreatedIndex;
use crate::sql::QualIdent;
use tokio_postgres::Client;

/// An ordinary index whose `pg_index.indisvalid` is false.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InvalidIndex {
    pub schema: String,
    pub name: String,
    pub table: String,
}

impl InvalidIndex {
    /// `schema.name`, quoted where needed.
    pub fn qualified(&self) -> String {
        QualIdent(&self.schema, &self.name).to_string()
    }

    /// The statement that drops it without blocking writes to its table.
    pub fn drop_statement(&self) -> String {
        format!("DROP INDEX CONCURRENTLY IF EXISTS {}", self.qualified())
    }

    /// `index on table`, for messages.
    pub fn describe(&self) -> String {
        format!(
            "{} on {}",
            self.qualified(),
            QualIdent(&self.schema, &self.table)
        )
    }
}

const SELECT: &str = "SELECT n.nspname::text, c.relname::text, t.relname::text
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE NOT i.indisvalid AND c.relkind = 'i'";

fn rows(rows: Vec<tokio_postgres::Row>) -> Vec<InvalidIndex> {
    rows.iter()
        .map(|r| InvalidIndex {
            schema: r.get(0),
            name: r.get(1),
            table: r.get(2),
        })
        .collect()
}

fn db_error(e: tokio_postgres::Error) -> MigrateError {
    MigrateError::Database {
        context: "looking for INVALID indexes".into(),
        message: crate::pg::connect::db_message(&e),
    }
}

/// The INVALID ordinary indexes of the database, outside the system schemas. Partitioned
/// indexes are left out: one is invalid by design until every partition has its index.
pub async fn in_database(client: &Client) -> Result<Vec<InvalidIndex>, MigrateError> {
    let sql = format!(
        "{SELECT} AND n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND n.nspname NOT LIKE 'pg\\_toast%'
         ORDER BY 1, 2"
    );
    Ok(rows(client.query(&sql, &[]).await.map_err(db_error)?))
}

/// The INVALID indexes among those `created` names: same index and table name, and same
/// schema when the statement gives it (without one, the table is found through the file's
/// `search_path`, so any schema counts).
pub async fn named(
    client: &Client,
    created: &[CreatedIndex],
) -> Result<Vec<InvalidIndex>, MigrateError> {
    if created.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<&str> = created.iter().map(|c| c.name.as_str()).collect();
    let tables: Vec<&str> = created.iter().map(|c| c.table.as_str()).collect();
    let schemas: Vec<Option<&str>> = created.iter().map(|c| c.schema.as_deref()).collect();
    let sql = format!(
        "{SELECT} AND EXISTS (
           SELECT FROM unnest($1::text[], $2::text[], $3::text[]) AS w(name, tab, nsp)
           WHERE w.name = c.relname AND w.tab = t.relname
             AND (w.nsp IS NULL OR w.nsp = n.nspname))
         ORDER BY 1, 2"
    );
    let found = client
        .query(&sql, &[&names, &tables, &schemas])
        .await
        .map_err(db_error)?;
    Ok(rows(found))
}

/// Drops `indexes` (outside a transaction), so that the file's statements build them again.
pub async fn drop_all(client: &Client, indexes: &[InvalidIndex]) -> Result<(), MigrateError> {
    for index in indexes {
        client
            .batch_execute(&index.drop_statement())
            .await
            .map_err(|e| MigrateError::Database {
                context: format!("dropping the INVALID index {}", index.describe()),
                message: crate::pg::connect::db_message(&e),
            })?;
    }
    Ok(())
}
