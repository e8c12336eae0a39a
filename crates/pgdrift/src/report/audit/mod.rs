//! Renderers of the fleet audit report (`pgdrift audit`): a one-screen terminal summary, Markdown
//! for pull requests and wikis, one self-contained HTML file with the drift matrix, and JSON.
//! Input is an [`AuditReport`]; output is text. The helpers here (sizes, severity markers, the
//! table of matrix cells, object counts) are shared by the renderers.

mod html;
mod html_detail;
mod html_matrix;
mod markdown;
#[doc(hidden)]
pub mod sample;
mod text;

#[cfg(test)]
mod tests;

pub use html::{escape, render_html};
pub use markdown::render_markdown;
pub(crate) use markdown::{md_code, md_text};
#[doc(hidden)]
pub use sample::sample_report;
pub use text::render_text;

use crate::fleet::audit::{AuditReport, Cell, DatabaseEntry, Finding, Severity};
use crate::fleet::facts::ObjectCounts;
use std::collections::HashMap;

/// The report as a JSON value (what `report::json::write` streams, `format_version` first
/// there; a `Value` orders keys by name).
pub fn render_json(report: &AuditReport) -> serde_json::Value {
    serde_json::to_value(report).unwrap_or(serde_json::Value::Null)
}

/// What each kind of matrix cell is called, its one-character symbol, and what it means —
/// the legend of every renderer.
pub(crate) const CELLS: &[(Cell, &str, &str, &str)] = &[
    (Cell::Present, "present", "✓", "there, as desired"),
    (Cell::Missing, "missing", "−", "desired, not there"),
    (Cell::Differs, "differs", "≠", "there, but not as desired"),
    (
        Cell::Extra,
        "extra",
        "+",
        "there, though no desired schema has it",
    ),
    (
        Cell::Leaked,
        "leaked",
        "↯",
        "there, though another role's schema has it",
    ),
    (
        Cell::Absent,
        "absent",
        "·",
        "not desired here and not there",
    ),
    (
        Cell::Unknown,
        "unknown",
        "?",
        "the column could not be read",
    ),
];

/// The name and symbol of a cell.
pub(crate) fn cell_info(cell: Cell) -> (&'static str, &'static str) {
    CELLS
        .iter()
        .find(|c| c.0 == cell)
        .map(|c| (c.1, c.2))
        .unwrap_or(("unknown", "?"))
}

/// The marker of a severity (or of "nothing found").
pub(crate) fn marker(severity: Option<Severity>) -> &'static str {
    match severity {
        Some(Severity::Error) => "✗",
        Some(Severity::Warning) => "!",
        Some(Severity::Info) => "i",
        None => "✓",
    }
}

/// The marker of a database: ✗ with errors, ! with warnings, ✓ otherwise (infos are fine).
pub(crate) fn db_marker(db: &DatabaseEntry) -> &'static str {
    match db.worst() {
        Some(Severity::Info) => marker(None),
        worst => marker(worst),
    }
}

/// A size as people read it: `512 B`, `8.1 kB`, `12 MB`, `1.4 GB` (powers of 1024, like
/// `pg_size_pretty`); `–` when unknown.
pub(crate) fn human_size(bytes: Option<i64>) -> String {
    let Some(bytes) = bytes else {
        return "–".to_string();
    };
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64;
    let mut unit = "B";
    for next in ["kB", "MB", "GB", "TB", "PB"] {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = next;
    }
    if value < 10.0 {
        format!("{value:.1} {unit}")
    } else {
        format!("{value:.0} {unit}")
    }
}

/// `server/name` of a database.
pub(crate) fn db_label(db: &DatabaseEntry) -> String {
    format!("{}/{}", db.server, db.name)
}

/// Findings by (server, database), each list in report order.
pub(crate) fn findings_by_place(report: &AuditReport) -> Place<'_> {
    let mut map: Place<'_> = HashMap::new();
    for f in &report.findings {
        let place = (f.server.as_str(), f.database.as_deref());
        map.entry(place).or_default().push(f);
    }
    map
}

/// Findings by (server, database).
pub(crate) type Place<'a> = HashMap<(&'a str, Option<&'a str>), Vec<&'a Finding>>;

