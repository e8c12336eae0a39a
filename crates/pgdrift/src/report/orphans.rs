//! Orphans as text (one line per relation, grouped by verdict) and as Markdown (a table per
//! verdict, then what to run next). The JSON form is the report itself.

use super::investigate::bytes;
use crate::evidence::object::{ObjectEvidence, VerdictState};
use crate::evidence::orphans::Orphans;
use crate::evidence::orphans_fleet::{DatabaseOrphans, FleetOrphan, FleetOrphans};
use std::fmt::Write as _;

pub fn render_text(o: &Orphans) -> String {
    let mut out = format!("{} (PostgreSQL {})\n", o.database, o.server_version);
    let _ = writeln!(out, "{}", summary(o));
    for (state, _) in o.counts() {
        let _ = writeln!(out, "\n{}:", state.label());
        for e in o.objects.iter().filter(|e| e.verdict.state == state) {
            let _ = writeln!(
                out,
                "  {:<40} {:<18} {:>14} {:>10}  {}",
                e.object,
                e.kind,
                rows(e),
                size(e),
                e.verdict.reasons.join("; ")
            );
        }
    }
    if !o.objects.is_empty() {
        let _ = writeln!(out, "\n{}", next_steps());
    }
    out
}

pub fn render_markdown(o: &Orphans) -> String {
    let mut out = format!(
        "# Orphans\n\n{} (PostgreSQL {})\n\n{}\n",
        o.database,
        o.server_version,
        summary(o)
    );
    for (state, n) in o.counts() {
        let _ = writeln!(out, "\n## {} ({n})\n", state.label());
        out.push_str("| Object | Kind | Rows | Size | Why |\n|---|---|---:|---:|---|\n");
        for e in o.objects.iter().filter(|e| e.verdict.state == state) {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                e.object,
                e.kind,
                rows(e),
                size(e),
                cell(&e.verdict.reasons.join("; "))
            );
        }
    }
    if !o.objects.is_empty() {
        let _ = writeln!(out, "\n{}", next_steps());
    }
    out
}

/// One line: what was checked and how many orphans of each verdict.
fn summary(o: &Orphans) -> String {
    let scope = match o.desired.is_empty() {
        true => "no desired schema given: every table is listed".to_string(),
        false => format!(
            "{} relation(s) declared by {}",
            o.declared,
            o.desired.join(", ")
        ),
    };
    let counts: Vec<String> = (o.counts().into_iter())
        .map(|(s, n)| format!("{n} {}", s.label()))
        .collect();
    let found = match counts.is_empty() {
        true => "no orphans".to_string(),
        false => format!("{} orphan(s): {}", o.objects.len(), counts.join(", ")),
    };
    format!(
        "{found} ({scope}; {} tool-owned table(s) left out)",
        o.tool_owned
    )
}

fn next_steps() -> &'static str {
    "Next: `pgdrift investigate DATABASE OBJECT -f markdown` for the full checklist of one object."
}

fn rows(e: &ObjectEvidence) -> String {
    match (e.holds.rows, e.holds.rows_exact) {
        (Some(n), true) => format!("{n} rows"),
        (Some(n), false) => format!("~{n} rows"),
        (None, _) if e.verdict.state == VerdictState::Unknown || e.activity.is_none() => {
            "-".to_string()
        }
        (None, _) => "? rows".to_string(),
    }
}

/// The size, `~` before it when it comes from the planner's page counts.
fn size(e: &ObjectEvidence) -> String {
    match e.holds.sizes_exact {
        true => bytes(e.holds.total_bytes),
        false => format!("~{}", bytes(e.holds.total_bytes)),
    }
}

/// A Markdown table cell: pipes escaped, line breaks flattened.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A fleet's orphans as text: one block per database, one line per object.
pub fn render_fleet_text(o: &FleetOrphans) -> String {
    let mut out = fleet_summary(o);
    for d in &o.databases {
        let _ = writeln!(out, "\n{}/{}{}", d.server, d.database, role(d));
        if let Some(e) = &d.error {
            let _ = writeln!(out, "  could not be read: {e}");
        }
        for x in &d.orphans {
            let _ = writeln!(out, "  {} {}: {}", x.code, x.object, evidence_line(x));
        }
    }
    out
}

/// A fleet's orphans as Markdown: a table per database.
pub fn render_fleet_markdown(o: &FleetOrphans) -> String {
    let mut out = format!("# Orphans\n\n{}", fleet_summary(o));
    for d in &o.databases {
        let _ = writeln!(out, "\n## {}/{}{}\n", d.server, d.database, role(d));
        if let Some(e) = &d.error {
            let _ = writeln!(out, "Could not be read: {}\n", cell(e));
        }
        if d.orphans.is_empty() {
            continue;
        }
        out.push_str("| Object | Code | Evidence |\n|---|---|---|\n");
        for x in &d.orphans {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                x.object,
                x.code,
                cell(&evidence_line(x))
            );
        }
    }
    out
}

fn fleet_summary(o: &FleetOrphans) -> String {
    format!(
        "{} orphan(s) in {} database(s); {} database(s) without any; {} could not be read\n",
        o.count(),
        o.databases.iter().filter(|d| !d.orphans.is_empty()).count(),
        o.clean,
        o.unreadable()
    )
}

fn role(d: &DatabaseOrphans) -> String {
    d.role
        .as_deref()
        .map_or(String::new(), |r| format!(" (role {r})"))
}

fn evidence_line(x: &FleetOrphan) -> String {
    match &x.evidence {
        Some(e) => format!("{}; checklist: {}", e.line(), e.investigate),
        None => x.message.clone(),
    }
}
