//! The drops, in one transaction: the schemas (with CASCADE: everything in them), then the
//! extensions (without CASCADE: an extension that something kept still uses stops the reset,
//! and the transaction rolls back), `public` made again as it was, and the rows of
//! `pgdrift.migrations` deleted. A failure anywhere changes nothing.

use super::public::PublicSchema;
use super::wanted::Dropping;
use super::{db_error, ResetError};
use crate::pg::Connection;
use crate::sql::Ident;
use std::time::Duration;

/// The statements that drop what `dropping` names (`public` as read in the transaction).
pub fn statements(dropping: &Dropping, public: Option<&PublicSchema>) -> Vec<String> {
    let mut out = Vec::new();
    if dropping.public && public.is_some() {
        out.push("DROP SCHEMA public CASCADE".to_string());
    }
    for schema in &dropping.schemas {
        out.push(format!("DROP SCHEMA IF EXISTS {} CASCADE", Ident(schema)));
    }
    if !dropping.extensions.is_empty() {
        let names: Vec<String> = (dropping.extensions.iter())
            .map(|e| Ident(e).to_string())
            .collect();
        out.push(format!("DROP EXTENSION IF EXISTS {}", names.join(", ")));
    }
    if let Some(public) = public.filter(|_| dropping.public) {
        out.extend(public.create_statements());
    }
    if !dropping.history.is_empty() {
        out.push("DELETE FROM pgdrift.migrations".to_string());
    }
    out
}

/// Runs the drops in one transaction, statements waiting at most `lock_timeout` for a lock
/// (zero: no limit); on any failure the transaction rolls back and nothing has changed.
/// Returns the statements run.
pub async fn run(
    conn: &Connection,
    dropping: &Dropping,
    lock_timeout: Duration,
) -> Result<Vec<String>, ResetError> {
    let database = conn.database.as_str();
    let ms = u64::try_from(lock_timeout.as_millis()).unwrap_or(u64::MAX);
    let begin = format!("BEGIN; SET LOCAL lock_timeout = {ms}");
    (conn.client.batch_execute(&begin).await).map_err(db_error(database, "starting the reset"))?;
    let result = async {
        let public = match dropping.public {
            true => PublicSchema::read(conn).await?,
            false => None,
        };
        let statements = statements(dropping, public.as_ref());
        for statement in &statements {
            let context = format!("running `{statement}`, so nothing was dropped");
            (conn.client.batch_execute(statement).await).map_err(db_error(database, &context))?;
        }
        (conn.client.batch_execute("COMMIT").await).map_err(db_error(
            database,
            "committing the drops, so nothing was dropped",
        ))?;
        Ok(statements)
    }
    .await;
    if result.is_err() {
        let _ = conn.client.batch_execute("ROLLBACK").await;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_go_before_extensions_and_public_is_made_again() {
        let dropping = Dropping {
            schemas: vec!["App".into()],
            extensions: vec!["citext".into(), "pg_trgm".into()],
            public: true,
            history: vec!["001".into()],
        };
        let public = PublicSchema {
            owner: "alice".into(),
            comment: None,
            grants: None,
        };
        assert_eq!(
            statements(&dropping, Some(&public)),
            [
                "DROP SCHEMA public CASCADE",
                "DROP SCHEMA IF EXISTS \"App\" CASCADE",
                "DROP EXTENSION IF EXISTS citext, pg_trgm",
                "CREATE SCHEMA public AUTHORIZATION alice",
                "DELETE FROM pgdrift.migrations",
            ]
        );
    }
}
