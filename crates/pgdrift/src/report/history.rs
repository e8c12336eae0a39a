//! The report of migration history forensics: per tracking table one block (what it holds,
//! what failed, how it compares with a migrations directory), unrecognised tables, then the
//! verdict on which tool manages the database. Text for people, JSON (versioned) for
//! programs.

use crate::migrate::history::{DirComparison, FileRef, History, Layout, ToolHistory, Verdict};
use serde::Serialize;
use std::fmt::Write as _;

/// The version of the JSON layout.
pub const FORMAT_VERSION: u32 = 1;

/// Files listed by name before the rest are counted.
const MAX_LISTED: usize = 20;

/// The JSON document.
#[derive(Debug, Serialize)]
struct HistoryReport<'a> {
    format_version: u32,
    database: &'a str,
    trackers: &'a [ToolHistory],
    unrecognized: &'a [crate::migrate::history::UnknownTable],
    comparisons: Vec<&'a DirComparison>,
    verdict: Verdict,
    findings: bool,
}

/// The report as JSON, with `"format_version": 1` at the top.
pub fn render_json(
    history: &History,
    comparisons: &[(String, DirComparison)],
) -> serde_json::Value {
    let report = HistoryReport {
        format_version: FORMAT_VERSION,
        database: &history.database,
        trackers: &history.trackers,
        unrecognized: &history.unrecognized,
        comparisons: comparisons.iter().map(|(_, c)| c).collect(),
        verdict: history.verdict(),
        findings: history.has_findings(comparisons),
    };
    serde_json::to_value(&report).unwrap_or(serde_json::Value::Null)
}

/// Styles, or none.
struct Style(bool);

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn red(&self, s: &str) -> String {
        self.paint("31", s)
    }
    fn yellow(&self, s: &str) -> String {
        self.paint("33", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
}

/// The report as text: one block per tracking table, then the verdict.
pub fn render_text(
    history: &History,
    comparisons: &[(String, DirComparison)],
    color: bool,
) -> String {
    let style = Style(color);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}\n",
        style.bold(&format!(
            "Migration history of database {}",
            history.database
        ))
    );
    for t in &history.trackers {
        tool_block(&mut out, t, &style);
        for (tool, c) in comparisons {
            if c.table == t.table || (c.table.is_empty() && *tool == t.tool) {
                comparison_block(&mut out, t, c, &style);
            }
        }
        out.push('\n');
    }
    for u in &history.unrecognized {
        let _ = writeln!(
            out,
            "{} {}",
            style.bold(&u.table),
            style.yellow(&format!("({})", u.note))
        );
        let _ = writeln!(out, "  columns: {}\n", u.columns.join(", "));
    }
    let _ = writeln!(out, "{}", style.bold("Verdict"));
    let verdict = history.verdict();
    for (i, line) in verdict.lines.iter().enumerate() {
        let several = verdict.several_active && i + 1 == verdict.lines.len();
        let line = if several {
            style.red(line)
        } else {
            line.clone()
        };
        let _ = writeln!(out, "  {line}");
    }
    out
}

fn tool_block(out: &mut String, t: &ToolHistory, style: &Style) {
    let _ = writeln!(out, "{} · {}", style.bold(t.tool_name), t.table);
    if let Some(reason) = &t.unreadable {
        let _ = writeln!(out, "  {}", style.yellow(&format!("not read: {reason}")));
        return;
    }
    if !t.is_used() {
        let _ = writeln!(out, "  {}", style.dim("no migrations recorded: never used"));
        return;
    }
    let mut facts = Vec::new();
    if let Some(layout) = &t.layout {
        homegrown_block(out, t, layout, style);
        return;
    }
    if t.keeps_history {
        facts.push(format!("{} applied", t.applied));
        if let Some(latest) = &t.latest {
            facts.push(format!("latest {latest}"));
        }
    } else {
        let at = t
            .latest_rows()
            .iter()
            .map(|r| r.version.clone())
            .collect::<Vec<_>>();
        facts.push(match at.is_empty() {
            true => "no current version".to_string(),
            false => format!("at {}", at.join(", ")),
        });
    }
    if let Some(at) = &t.last_activity {
        facts.push(format!("last {at}"));
    }
    let _ = writeln!(out, "  {}", facts.join(" · "));
    if !t.keeps_history {
        let _ = writeln!(
            out,
            "  {}",
            style.dim(&format!(
                "{} keeps only the current version, no history",
                t.tool_name
            ))
        );
    }
    if t.last_activity_estimated {
        let _ = writeln!(
            out,
            "  {}",
            style.dim(
                "the time is the migration's own stamp (when it was written), not when it ran"
            )
        );
    }
    failures(out, t, style);
}

