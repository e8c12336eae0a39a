//! What `pgdrift reset` prints: what goes (for the question and the result), the result as
//! text, and as JSON (`format_version` 1).

use super::ResetArgs;
use pgdrift::migrate::reset::{Checks, Dropping, ResetReport};
use pgdrift::pg::Connection;
use serde_json::json;

/// What will go, in words.
pub fn describe(dropping: &Dropping) -> Vec<String> {
    let mut out = Vec::new();
    if dropping.public {
        out.push("schema public, with everything in it (made again as it was)".to_string());
    }
    out.extend(
        dropping
            .schemas
            .iter()
            .map(|s| format!("schema {s}, with everything in it")),
    );
    out.extend(dropping.extensions.iter().map(|e| format!("extension {e}")));
    out
}

/// The rows of pgdrift's history that go, in words.
pub fn history(dropping: &Dropping) -> Option<String> {
    match dropping.history.len() {
        0 => None,
        1 => Some("1 row of pgdrift.migrations".to_string()),
        n => Some(format!("{n} rows of pgdrift.migrations")),
    }
}

pub fn text_report(
    args: &ResetArgs,
    conn: &Connection,
    created: bool,
    report: &ResetReport,
) -> String {
    let made = if created { " (created)" } else { "" };
    let mut out = format!(
        "database {}{made} reset from {}\n",
        conn.database,
        args.dir.dir.display()
    );
    let dropped = describe(&report.dropped);
    let history = history(&report.dropped);
    if dropped.is_empty() && history.is_none() {
        out.push_str("  nothing to drop\n");
    }
    for line in dropped {
        out.push_str(&format!("  dropped {line}\n"));
    }
    if let Some(history) = history {
        out.push_str(&format!("  deleted {history}\n"));
    }
    for ran in &report.applied {
        out.push_str(&format!(
            "  applied {}  {} ms\n",
            ran.version, ran.execution_ms
        ));
    }
    let n = report.applied.len();
    let s = if n == 1 { "" } else { "s" };
    out.push_str(&format!(
        "{n} migration{s} applied; recorded as row {} of pgdrift.changes\n",
        report.change_id
    ));
    out
}

pub fn json_report(
    args: &ResetArgs,
    conn: &Connection,
    created: bool,
    checks: &Checks,
    report: &ResetReport,
) -> anyhow::Result<String> {
    let value = json!({
        "format_version": 1,
        "command": "reset",
        "database": conn.database,
        "dir": args.dir.dir.display().to_string(),
        "created": created,
        "all_schemas": args.all_schemas,
        "forced": args.force,
        "checks": checks,
        "dropped": report.dropped,
        "statements": report.statements,
        "applied": report.applied,
        "change_id": report.change_id,
    });
    Ok(format!("{}\n", serde_json::to_string_pretty(&value)?))
}
