//! The audit as a terminal summary that fits one screen for a small fleet: the servers, one
//! line per database (worst first), the findings grouped by database with their fix commands
//! (capped for huge fleets), then the totals. Colours only when asked; every name from the
//! data goes through `one_line`, so no control character reaches the terminal.

use super::{db_label, db_marker, finding_counts, findings_by_place, human_size, marker, plural};
use crate::fleet::audit::{AuditReport, DatabaseEntry, Finding, Severity};
use crate::report::script::one_line;
use std::fmt::Write as _;

/// Finding lines shown before the rest are counted.
pub(crate) const MAX_FINDINGS: usize = 50;
/// Database lines shown before the rest are counted.
pub(crate) const MAX_DATABASES: usize = 100;

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
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    /// A severity marker in its colour.
    fn marker(&self, m: &str) -> String {
        let code = match m {
            "✗" => "31",
            "!" => "33",
            "✓" => "32",
            _ => "34",
        };
        self.paint(code, m)
    }
}

/// The summary; `color` adds ANSI colours.
pub fn render_text(report: &AuditReport, color: bool) -> String {
    let style = Style(color);
    let mut out = String::new();
    let config = report.config.as_deref().map(one_line);
    let mut title = match config {
        Some(c) => format!("Fleet audit of {c}"),
        None => "Fleet audit".to_string(),
    };
    if let Some(part) = &report.shard {
        title.push_str(&format!(", shard {}", one_line(&part.shard)));
    }
    let _ = writeln!(
        out,
        "{} {}\n",
        style.bold(&title),
        style.dim(&format!("· pgdrift {}", report.pgdrift_version))
    );
    servers(&mut out, report, &style);
    databases(&mut out, report, &style);
    findings(&mut out, report, &style);
    totals(&mut out, report);
    out
}

fn servers(out: &mut String, report: &AuditReport, style: &Style) {
    let _ = writeln!(out, "{}", style.bold("Servers"));
    let name_w = width(report.servers.iter().map(|s| one_line(&s.name)));
    let stage_w = width(report.servers.iter().map(|s| one_line(&s.stage)));
    for s in &report.servers {
        let (mark, what) = match (&s.error, &s.version) {
            (Some(e), _) => ("✗", style.paint("31", &one_line(e))),
            (None, v) => {
                let version = v.as_deref().map(one_line).unwrap_or_else(|| "?".into());
                (
                    "✓",
                    format!("PostgreSQL {version} · {}", plural(s.databases, "database")),
                )
            }
        };
        let _ = writeln!(
            out,
            "  {} {:name_w$}  {:stage_w$}  {what}",
            style.marker(mark),
            one_line(&s.name),
            one_line(&s.stage)
        );
    }
    out.push('\n');
}

fn databases(out: &mut String, report: &AuditReport, style: &Style) {
    let dbs = super::worst_first(report);
    let _ = writeln!(out, "{}", style.bold("Databases, worst first"));
    if dbs.is_empty() {
        out.push_str("  none audited\n\n");
        return;
    }
    let shown = &dbs[..dbs.len().min(MAX_DATABASES)];
    let rows: Vec<[String; 5]> = shown.iter().map(|d| db_columns(d)).collect();
    let w: Vec<usize> = (0..5)
        .map(|i| width(rows.iter().map(|r| r[i].clone())))
        .collect();
    for (d, r) in shown.iter().zip(&rows) {
        let _ = writeln!(out, "{}", db_line(d, r, &w, style));
    }
    let rest = &dbs[shown.len()..];
    if !rest.is_empty() {
        let with = |s: Severity| rest.iter().filter(|d| d.worst() == Some(s)).count();
        let _ = writeln!(
            out,
            "  … {} more database{} ({} with errors, {} with warnings), see --format json or --html",
            rest.len(),
            if rest.len() == 1 { "" } else { "s" },
            with(Severity::Error),
            with(Severity::Warning)
        );
    }
    out.push('\n');
}

