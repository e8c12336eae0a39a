//! Lint reports rendered: text for people, the rule list and a rule's help, and the lines
//! the Markdown outputs share; JSON goes through `report::json`, and the other formats
//! (Markdown, SARIF, GitHub annotations) have a file each.

mod github;
mod markdown;
mod sarif;
#[cfg(test)]
mod tests;

pub use github::{
    annotation, escape_data, escape_property, render_github, PER_JOB, PER_STEP_AND_LEVEL,
};
pub use markdown::{render_markdown, MARKER, MAX_ROWS};
pub use sarif::{level, render_sarif, uri, DATABASE_ANCHOR, SARIF_SCHEMA};

use crate::lint::{Input, LintReport, RuleInfo, RULES};
use crate::report::audit::md_code;
use crate::report::finding::{counts, Finding, Severity};
use std::fmt::Write as _;

/// `text` with every password in it masked: each string of a report passes through here on
/// its way to an output.
pub(crate) fn masked(text: &str) -> String {
    crate::pg::mask_urls(text)
}

/// The first line of the Markdown outputs: the counts by severity and what was linted.
pub(crate) fn headline(report: &LintReport) -> String {
    let parts: Vec<String> = counts(&report.findings)
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| match (s, n) {
            (Severity::Info, _) => format!("{n} info"),
            (_, 1) => format!("1 {}", s.as_str()),
            _ => format!("{n} {}s", s.as_str()),
        })
        .collect();
    let (mark, found) = match report.worst() {
        None => ("✓", "no findings".to_string()),
        Some(Severity::Info) => ("✓", parts.join(", ")),
        Some(Severity::Warning) => ("!", parts.join(", ")),
        Some(Severity::Error) => ("✗", parts.join(", ")),
    };
    let server = match &report.server_version {
        Some(v) => format!(", PostgreSQL {}", masked(v)),
        None => String::new(),
    };
    format!(
        "**pgdrift lint** {mark} {found} in {} ({} rules{server})",
        md_code(&masked(&report.source)),
        report.rules_run
    )
}

fn paint(color: bool, severity: Severity, text: &str) -> String {
    if !color {
        return text.to_string();
    }
    let code = match severity {
        Severity::Error => "31",
        Severity::Warning => "33",
        Severity::Info => "36",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// One finding in a line or three: severity, code, where, message; then the fix.
fn finding_text(out: &mut String, f: &Finding, color: bool) {
    let place = match (&f.location.file, f.location.line) {
        (Some(file), Some(line)) => format!("{file}:{line}: "),
        (Some(file), None) => format!("{file}: "),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "{} {} {}{} [{}]",
        paint(color, f.severity, &format!("{:<7}", f.severity.as_str())),
        f.code,
        place,
        f.message,
        f.slug
    );
    if let Some(fix) = &f.fix {
        let _ = writeln!(out, "        fix: {fix}");
    }
}

/// The report as text: each finding worst first, then what was skipped, then the counts;
/// passwords masked.
pub fn render_text(report: &LintReport, color: bool) -> String {
    let mut out = String::new();
    for f in &report.findings {
        finding_text(&mut out, f, color);
    }
    if !report.skipped.is_empty() {
        let codes: Vec<&str> = report.skipped.iter().map(|s| s.code).collect();
        let _ = writeln!(
            out,
            "skipped {}: {}",
            codes.join(", "),
            report.skipped[0].reason
        );
    }
    let parts: Vec<String> = counts(&report.findings)
        .iter()
        .map(|(s, n)| format!("{n} {}{}", s.as_str(), if *n == 1 { "" } else { "s" }))
        .collect();
    let _ = writeln!(
        out,
        "{}: {} ({} rules)",
        report.source,
        match report.findings.is_empty() {
            true => "no findings".to_string(),
            false => parts.join(", "),
        },
        report.rules_run
    );
    masked(&out)
}

fn input_name(input: Input) -> &'static str {
    match input {
        Input::Catalog => "catalog",
        Input::Statistics => "statistics",
        Input::Migration => "migration",
    }
}

/// Every rule, one line each, at its default level (`off` for a rule off by default).
pub fn render_rules() -> String {
    let mut out = String::new();
    for r in RULES {
        let _ = writeln!(
            out,
            "{}  {:<38} {:<8} {:<10} {}",
            r.code,
            r.slug,
            r.default_level_name(),
            input_name(r.input),
            r.summary
        );
    }
    out
}

/// One rule's help.
pub fn render_explain(rule: &RuleInfo) -> String {
    let level = match rule.on_by_default {
        true => rule.severity.as_str().to_string(),
        false => format!("off by default, {} when on", rule.severity.as_str()),
    };
    format!(
        "{} {} ({}, reads the {})\n{}.\n\n{}\n\nSilence it for one object with `pgdrift:ignore {}` in the object's COMMENT, \
         or in a migration with `-- pgdrift:ignore {} reason` before the statement; change its \
         level in pgdrift.toml: [lint] rules = {{ {} = \"off\" }}.\n",
        rule.code,
        rule.slug,
        level,
        input_name(rule.input),
        rule.summary,
        rule.doc,
        rule.code,
        rule.code,
        rule.code
    )
}
