//! `restore`: quarantined objects go back to their original schema and name, as the
//! history table recorded them, and get exactly the privileges recorded before quarantine.
//! An original name taken again, or a schema gone, is refused before anything changes.

use super::history::{self, HistoryRow, Quarantined};
use super::resolve::keyword;
use super::QUARANTINE_SCHEMA;
use super::{db_error, privileges, Action, CleanupError, Planned, Prepared, Request, Status};
use crate::evidence::object::NotFound;
use crate::pg::Connection;
use crate::sql::{Ident, QualIdent};

/// Plans moving back what `request` names (by original name, or by its name in quarantine).
pub async fn prepare(conn: &Connection, request: &Request) -> Result<Prepared, CleanupError> {
    let mut p = Prepared::new(&conn.target, Action::Restore);
    let all = history::quarantined(conn).await?;
    let found = history::matching(&all, &request.patterns);
    p.not_found = unmatched(&request.patterns, &found, &all);
    if found.is_empty() {
        p.status = Status::Skipped("nothing matching is in quarantine".into());
        return Ok(p);
    }
    for q in found {
        if let Some(why) = blocked(conn, q).await? {
            p.status = Status::Refused(why);
        }
        let recorded: serde_json::Value = (q.privileges.as_deref())
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or(serde_json::Value::Null);
        p.statements.push(format!(
            "ALTER {} {} SET SCHEMA {}",
            keyword(&q.kind),
            QualIdent(QUARANTINE_SCHEMA, &q.name),
            Ident(&q.original_schema)
        ));
        if !recorded.is_null() {
            let (s, n) = (&q.original_schema, &q.original_name);
            p.statements
                .extend(privileges::grants(conn, &recorded, &q.kind, s, n).await?);
        }
        p.history.push(HistoryRow {
            action: "restore".into(),
            kind: q.kind.clone(),
            original_schema: q.original_schema.clone(),
            original_name: q.original_name.clone(),
            current_schema: Some(q.original_schema.clone()),
            current_name: Some(q.original_name.clone()),
            reason: request.reason.clone(),
            privileges: q.privileges.clone(),
            ..HistoryRow::default()
        });
        p.objects.push(Planned {
            kind: q.kind.clone(),
            object: format!("{QUARANTINE_SCHEMA}.{}", q.name),
            original: Some(format!("{}.{}", q.original_schema, q.original_name)),
            to: Some(format!("{}.{}", q.original_schema, q.original_name)),
            cascades: Vec::new(),
            quarantined_at: Some(q.since.clone()),
            privileges: Some(recorded),
            rows: None,
            checksum: None,
            backup: None,
            notes: Vec::new(),
        });
    }
    Ok(p)
}

/// Why `q` cannot go back: its schema is gone, or its name there is taken again.
async fn blocked(conn: &Connection, q: &Quarantined) -> Result<Option<String>, CleanupError> {
    let row = conn
        .client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1), \
             EXISTS (SELECT 1 FROM pg_catalog.pg_class c \
                     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                     WHERE n.nspname = $1 AND c.relname = $2)",
            &[&q.original_schema, &q.original_name],
        )
        .await
        .map_err(db_error(conn, "checking the original names"))?;
    let original = format!("{}.{}", q.original_schema, q.original_name);
    Ok(if !row.get::<_, bool>(0) {
        Some(format!(
            "schema {} of {original} no longer exists; create it, then restore again",
            q.original_schema
        ))
    } else if row.get::<_, bool>(1) {
        Some(format!(
            "{original} exists again (created since it was quarantined on {}); rename or drop \
             the new one, then restore again",
            q.since
        ))
    } else {
        None
    })
}

/// The patterns matching no quarantined object, with the closest quarantined names.
fn unmatched(patterns: &[String], found: &[&Quarantined], all: &[Quarantined]) -> Vec<NotFound> {
    patterns
        .iter()
        .filter(|p| history::matching(all, std::slice::from_ref(*p)).is_empty())
        .map(|p| NotFound {
            pattern: p.clone(),
            closest: all
                .iter()
                .filter(|q| !found.iter().any(|f| f.name == q.name))
                .map(|q| format!("{}.{}", q.original_schema, q.original_name))
                .take(3)
                .collect(),
        })
        .collect()
}