/// The link to a database's docs, when it has one a report may show: relative paths and
/// `http`, `https` and `file` URLs (a `javascript:` or other scheme, which a database's name
/// could bring into the `[docs] link` template, is left out).
pub(crate) fn docs_href(db: &DatabaseEntry) -> Option<&str> {
    let link = db.docs.as_deref().filter(|l| !l.trim().is_empty())?;
    let first_separator = link.find(['/', '?', '#']).unwrap_or(link.len());
    match link[..first_separator].split_once(':') {
        None => Some(link),
        Some((scheme, _)) => ["http", "https", "file"]
            .iter()
            .any(|s| scheme.eq_ignore_ascii_case(s))
            .then_some(link),
    }
}

/// True when some database of the report links its docs.
pub(crate) fn any_docs(report: &AuditReport) -> bool {
    report.databases.iter().any(|d| docs_href(d).is_some())
}

/// Databases worst first (errors, then warnings, then infos), then by server and name. The
/// report is already in this order; sorting again keeps the renderers right for any input.
pub(crate) fn worst_first(report: &AuditReport) -> Vec<&DatabaseEntry> {
    let mut dbs: Vec<&DatabaseEntry> = report.databases.iter().collect();
    dbs.sort_by(|a, b| {
        (b.errors, b.warnings, b.infos, &a.server, &a.name)
            .cmp(&(a.errors, a.warnings, a.infos, &b.server, &b.name))
    });
    dbs
}

/// Findings per severity: (errors, warnings, infos).
pub(crate) fn severity_counts(findings: &[Finding]) -> (usize, usize, usize) {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    )
}

/// `1 error`, `3 warnings`.
/// Servers (and how many are unreachable), databases and findings by severity, on one line.
pub(crate) fn totals_line(report: &AuditReport) -> String {
    let down = report.servers.iter().filter(|s| s.error.is_some()).count();
    let (e, w, i) = severity_counts(&report.findings);
    format!(
        "{}{} · {} · {}: {}, {}, {}",
        plural(report.servers.len(), "server"),
        if down > 0 {
            format!(" ({down} unreachable)")
        } else {
            String::new()
        },
        plural(report.databases.len(), "database"),
        plural(report.findings.len(), "finding"),
        plural(e, "error"),
        plural(w, "warning"),
        plural(i, "info")
    )
}

pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A database's findings per severity, `2 errors, 1 info`; empty when it has none.
pub(crate) fn finding_counts(d: &DatabaseEntry) -> String {
    let counts = [
        (d.errors, "error"),
        (d.warnings, "warning"),
        (d.infos, "info"),
    ];
    let parts: Vec<String> = (counts.iter())
        .filter(|(n, _)| *n > 0)
        .map(|(n, word)| plural(*n, word))
        .collect();
    parts.join(", ")
}

/// Every object count by kind, in a fixed order.
pub(crate) fn object_counts(c: &ObjectCounts) -> [(&'static str, u64); 14] {
    [
        ("schemas", c.schemas),
        ("tables", c.tables),
        ("partitioned tables", c.partitioned_tables),
        ("partitions", c.partitions),
        ("foreign tables", c.foreign_tables),
        ("views", c.views),
        ("materialized views", c.materialized_views),
        ("functions", c.functions),
        ("aggregates", c.aggregates),
        ("procedures", c.procedures),
        ("sequences", c.sequences),
        ("indexes", c.indexes),
        ("enums", c.enums),
        ("domains", c.domains),
    ]
}

/// The main object counts on one short line: `12 tables · 3 views · 20 indexes`.
pub(crate) fn objects_brief(c: &ObjectCounts) -> String {
    let main = [
        "tables",
        "partitioned tables",
        "views",
        "functions",
        "indexes",
    ];
    let parts: Vec<String> = object_counts(c)
        .iter()
        .filter(|(name, n)| main.contains(name) && *n > 0)
        .map(|(name, n)| match (n, *name) {
            (1, "indexes") => "1 index".to_string(),
            (1, name) => format!("1 {}", name.trim_end_matches('s')),
            (n, name) => format!("{n} {name}"),
        })
        .collect();
    if parts.is_empty() {
        "empty".to_string()
    } else {
        parts.join(" · ")
    }
}
