//! Lint reports as SARIF 2.1.0, for code-scanning services (GitHub's `upload-sarif` among
//! them): one run whose driver lists every rule of the table, and one result per finding with
//! its level, message (and fix), location, stable fingerprint and the object at fault.
//!
//! GitHub's code scanning refuses a result without a location ("locationFromSarifResult:
//! expected at least one location") and needs `physicalLocation.artifactLocation.uri` to be a
//! non-empty URI reference. A finding with no file of its own (a live database's) is therefore
//! placed on the file that describes what was linted — the linted path, or `pgdrift.toml` for
//! a database — besides its logical location, the object's qualified name and kind.

use super::masked;
use crate::lint::{Input, LintReport, RULES};
use crate::report::finding::{Finding, Severity};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::{json, Value};

/// The OASIS schema of SARIF 2.1.0 (errata 01), which the output follows.
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where results without a file are shown when the source is no path: the configuration.
pub const DATABASE_ANCHOR: &str = "pgdrift.toml";

/// What a URI path may not hold as is (RFC 3986): controls, space, delimiters, `%`, and `:`,
/// which would make the first segment of a relative reference read as a scheme.
const NOT_IN_PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b':')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The report as a SARIF log.
pub fn render_sarif(report: &LintReport) -> Value {
    let anchor = anchor(report);
    let results: Vec<Value> = (report.findings.iter())
        .map(|f| result(f, &anchor))
        .collect();
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "pgdrift",
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "version": crate::VERSION,
                "rules": RULES.iter().map(rule).collect::<Vec<_>>(),
            }},
            "results": results,
            "properties": run_properties(report),
        }],
    })
}

/// What was linted, on which server, how many rules ran and which did not.
fn run_properties(report: &LintReport) -> Value {
    let skipped: Vec<Value> = (report.skipped.iter())
        .map(|s| json!({ "rule": s.code, "reason": masked(&s.reason) }))
        .collect();
    let mut bag = json!({
        "source": masked(&report.source),
        "rulesRun": report.rules_run,
        "skipped": skipped,
    });
    if let Some(v) = &report.server_version {
        bag["serverVersion"] = json!(masked(v));
    }
    bag
}

/// A severity as a SARIF level.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Info => "note",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

fn rule(r: &crate::lint::RuleInfo) -> Value {
    let input = match r.input {
        Input::Catalog => "catalog",
        Input::Statistics => "statistics",
        Input::Migration => "migration",
    };
    json!({
        "id": r.code,
        "name": r.slug,
        "shortDescription": { "text": r.summary },
        "fullDescription": { "text": r.doc },
        "help": { "text": r.doc },
        "defaultConfiguration": { "level": level(r.severity), "enabled": r.on_by_default },
        "properties": { "tags": ["postgresql", input] },
    })
}

fn result(f: &Finding, anchor: &str) -> Value {
    let mut text = masked(&f.message);
    if let Some(fix) = &f.fix {
        text.push_str("\nFix: ");
        text.push_str(&masked(fix));
    }
    let mut out = json!({
        "ruleId": f.code,
        "level": level(f.severity),
        "message": { "text": text },
        "locations": [location(f, anchor)],
        "partialFingerprints": { "pgdriftFingerprint/v1": f.fingerprint },
        "properties": properties(f),
    });
    if let Some(index) = RULES.iter().position(|r| r.code == f.code) {
        out["ruleIndex"] = json!(index);
    }
    out
}

/// The slug, and the object, fix and database when there are.
fn properties(f: &Finding) -> Value {
    let mut bag = serde_json::Map::new();
    bag.insert("slug".into(), json!(f.slug));
    if let Some(o) = &f.object {
        bag.insert(
            "object".into(),
            json!({ "kind": o.kind, "name": masked(&o.name) }),
        );
    }
    if let Some(fix) = &f.fix {
        bag.insert("fix".into(), json!(masked(fix)));
    }
    if let Some(db) = &f.location.database {
        bag.insert("database".into(), json!(masked(db)));
    }
    Value::Object(bag)
}

fn location(f: &Finding, anchor: &str) -> Value {
    let mut physical = match &f.location.file {
        Some(file) => json!({ "artifactLocation": { "uri": uri(&masked(file)) } }),
        None => json!({ "artifactLocation": { "uri": uri(anchor) } }),
    };
    if let (Some(_), Some(line)) = (&f.location.file, f.location.line) {
        physical["region"] = json!({ "startLine": line.max(1) });
    }
    let mut out = json!({ "physicalLocation": physical });
    if let Some(o) = &f.object {
        out["logicalLocations"] = json!([{
            "fullyQualifiedName": masked(&o.name),
            "kind": o.kind,
        }]);
    }
    out
}

/// The file results without one are shown on: the linted path, else the configuration.
fn anchor(report: &LintReport) -> String {
    let source = report.source.trim();
    let is_path = report.server_version.is_none()
        && !source.is_empty()
        && !source.contains("://")
        && !source.contains('=')
        && !["env:", "cmd:"].iter().any(|p| source.starts_with(p));
    match is_path {
        true => masked(source),
        false => DATABASE_ANCHOR.to_string(),
    }
}

/// A path as a URI reference: relative paths stay relative (to the repository root, as code
/// scanning reads them), absolute ones become `file://` URIs.
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut rel = path.as_str();
    while let Some(rest) = rel.strip_prefix("./") {
        rel = rest;
    }
    let encoded = utf8_percent_encode(rel, NOT_IN_PATH).to_string();
    match (rel.starts_with('/'), encoded.is_empty()) {
        (true, _) => format!("file://{encoded}"),
        (false, true) => ".".to_string(),
        (false, false) => encoded,
    }
}
