//! `pgdrift audit --lint`: the lint rules over each database the audit reads — its catalog
//! as read for the audit, its statistics on the same session — reported as findings of that
//! database beside the drift.

use super::findings::{self, Finding};
use crate::lint::{lint_schema, stats, Inputs, LintConfig};
use crate::model::Catalog;
use crate::pg::Connection;

/// The lint findings of one database; a lint that cannot run is one finding saying why.
pub(super) async fn findings(
    config: &LintConfig,
    live: &Catalog,
    conn: &Connection,
    server: &str,
    database: &str,
) -> Vec<Finding> {
    let failed = |message: String| {
        vec![Finding::new(findings::LINT_FAILED, server, Some(database))
            .message(message)
            .fix(format!("pgdrift lint {}", conn.target))]
    };
    let statistics = match stats::read(conn).await {
        Ok(s) => s,
        Err(e) => return failed(format!("reading the statistics of {database}: {e}")),
    };
    let inputs = Inputs {
        catalog: live,
        statistics: Some(&statistics),
        locations: None,
        database: Some(database),
    };
    match lint_schema(&inputs, config) {
        Err(e) => failed(e.to_string()),
        Ok((found, _)) => found
            .into_iter()
            .map(|f| Finding {
                code: f.code,
                slug: f.slug,
                severity: f.severity,
                server: server.to_string(),
                database: Some(database.to_string()),
                object: f.object.map(|o| o.to_string()),
                message: f.message,
                fix: f.fix.unwrap_or_default(),
                evidence: None,
            })
            .collect(),
    }
}
