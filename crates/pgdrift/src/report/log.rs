//! The change log (`pgdrift log`) as text, Markdown fit to commit as the team's change log,
//! and JSON: per database, every action with when, who, what, the outcome and the text.

use crate::migrate::log::LogEntry;
use serde::Serialize;
use std::fmt::Write;

/// The log of one database.
#[derive(Debug, Clone, Serialize)]
pub struct DatabaseLog {
    /// The database, as the user named it (password masked).
    pub database: String,
    pub entries: Vec<LogEntry>,
    /// Why it could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The versioned JSON document.
pub fn json(logs: &[DatabaseLog]) -> serde_json::Value {
    serde_json::json!({"format_version": 1, "command": "log", "databases": logs})
}

fn who(e: &LogEntry) -> String {
    match &e.os_user {
        Some(os) if os != &e.db_user => format!("{} ({os})", e.db_user),
        _ => e.db_user.clone(),
    }
}

fn took(e: &LogEntry) -> String {
    e.execution_ms.map_or_else(String::new, |ms| match ms {
        0..=9_999 => format!("{ms} ms"),
        _ => format!("{:.1} s", ms as f64 / 1000.0),
    })
}

fn when(e: &LogEntry) -> &str {
    e.at.strip_suffix(" UTC").unwrap_or(&e.at)
}

/// One line per action.
pub fn text(logs: &[DatabaseLog]) -> String {
    let mut out = String::new();
    for log in logs {
        if logs.len() > 1 {
            let _ = writeln!(out, "{}:", log.database);
        }
        if let Some(error) = &log.error {
            let _ = writeln!(out, "  error: {error}");
            continue;
        }
        if log.entries.is_empty() {
            out.push_str("  pgdrift has done nothing here (or nothing since the date given)\n");
        }
        for e in &log.entries {
            let _ = writeln!(
                out,
                "  {}  {:<10} {}  by {}  {}{}",
                e.at,
                e.action,
                crate::report::script::one_line(&e.subject),
                who(e),
                e.outcome,
                match took(e).as_str() {
                    "" => String::new(),
                    t => format!(" in {t}"),
                }
            );
        }
    }
    out
}

/// A Markdown table cell: pipes and line breaks would end it.
fn cell(s: &str) -> String {
    crate::report::script::one_line(s).replace('|', "\\|")
}

/// The change log as Markdown: a table per database, then the text of each action.
pub fn markdown(logs: &[DatabaseLog]) -> String {
    let mut out = String::from("# Database change log\n\nWritten by `pgdrift log`.\n");
    for log in logs {
        let _ = writeln!(out, "\n## {}\n", cell(&log.database));
        if let Some(error) = &log.error {
            let _ = writeln!(out, "Could not be read: {}", cell(error));
            continue;
        }
        if log.entries.is_empty() {
            out.push_str("Nothing recorded.\n");
            continue;
        }
        out.push_str("| When (UTC) | What | Subject | Who | Outcome | Took |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for e in &log.entries {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                when(e),
                e.action,
                cell(&e.subject),
                cell(&who(e)),
                e.outcome,
                took(e)
            );
        }
        for e in log.entries.iter().filter(|e| e.text.is_some()) {
            let text = e.text.as_deref().unwrap_or_default();
            let fence = crate::report::docs::markdown::fence_for(text);
            let _ = write!(
                out,
                "\n<details><summary>{} — {} {}</summary>\n\n{fence}sql\n{}\n{fence}\n\n</details>\n",
                when(e),
                e.action,
                crate::report::audit::escape(&crate::report::script::one_line(&e.subject)),
                text.trim_end()
            );
        }
    }
    out
}