/// One database line, its columns `r` padded to the widths `w`.
fn db_line(d: &DatabaseEntry, r: &[String; 5], w: &[usize], style: &Style) -> String {
    let mut line = format!(
        "  {} {:w0$}  {:w1$}  {:>w2$}  {:w3$}  {}",
        style.marker(db_marker(d)),
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        w0 = w[0],
        w1 = w[1],
        w2 = w[2],
        w3 = w[3]
    );
    if let Some(e) = &d.error {
        line.push_str(&style.paint("31", &format!("  not read: {}", one_line(e))));
    }
    line.trim_end().to_string()
}

/// Label, role, size, manager, finding counts.
fn db_columns(d: &DatabaseEntry) -> [String; 5] {
    let counts = finding_counts(d);
    [
        one_line(&db_label(d)),
        d.role
            .as_deref()
            .map(one_line)
            .unwrap_or_else(|| "no role".into()),
        human_size(d.size_bytes),
        d.managed_by
            .as_deref()
            .map(one_line)
            .unwrap_or_else(|| "–".into()),
        if counts.is_empty() {
            "clean".into()
        } else {
            counts
        },
    ]
}

fn findings(out: &mut String, report: &AuditReport, style: &Style) {
    if report.findings.is_empty() {
        return;
    }
    let _ = writeln!(out, "{}", style.bold("Findings"));
    let groups = finding_groups(report);
    let mut shown = 0;
    for (label, list) in groups.iter().filter(|(_, l)| !l.is_empty()) {
        if shown >= MAX_FINDINGS {
            break;
        }
        let _ = writeln!(out, "{}", one_line(label));
        for f in list.iter().take(MAX_FINDINGS - shown) {
            finding_lines(out, f, style);
            shown += 1;
        }
    }
    let more = report.findings.len().saturating_sub(shown);
    if more > 0 {
        let _ = writeln!(out, "… {more} more, see --format json or --html");
    }
    out.push('\n');
}

/// The findings in groups: each server's own, then each database's (worst first), then any
/// about a database the report does not list.
fn finding_groups(report: &AuditReport) -> Vec<(String, Vec<&Finding>)> {
    let mut by_place = findings_by_place(report);
    let mut groups = Vec::new();
    for s in &report.servers {
        if let Some(list) = by_place.remove(&(s.name.as_str(), None)) {
            groups.push((format!("{} (server)", s.name), list));
        }
    }
    for d in super::worst_first(report) {
        if let Some(list) = by_place.remove(&(d.server.as_str(), Some(d.name.as_str()))) {
            groups.push((db_label(d), list));
        }
    }
    let rest: Vec<&Finding> = (report.findings.iter())
        .filter(|f| by_place.contains_key(&(f.server.as_str(), f.database.as_deref())))
        .collect();
    if !rest.is_empty() {
        groups.push(("elsewhere".to_string(), rest));
    }
    groups
}

/// `✗ PA020 table public.x is missing`, then the fix, dimmed.
fn finding_lines(out: &mut String, f: &Finding, style: &Style) {
    let message = one_line(&f.message);
    let what = match f.object.as_deref().map(one_line) {
        Some(o) if message.starts_with(&o) => message,
        Some(o) => format!("{o}: {message}"),
        None => message,
    };
    let mark = style.marker(marker(Some(f.severity)));
    let _ = writeln!(out, "  {mark} {} {what}", f.code);
    if let Some(e) = &f.evidence {
        let _ = writeln!(out, "      evidence: {}", one_line(&e.line()));
        let _ = writeln!(
            out,
            "      {}",
            style.dim(&format!("checklist: {}", one_line(&e.investigate)))
        );
    }
    if !f.fix.is_empty() {
        let _ = writeln!(
            out,
            "      {}",
            style.dim(&format!("fix: {}", one_line(&f.fix)))
        );
    }
}

fn totals(out: &mut String, report: &AuditReport) {
    let _ = writeln!(out, "{}", super::totals_line(report));
}

/// The widest of `items`, in characters.
fn width(items: impl Iterator<Item = String>) -> usize {
    items.map(|s| s.chars().count()).max().unwrap_or(0)
}
