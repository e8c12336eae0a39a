//! Lint reports as Markdown, for a pull-request comment (and the rest of a GitHub step
//! summary): a hidden marker line by which a CI job finds its own comment again, a first line
//! a reviewer reads (the counts by severity and what was linted), the findings worst first in
//! a table capped in rows and characters, and the rules that did not run. Every string from
//! the data is masked (passwords) and escaped (Markdown, HTML, table pipes).

use super::{headline, masked};
use crate::lint::{LintReport, Skipped};
use crate::report::audit::{md_code, md_text};
use crate::report::finding::{Finding, Severity};
use std::fmt::Write as _;

/// The first line of every comment pgdrift writes, so that a CI job finds and updates its own
/// comment instead of adding another one.
pub const MARKER: &str = "<!-- pgdrift-lint -->";

/// Rows of findings listed before the rest are counted.
pub const MAX_ROWS: usize = 100;

/// Characters of table a comment may hold: GitHub keeps 65,536 per comment body, and the
/// lines around the table need some.
const MAX_TABLE_CHARS: usize = 60_000;

/// The report as a pull-request comment.
pub fn render_markdown(report: &LintReport) -> String {
    let mut out = format!("{MARKER}\n{}\n\n", headline(report));
    if !report.findings.is_empty() {
        let all: Vec<&Finding> = report.findings.iter().collect();
        findings_table(&mut out, &all, MAX_ROWS);
    }
    skipped(&mut out, &report.skipped);
    let _ = writeln!(
        out,
        "<sub>pgdrift {} · `pgdrift lint --explain CODE` tells what a rule checks and how to \
         silence it.</sub>",
        crate::VERSION
    );
    out
}

/// A severity as a table cell: a marker that reads without color, then the word.
fn severity_cell(s: Severity) -> &'static str {
    match s {
        Severity::Error => "✗ error",
        Severity::Warning => "! warning",
        Severity::Info => "i info",
    }
}

/// Where a finding is: the file and line in a code span, then the object.
fn place_cell(f: &Finding) -> String {
    let file = f
        .location
        .file
        .as_deref()
        .map(|file| match f.location.line {
            Some(line) => md_code(&format!("{}:{line}", masked(file))),
            None => md_code(&masked(file)),
        });
    let object = f.object.as_ref().map(|o| md_text(&masked(&o.to_string())));
    match (file, object) {
        (Some(file), Some(object)) => format!("{file} {object}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => match &f.location.database {
            Some(db) => format!("database {}", md_text(&masked(db))),
            None => String::new(),
        },
    }
}

/// One table row.
fn row(f: &Finding) -> String {
    format!(
        "| {} | {} {} | {} | {} | {} |\n",
        severity_cell(f.severity),
        md_text(f.code),
        md_text(f.slug),
        place_cell(f),
        md_text(&masked(&f.message)),
        f.fix
            .as_deref()
            .map_or(String::new(), |fix| md_code(&masked(fix)))
    )
}

/// `findings` as a table, in their order, at most `max_rows` rows and [`MAX_TABLE_CHARS`]
/// characters; a line counts the rest.
pub(crate) fn findings_table(out: &mut String, findings: &[&Finding], max_rows: usize) {
    out.push_str("| severity | rule | where | message | fix |\n|---|---|---|---|---|\n");
    let mut chars = 0;
    let mut shown = 0;
    for f in findings.iter().take(max_rows) {
        let line = row(f);
        chars += line.chars().count();
        if chars > MAX_TABLE_CHARS {
            break;
        }
        out.push_str(&line);
        shown += 1;
    }
    let more = findings.len() - shown;
    if more > 0 {
        let _ = writeln!(
            out,
            "\n… and {more} more {}: `pgdrift lint -f json` lists every one.",
            if more == 1 { "finding" } else { "findings" }
        );
    }
    out.push('\n');
}

/// The rules that did not run, grouped by why.
fn skipped(out: &mut String, skipped: &[Skipped]) {
    let mut reasons: Vec<(&str, Vec<&str>)> = Vec::new();
    for s in skipped {
        match reasons.iter_mut().find(|(r, _)| *r == s.reason) {
            Some((_, codes)) => codes.push(s.code),
            None => reasons.push((&s.reason, vec![s.code])),
        }
    }
    for (reason, codes) in reasons {
        let _ = writeln!(
            out,
            "Not run: {} ({}).\n",
            md_text(&codes.join(", ")),
            md_text(&masked(reason))
        );
    }
}
