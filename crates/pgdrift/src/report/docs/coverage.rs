//! Comment coverage rendered (`pgdrift docs --comment-coverage`): text lines for people —
//! the shares of commented tables, columns and views, one line per schema, the first
//! uncommented tables — and a versioned JSON document that is the coverage itself.

use crate::docs::coverage::{Coverage, Share};
use serde::Serialize;
use std::fmt::Write as _;

/// The version of the JSON layout of a coverage report.
pub const FORMAT_VERSION: u32 = 1;

/// How many uncommented tables the text names.
pub const LISTED_TABLES: usize = 20;

/// The JSON document: the coverage, with its version and what was measured.
#[derive(Debug, Serialize)]
pub struct CoverageReport<'a> {
    pub format_version: u32,
    /// What was measured, passwords masked.
    pub source: String,
    #[serde(flatten)]
    pub coverage: &'a Coverage,
}

impl<'a> CoverageReport<'a> {
    /// The report of `coverage` measured on `source` (masked here).
    pub fn new(source: &str, coverage: &'a Coverage) -> CoverageReport<'a> {
        CoverageReport {
            format_version: FORMAT_VERSION,
            source: crate::pg::mask_urls(source),
            coverage,
        }
    }
}

fn share_line(what: &str, share: &Share) -> String {
    format!(
        "{what}: {}/{} commented ({})",
        share.commented,
        share.total,
        share.percent()
    )
}

/// The coverage as text: totals, one line per schema, then the first
/// [`LISTED_TABLES`] uncommented tables; passwords masked.
pub fn render_text(source: &str, coverage: &Coverage) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "comment coverage of {source}");
    for (what, share) in [
        ("tables", &coverage.tables),
        ("columns", &coverage.columns),
        ("views", &coverage.views),
    ] {
        let _ = writeln!(out, "{}", share_line(what, share));
    }
    for (schema, tables, columns) in &coverage.per_schema {
        let _ = writeln!(
            out,
            "  {schema}: {}, {}",
            share_line("tables", tables),
            share_line("columns", columns)
        );
    }
    let missing = &coverage.uncommented_tables;
    if !missing.is_empty() {
        let shown = missing.len().min(LISTED_TABLES);
        let _ = match shown < missing.len() {
            true => writeln!(
                out,
                "uncommented tables (first {shown} of {}):",
                missing.len()
            ),
            false => writeln!(out, "uncommented tables:"),
        };
        for name in &missing[..shown] {
            let _ = writeln!(out, "  {name}");
        }
    }
    crate::pg::mask_urls(&out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::QualName;

    fn sample(uncommented: usize) -> Coverage {
        let share = |commented, total| Share { commented, total };
        Coverage {
            tables: share(12, 40),
            columns: share(399, 400),
            views: share(0, 0),
            per_schema: vec![
                ("app".into(), share(10, 30), share(300, 300)),
                ("audit".into(), share(2, 10), share(99, 100)),
            ],
            uncommented_tables: (0..uncommented)
                .map(|i| QualName::new("app", format!("t{i:02}")))
                .collect(),
            uncommented_columns: vec![(QualName::new("audit", "log"), "line".into())],
        }
    }

    #[test]
    fn text_gives_totals_schemas_and_the_first_uncommented_tables() {
        let text = render_text("postgres://u:secret@h/app", &sample(28));
        assert!(!text.contains("secret"), "{text}");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "tables: 12/40 commented (30.0%)");
        assert_eq!(lines[2], "columns: 399/400 commented (99.7%)");
        assert_eq!(lines[3], "views: 0/0 commented (100.0%)");
        assert_eq!(
            lines[5],
            "  audit: tables: 2/10 commented (20.0%), columns: 99/100 commented (99.0%)"
        );
        assert_eq!(lines[6], "uncommented tables (first 20 of 28):");
        assert_eq!(lines[7], "  app.t00");
        assert_eq!(lines.last(), Some(&"  app.t19"));
        assert_eq!(lines.len(), 7 + LISTED_TABLES);
        let few = render_text("db", &sample(2));
        assert!(
            few.contains("uncommented tables:\n  app.t00\n  app.t01\n"),
            "{few}"
        );
        assert!(!render_text("db", &sample(0)).contains("uncommented"));
    }

    #[test]
    fn json_is_the_coverage_with_its_version() {
        let cov = sample(1);
        let v = serde_json::to_value(CoverageReport::new("postgres://u:pw@h/app", &cov)).unwrap();
        assert_eq!(v["format_version"], FORMAT_VERSION);
        assert!(!v["source"].as_str().unwrap().contains("pw"));
        assert_eq!(v["tables"]["commented"], 12);
        assert_eq!(v["tables"]["ratio"], 0.3);
        assert_eq!(v["per_schema"][1]["schema"], "audit");
        assert_eq!(v["uncommented_tables"][0]["name"], "t00");
        assert_eq!(v["uncommented_columns"][0][1], "line");
    }
}
