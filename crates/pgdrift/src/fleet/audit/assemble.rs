//! Putting the report together: per-database finding counts, worst first, findings sorted,
//! role summaries, the matrix; every free-text field masked.

use super::findings::{Finding, Severity};
use super::report::{AuditReport, DriftMatrix, RoleEntry, ServerEntry, FORMAT_VERSION};
use super::run::{DbResult, Role};
use std::cmp::Reverse;

pub(super) fn assemble(
    config: Option<String>,
    servers: Vec<ServerEntry>,
    roles: &[Role],
    mut databases: Vec<DbResult>,
    mut findings: Vec<Finding>,
    matrix: fn(&[Role], &[DbResult]) -> DriftMatrix,
) -> AuditReport {
    for d in &mut databases {
        let count = |s: Severity| d.findings.iter().filter(|f| f.severity == s).count();
        d.entry.errors = count(Severity::Error);
        d.entry.warnings = count(Severity::Warning);
        d.entry.infos = count(Severity::Info);
    }
    databases.sort_by_key(|d| {
        (
            Reverse((d.entry.errors, d.entry.warnings, d.entry.infos)),
            d.entry.server.clone(),
            d.entry.name.clone(),
        )
    });
    let matrix = matrix(roles, &databases);
    let role_entries = roles
        .iter()
        .map(|r| RoleEntry {
            name: r.name.clone(),
            desired: r.arg.clone(),
            objects: r.objects.len(),
            databases: databases
                .iter()
                .filter(|d| d.entry.role.as_deref() == Some(r.name.as_str()))
                .count(),
            error: r.error.clone(),
        })
        .collect();
    let mut entries = Vec::with_capacity(databases.len());
    for d in databases {
        findings.extend(d.findings);
        entries.push(d.entry);
    }
    findings.sort_by(|a, b| {
        (
            Reverse(a.severity),
            &a.server,
            &a.database,
            a.code,
            &a.object,
        )
            .cmp(&(
                Reverse(b.severity),
                &b.server,
                &b.database,
                b.code,
                &b.object,
            ))
    });
    let mut report = AuditReport {
        format_version: FORMAT_VERSION,
        pgdrift_version: crate::VERSION,
        config,
        servers,
        roles: role_entries,
        databases: entries,
        findings,
        matrix,
        shard: None,
    };
    mask_all(&mut report);
    report
}

/// Every free-text field once more through the masking function: whatever a server, a
/// command or a source said, no renderer (text, Markdown, HTML, JSON) shows a password.
fn mask_all(report: &mut AuditReport) {
    let mask = |s: &mut String| *s = crate::pg::mask_urls(s);
    for s in &mut report.servers {
        mask(&mut s.target);
        s.error.iter_mut().for_each(mask);
    }
    for r in &mut report.roles {
        r.desired.iter_mut().for_each(mask);
        r.error.iter_mut().for_each(mask);
    }
    for d in &mut report.databases {
        d.error.iter_mut().for_each(mask);
    }
    report.findings.iter_mut().for_each(mask_finding);
}

/// A finding's free text through the masking function.
pub(super) fn mask_finding(f: &mut Finding) {
    f.message = crate::pg::mask_urls(&f.message);
    f.fix = crate::pg::mask_urls(&f.fix);
}
