//! `quarantine`: each relation moves into the quarantine schema with `ALTER ... SET
//! SCHEMA` (instant, no copy; its indexes, constraints and owned sequences follow), after
//! its privileges are recorded and revoked from every role but the owner, so that the
//! application fails loudly at once. A name the quarantine schema already holds is refused
//! before anything changes. Also runs the statements of `restore`, which is the reverse.

use super::history::{self, HistoryRow};
use super::resolve::{keyword, moving_names, names_in, resolve, Resolved};
use super::QUARANTINE_SCHEMA;
use super::{db_error, privileges, Action, CleanupError, Planned, Prepared, Request, Status};
use crate::pg::Connection;
use crate::sql::{Ident, QualIdent};

/// Plans the quarantine of what `request` names.
pub async fn prepare(conn: &Connection, request: &Request) -> Result<Prepared, CleanupError> {
    let mut p = Prepared::new(&conn.target, Action::Quarantine);
    let (found, not_found) = resolve(conn, &request.patterns, false).await?;
    p.not_found = not_found;
    if found.is_empty() {
        p.status = Status::Skipped("no object matches".into());
        return Ok(p);
    }
    if let Some(why) = clash(conn, &found).await? {
        p.status = Status::Refused(why);
    }
    p.statements.push(format!(
        "CREATE SCHEMA IF NOT EXISTS {}",
        Ident(QUARANTINE_SCHEMA)
    ));
    for r in &found {
        let recorded = privileges::record(conn, r.oid).await?;
        p.statements
            .extend(privileges::revokes(conn, r.oid, &r.kind, &r.schema, &r.name).await?);
        p.statements.push(format!(
            "ALTER {} {} SET SCHEMA {}",
            keyword(&r.kind),
            QualIdent(&r.schema, &r.name),
            Ident(QUARANTINE_SCHEMA)
        ));
        p.history.push(HistoryRow {
            action: "quarantine".into(),
            kind: r.kind.clone(),
            original_schema: r.schema.clone(),
            original_name: r.name.clone(),
            current_schema: Some(QUARANTINE_SCHEMA.into()),
            current_name: Some(r.name.clone()),
            reason: request.reason.clone(),
            privileges: Some(recorded.to_string()),
            ..HistoryRow::default()
        });
        p.objects.push(planned(r, recorded));
    }
    Ok(p)
}

fn planned(r: &Resolved, recorded: serde_json::Value) -> Planned {
    let mut notes = Vec::new();
    if matches!(r.kind.as_str(), "table" | "partitioned table") {
        notes.push("its indexes, constraints and owned sequences move with it".to_string());
    }
    Planned {
        kind: r.kind.clone(),
        object: r.qualified(),
        original: None,
        to: Some(format!("{QUARANTINE_SCHEMA}.{}", r.name)),
        cascades: Vec::new(),
        quarantined_at: None,
        privileges: Some(recorded),
        rows: None,
        checksum: None,
        backup: None,
        notes,
    }
}

/// Why the relations cannot all move: a name (theirs, an index's, an owned sequence's)
/// that the quarantine schema holds already, or that two of them share.
async fn clash(conn: &Connection, found: &[Resolved]) -> Result<Option<String>, CleanupError> {
    let taken = names_in(conn, QUARANTINE_SCHEMA).await?;
    let mut moving: Vec<(String, String)> = Vec::new();
    for r in found {
        for name in moving_names(conn, r.oid).await? {
            if taken.contains(&name) {
                return Ok(Some(format!(
                    "{QUARANTINE_SCHEMA} already holds a relation named {name:?}, which {} \
                     (or its index or sequence) would take; restore or drop what is \
                     quarantined there first (`pgdrift restore`, `pgdrift drop`)",
                    r.qualified()
                )));
            }
            if let Some((_, other)) = moving.iter().find(|(n, _)| *n == name) {
                return Ok(Some(format!(
                    "{other} and {} both have a relation named {name:?} (the object, an index \
                     or a sequence), which cannot share {QUARANTINE_SCHEMA}; quarantine them \
                     in separate commands after renaming one, or one at a time",
                    r.qualified()
                )));
            }
            moving.push((name, r.qualified()));
        }
    }
    Ok(None)
}

/// Runs the statements and writes the history rows, in one transaction.
pub async fn execute(
    conn: &Connection,
    request: &Request,
    p: &mut Prepared,
) -> Result<(), CleanupError> {
    begin(conn).await?;
    run_all(conn, &p.statements).await?;
    for row in &p.history {
        history::write(conn, &request.who, row).await?;
    }
    commit(conn).await
}

/// Begins the transaction and creates the history table if it is missing.
pub async fn begin(conn: &Connection) -> Result<(), CleanupError> {
    conn.client
        .batch_execute("BEGIN; SET LOCAL lock_timeout = '10s'")
        .await
        .map_err(db_error(conn, "beginning a transaction"))?;
    history::create(conn).await
}

pub async fn commit(conn: &Connection) -> Result<(), CleanupError> {
    conn.client
        .batch_execute("COMMIT")
        .await
        .map_err(db_error(conn, "committing"))
}

/// Runs each statement; the error names the one that failed.
pub async fn run_all(conn: &Connection, statements: &[String]) -> Result<(), CleanupError> {
    for s in statements {
        conn.client
            .batch_execute(s)
            .await
            .map_err(db_error(conn, format!("running `{s}`")))?;
    }
    Ok(())
}