/// The failed or dirty migrations of a tool, one line each.
fn failures(out: &mut String, t: &ToolHistory, style: &Style) {
    for r in &t.failed {
        let what = match r.status {
            crate::migrate::history::RowStatus::Dirty => {
                "dirty (stopped half-way; fix, then force the version)"
            }
            _ => "failed",
        };
        let when = r
            .applied_at
            .as_deref()
            .map(|a| format!(" at {a}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}",
            style.red(&format!("{what}: {}{when}", r.version))
        );
    }
}

/// A homegrown log: its rows, the versions they span, the last time one ran, and how its
/// columns were read.
fn homegrown_block(out: &mut String, t: &ToolHistory, layout: &Layout, style: &Style) {
    let applied = t.applied_rows();
    let mut facts = vec![format!(
        "{} row{}",
        t.rows.len(),
        if t.rows.len() == 1 { "" } else { "s" }
    )];
    match (applied.first(), applied.last()) {
        (Some(a), Some(b)) if a.version != b.version => {
            facts.push(format!("versions {}–{}", a.version, b.version));
        }
        (Some(a), _) => facts.push(format!("version {}", a.version)),
        _ => {}
    }
    if let Some(at) = &t.last_activity {
        let when = if t.last_activity_estimated {
            "last stamped"
        } else {
            "last applied"
        };
        facts.push(format!("{when} {}", at.get(..10).unwrap_or(at)));
    }
    let _ = writeln!(out, "  {}", facts.join(" · "));
    let mut read = vec![format!("version from {}", layout.version)];
    if let Some(n) = &layout.name {
        read.push(format!("name from {n}"));
    }
    if let Some(a) = &layout.applied_at {
        read.push(format!("applied at from {a}"));
    }
    let _ = writeln!(
        out,
        "  {}",
        style.dim(&format!(
            "read as a migration log kept by the team's own runner: {}",
            read.join(", ")
        ))
    );
    failures(out, t, style);
}

fn list(files: &[FileRef]) -> String {
    let mut names: Vec<&str> = files
        .iter()
        .take(MAX_LISTED)
        .map(|f| f.file.as_str())
        .collect();
    let more = files.len().saturating_sub(MAX_LISTED);
    let more_text = format!("… and {more} more");
    if more > 0 {
        names.push(&more_text);
    }
    names.join(", ")
}

fn comparison_block(out: &mut String, t: &ToolHistory, c: &DirComparison, style: &Style) {
    let format = c.format.map(|f| format!(" ({f})")).unwrap_or_default();
    let _ = writeln!(
        out,
        "  directory {}{format}: {} migration(s), {} applied",
        c.dir, c.files, c.applied
    );
    if c.covered_by_baseline > 0 {
        let _ = writeln!(
            out,
            "    {}",
            style.dim(&format!(
                "{} older than the baseline",
                c.covered_by_baseline
            ))
        );
    }
    if !c.never_applied.is_empty() {
        let line = format!(
            "never applied ({}): {}",
            c.never_applied.len(),
            list(&c.never_applied)
        );
        let _ = writeln!(out, "    {}", style.yellow(&line));
    }
    if !c.skipped_by_watermark.is_empty() {
        let line = format!(
            "never applied, and the {} watermark would skip {} ({}): older than the newest applied migration",
            t.tool_name,
            if c.skipped_by_watermark.len() == 1 { "it" } else { "them" },
            list(&c.skipped_by_watermark)
        );
        let _ = writeln!(out, "    {}", style.red(&line));
    }
    if !c.rows_without_file.is_empty() {
        let shown: Vec<&str> = c
            .rows_without_file
            .iter()
            .take(MAX_LISTED)
            .map(String::as_str)
            .collect();
        let line = format!(
            "applied but no file ({}): {}",
            c.rows_without_file.len(),
            shown.join(", ")
        );
        let _ = writeln!(out, "    {}", style.yellow(&line));
    }
    for m in &c.checksum_mismatches {
        let line = format!(
            "changed since applied: {} (recorded {}, file {})",
            m.file, m.recorded, m.computed
        );
        let _ = writeln!(out, "    {}", style.red(&line));
    }
    if !c.changed_repeatables.is_empty() {
        let line = format!(
            "repeatable, changed: runs again ({})",
            list(&c.changed_repeatables)
        );
        let _ = writeln!(out, "    {}", style.yellow(&line));
    }
    if let Some(reason) = &c.not_comparable {
        let _ = writeln!(
            out,
            "    {}",
            style.dim(&format!("checksums not comparable: {reason}"))
        );
    } else if c.checksum_mismatches.is_empty() && c.applied > 0 {
        let _ = writeln!(out, "    {}", style.dim("checksums of applied files match"));
    }
}
