//! Renderers of the documentation: Markdown pages with Mermaid diagrams, one HTML page with
//! SVG diagrams, and the comment coverage of a schema.

pub mod coverage;
#[cfg(test)]
mod fixtures;
pub mod html;
pub mod markdown;
pub mod mermaid;
pub mod svg;

use crate::docs::check::{grouped, CheckReport};
use std::fmt::Write as _;

/// `docs --check` for people: one line per stale object with what differs.
pub fn check_text(report: &CheckReport) -> String {
    let mut out = String::new();
    if report.stale.is_empty() {
        let _ = writeln!(
            out,
            "{}: up to date with {} ({} pages)",
            report.dir, report.source, report.pages
        );
    } else {
        let groups = grouped(&report.stale);
        let _ = writeln!(
            out,
            "{}: stale against {} ({} objects differ)",
            report.dir,
            report.source,
            groups.len()
        );
        for (object, what) in groups {
            let _ = writeln!(out, "  {object}: {}", what.join("; "));
        }
        out.push_str("Regenerate with `pgdrift docs SOURCE -o DIR` (notes are kept) and commit the result.\n");
    }
    for key in &report.orphaned_notes {
        let _ = writeln!(
            out,
            "note: the notes on {key} lost their object (kept in ORPHANED-NOTES.md)"
        );
    }
    out
}
