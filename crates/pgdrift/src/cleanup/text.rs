//! The plan and the result of a cleanup command, as text (and the JSON document's shape):
//! per database, the objects and where they go, what cascades, the statements, and how it
//! ended.

use super::{Action, Planned, Prepared, Status};
use serde::Serialize;
use std::fmt::Write;

/// The JSON document of a cleanup command.
#[derive(Debug, Clone, Serialize)]
pub struct Report<'a> {
    pub format_version: u32,
    pub action: Action,
    /// True when only the plan was printed.
    pub dry_run: bool,
    pub databases: &'a [Prepared],
}

/// The plan of each database: its objects and statements.
pub fn render_plan(all: &[Prepared]) -> String {
    let mut out = String::new();
    for p in all {
        let _ = writeln!(out, "{} on {}:", p.action.as_str(), p.database);
        for nf in &p.not_found {
            let _ = write!(out, "  no object matches {}", nf.pattern);
            match nf.closest.is_empty() {
                true => out.push('\n'),
                false => {
                    let _ = writeln!(out, " (closest: {})", nf.closest.join(", "));
                }
            }
        }
        for o in &p.objects {
            object(&mut out, o);
        }
        if !p.statements.is_empty() && p.status == Status::Ready {
            out.push_str("  statements (one transaction):\n");
            for s in &p.statements {
                let _ = writeln!(out, "    {};", crate::report::script::one_line(s));
            }
        }
        if !matches!(p.status, Status::Ready) {
            let _ = writeln!(out, "  {}", status(&p.status));
        }
    }
    out
}

fn object(out: &mut String, o: &Planned) {
    let _ = write!(out, "  {} {}", o.kind, o.object);
    if let Some(orig) = &o.original {
        let _ = write!(out, " (originally {orig})");
    }
    if let Some(to) = &o.to {
        let _ = write!(out, " -> {to}");
    }
    if let Some(at) = &o.quarantined_at {
        let _ = write!(out, ", in quarantine since {at}");
    }
    out.push('\n');
    for c in &o.cascades {
        let _ = writeln!(out, "    goes with it: {c}");
    }
    if let Some(b) = &o.backup {
        let _ = writeln!(out, "    backup: {b}");
    }
    for n in &o.notes {
        let _ = writeln!(out, "    {n}");
    }
}

/// How each database ended: done (with rows, checksums, backup and rollback script),
/// skipped, refused or failed.
pub fn render_result(all: &[Prepared]) -> String {
    let mut out = String::new();
    for p in all {
        let _ = writeln!(out, "{}: {}", p.database, status(&p.status));
        if p.status != Status::Done {
            continue;
        }
        for o in &p.objects {
            let _ = write!(out, "  {} {}", p.action.as_str(), o.object);
            if let Some(to) = &o.to {
                let _ = write!(out, " -> {to}");
            }
            if let (Some(rows), Some(sum)) = (o.rows, &o.checksum) {
                let _ = write!(out, " ({rows} rows, checksum {sum})");
            }
            out.push('\n');
            if let Some(b) = &o.backup {
                let _ = writeln!(out, "    backup: {b}");
            }
        }
        if let Some(v) = &p.verified {
            let _ = writeln!(out, "  verified: {v}");
        }
        if let Some(r) = &p.rollback_script {
            let _ = writeln!(out, "  rollback script: {r}");
        }
    }
    out
}

/// One line for a status.
pub fn status(s: &Status) -> String {
    match s {
        Status::Ready => "planned".into(),
        Status::Done => "done".into(),
        Status::Skipped(why) => format!("skipped: {why}"),
        Status::Refused(why) => format!("refused: {why}"),
        Status::Failed(why) => format!("failed: {why}; nothing was changed"),
    }
}
