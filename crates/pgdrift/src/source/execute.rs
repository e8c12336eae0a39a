//! Running one unit's SQL on a shadow connection: in one transaction (one round trip, the
//! statement at fault found afterwards when PostgreSQL gives no position) or statement by
//! statement outside one, the statements being those the one splitter (`sql::split`) cut,
//! as the migration runner runs them. A statement refused for want of a role that may be created
//! (`MissingRoles::Create`) runs again once a placeholder exists: the whole unit inside a
//! transaction, the one statement outside; a `CREATE ROLE` of a role an earlier replay on
//! the private server made is left out and the rest runs.

use super::replay::{position, Failure, Prepared};
use super::roles::{create_placeholder, creates_role, existing_role, missing_role, MissingRoles};
use crate::pg::Connection;

/// A statement and its byte offset in the unit's text.
pub(crate) type Statement = (usize, String);

/// A unit in one transaction; when it fails for want of a role that `roles` lets us create,
/// the role is created and the whole unit runs again (once per role).
pub(super) async fn retried_in_transaction(
    conn: &Connection,
    unit: &Prepared,
    roles: MissingRoles,
    created: &mut Vec<String>,
) -> Result<(), Failure> {
    let mut tried: Vec<String> = Vec::new();
    let mut unit = unit.clone();
    loop {
        let creates = roles.creates();
        let Err(failure) = in_transaction(conn, &unit, creates).await else {
            return Ok(());
        };
        if creates && skip_existing_role(&mut unit, &failure) {
            continue;
        }
        match missing_role(&failure.error).filter(|r| creates && !tried.contains(r)) {
            Some(role) => {
                placeholder(conn, &role, created, None).await?;
                tried.push(role);
            }
            // A failure left unlocated for a retry that cannot help: locate it now.
            None if creates && missing_role(&failure.error).is_some() => {
                return in_transaction(conn, &unit, false).await
            }
            None => return Err(failure),
        }
    }
}

/// A unit outside a transaction, statement by statement; a statement that fails for want
/// of a role that `roles` lets us create runs again once the role exists.
pub(super) async fn one_by_one(
    conn: &Connection,
    statements: &[Statement],
    roles: MissingRoles,
    created: &mut Vec<String>,
) -> Result<(), Failure> {
    for (start, text) in statements {
        let start = *start;
        let mut tried: Vec<String> = Vec::new();
        while let Err(error) = conn.client.batch_execute(text).await {
            if roles.creates() && creates_role(text) && existing_role(&error).is_some() {
                break; // made by an earlier replay on this server: there already
            }
            match missing_role(&error).filter(|r| roles.creates() && !tried.contains(r)) {
                Some(role) => {
                    placeholder(conn, &role, created, Some(start)).await?;
                    tried.push(role);
                }
                None => {
                    return Err(Failure {
                        error,
                        statement_at: Some(start),
                    })
                }
            }
        }
    }
    Ok(())
}

/// When `failure` is a `CREATE ROLE` of a role that exists already (an earlier replay on
/// this server made it), blanks that statement out of `unit` (positions kept) so that the
/// unit can run again without it; false for any other failure.
fn skip_existing_role(unit: &mut Prepared, failure: &Failure) -> bool {
    if existing_role(&failure.error).is_none() {
        return false;
    }
    let Some(at) = failure.statement_at else {
        return false;
    };
    let Some(index) = unit.statements.iter().position(|(start, _)| *start == at) else {
        return false;
    };
    if !creates_role(&unit.statements[index].1) {
        return false;
    }
    let (start, text) = unit.statements.remove(index);
    let end = (start + text.len()).min(unit.sql.len());
    // Byte for byte, so that the positions of the statements after it stay true.
    let blank: String = unit.sql[start..end]
        .chars()
        .map(|c| match c {
            '\n' => "\n".to_string(),
            c => " ".repeat(c.len_utf8()),
        })
        .collect();
    unit.sql.replace_range(start..end, &blank);
    true
}

/// Creates `role` as a placeholder, noting it in `created` when this call made it.
async fn placeholder(
    conn: &Connection,
    role: &str,
    created: &mut Vec<String>,
    statement_at: Option<usize>,
) -> Result<(), Failure> {
    match create_placeholder(&conn.client, role).await {
        Ok(true) => {
            created.push(role.to_string());
            Ok(())
        }
        Ok(false) => Ok(()),
        Err(error) => Err(Failure {
            error,
            statement_at,
        }),
    }
}

/// The fast path: the whole unit in one round trip, inside a transaction. When PostgreSQL
/// gives no position for a failure, the unit is run again statement by statement (and rolled
/// back) to find the statement at fault — unless the failure is a missing role and
/// `retrying` (the caller creates it and runs the unit again).
async fn in_transaction(conn: &Connection, unit: &Prepared, retrying: bool) -> Result<(), Failure> {
    let plain = |error| Failure {
        error,
        statement_at: None,
    };
    conn.client.batch_execute("BEGIN").await.map_err(plain)?;
    match conn.client.batch_execute(&unit.sql).await {
        Ok(()) => conn.client.batch_execute("COMMIT").await.map_err(plain),
        Err(error) => {
            let _ = conn.client.batch_execute("ROLLBACK").await;
            if position(&error).is_some() || (retrying && missing_role(&error).is_some()) {
                return Err(plain(error));
            }
            conn.client.batch_execute("BEGIN").await.map_err(plain)?;
            let located = statement_by_statement(conn, &unit.statements, Some(error)).await;
            let _ = conn.client.batch_execute("ROLLBACK").await;
            located
        }
    }
}

/// Runs the statements one at a time; the first failure names its statement. `original` is
/// the error of an earlier whole-unit attempt, returned if this run cannot reproduce it.
async fn statement_by_statement(
    conn: &Connection,
    statements: &[Statement],
    original: Option<tokio_postgres::Error>,
) -> Result<(), Failure> {
    for (start, text) in statements {
        if let Err(error) = conn.client.batch_execute(text).await {
            return Err(Failure {
                error,
                statement_at: Some(*start),
            });
        }
    }
    match original {
        Some(error) => Err(Failure {
            error,
            statement_at: None,
        }),
        None => Ok(()),
    }
}
