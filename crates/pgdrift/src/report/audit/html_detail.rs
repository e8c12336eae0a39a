//! One collapsible section per database in the HTML report, worst first: what it is (role,
//! owner, encoding, size, server version, a link to its docs), its object counts, extensions
//! and table activity from the facts, its migration tools' tracking tables, and its findings.
//! Sections of databases with errors or warnings start open in a small fleet.

use super::html::{db_badge, docs_link, escape, findings_table, Anchors};
use super::{db_label, finding_counts, findings_by_place, human_size, object_counts};
use crate::fleet::audit::{AuditReport, DatabaseEntry};
use crate::fleet::facts::DatabaseFacts;
use std::fmt::Write as _;

/// Up to this many databases, the sections of those with errors or warnings start open.
const OPEN_UP_TO: usize = 50;

/// The databases section.
pub(super) fn details(out: &mut String, report: &AuditReport, anchors: &Anchors<'_>) {
    out.push_str("<section id=\"databases\">\n<h2>Databases</h2>\n");
    let by_place = findings_by_place(report);
    for d in super::worst_first(report) {
        let place = (d.server.as_str(), Some(d.name.as_str()));
        let findings = by_place.get(&place).map(Vec::as_slice).unwrap_or_default();
        let id = anchors.of(&d.server, &d.name).unwrap_or_default();
        let open = report.databases.len() <= OPEN_UP_TO && d.errors + d.warnings > 0;
        summary(out, d, &id, open);
        if let Some(e) = &d.error {
            let _ = writeln!(out, "<p class=\"error\">Not read: {}</p>", escape(e));
        }
        out.push_str("<div class=\"cols\">\n<div><h4>Database</h4>\n");
        identity(out, d);
        out.push_str("</div>\n");
        if let Some(f) = &d.facts {
            facts(out, f);
        }
        out.push_str("</div>\n");
        trackers(out, d);
        out.push_str("<h4>Findings</h4>\n");
        findings_table(out, findings, None);
        out.push_str("</div>\n</details>\n");
    }
    out.push_str("</section>\n");
}

/// The opening of a database's section, with its one-line summary.
fn summary(out: &mut String, d: &DatabaseEntry, id: &str, open: bool) {
    let counts = finding_counts(d);
    let _ =
        writeln!(
        out,
        "<details class=\"db\" id=\"{id}\"{}>\n<summary>{} <strong>{}</strong> · role {} · {} · \
         {}{}</summary>\n<div class=\"db-body\">",
        if open { " open" } else { "" },
        db_badge(d),
        escape(&db_label(d)),
        escape(d.role.as_deref().unwrap_or("none")),
        escape(&human_size(d.size_bytes)),
        if counts.is_empty() { "no findings" } else { &counts },
        match docs_link(d) {
            link if link.is_empty() => link,
            link => format!(" · {link}"),
        }
    );
}

/// A definition list of (term, value) pairs; values are escaped here.
fn pairs(out: &mut String, items: &[(&str, String)]) {
    out.push_str("<dl class=\"facts\">");
    for (term, value) in items {
        let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", escape(term), escape(value));
    }
    out.push_str("</dl>\n");
}

fn identity(out: &mut String, d: &DatabaseEntry) {
    let or_dash = |v: Option<&str>| v.unwrap_or("–").to_string();
    let mut items = vec![
        ("server", d.server.clone()),
        ("database", d.name.clone()),
        ("role", or_dash(d.role.as_deref())),
        ("owner", or_dash(d.owner.as_deref())),
        ("encoding", or_dash(d.encoding.as_deref())),
        ("size", human_size(d.size_bytes)),
        ("managed by", or_dash(d.managed_by.as_deref())),
    ];
    if let Some(a) = &d.activity {
        items.push((
            "transactions",
            format!("{} committed, {} rolled back", a.commits, a.rollbacks),
        ));
        items.push(("sessions now", a.sessions.to_string()));
        let since = a
            .stats_reset
            .clone()
            .unwrap_or_else(|| "the statistics were created".into());
        items.push(("counted since", since));
    }
    if let Some(f) = &d.facts {
        items.push(("server version", f.server_version.clone()));
        let ro = if f.read_only { "yes" } else { "no" };
        items.push(("read in a read-only transaction", ro.to_string()));
    }
    pairs(out, &items);
}

/// Two blocks of the facts: objects and extensions, then table activity.
fn facts(out: &mut String, f: &DatabaseFacts) {
    out.push_str("<div><h4>Objects</h4>\n");
    let counts: Vec<(&str, String)> = object_counts(&f.objects)
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(name, n)| (*name, n.to_string()))
        .collect();
    if counts.is_empty() {
        out.push_str("<p class=\"muted\">No objects of the user's.</p>\n");
    } else {
        pairs(out, &counts);
    }
    extensions(out, f);
    let t = &f.tables;
    let when = |v: &Option<String>| v.clone().unwrap_or_else(|| "never".into());
    out.push_str("</div>\n<div><h4>Table activity</h4>\n");
    pairs(
        out,
        &[
            ("live rows", t.live_rows.to_string()),
            ("dead rows", t.dead_rows.to_string()),
            ("rows written", t.rows_written.to_string()),
            ("last vacuum", when(&t.last_vacuum)),
            ("last autovacuum", when(&t.last_autovacuum)),
            ("last analyze", when(&t.last_analyze)),
            ("last autoanalyze", when(&t.last_autoanalyze)),
        ],
    );
    out.push_str("</div>\n");
}

fn extensions(out: &mut String, f: &DatabaseFacts) {
    if f.extensions.is_empty() {
        return;
    }
    let list: Vec<String> = (f.extensions.iter())
        .map(|e| format!("{} {} (schema {})", e.name, e.version, e.schema))
        .collect();
    let _ = writeln!(
        out,
        "<h4>Extensions</h4>\n<p>{}</p>",
        escape(&list.join(", "))
    );
}

fn trackers(out: &mut String, d: &DatabaseEntry) {
    out.push_str("<h4>Migration tracking tables</h4>\n");
    if d.trackers.is_empty() {
        out.push_str("<p class=\"muted\">None found.</p>\n");
        return;
    }
    out.push_str(
        "<table class=\"grid\"><thead><tr><th>tool</th><th>table</th><th>applied</th>\
        <th>latest</th><th>last activity</th></tr></thead><tbody>\n",
    );
    for t in &d.trackers {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td><code>{}</code></td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&t.tool),
            escape(&t.table),
            t.applied.map_or_else(|| "not readable".to_string(), |n| n.to_string()),
            escape(t.latest.as_deref().unwrap_or("–")),
            escape(t.last_activity.as_deref().unwrap_or("–"))
        );
    }
    out.push_str("</tbody></table>\n");
}
