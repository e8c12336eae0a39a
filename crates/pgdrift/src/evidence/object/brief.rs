//! The evidence about one relation in brief, as findings carry it (the audit's PA021 and
//! PA023): the verdict and its reasons, what it holds, its activity, and the command that
//! gives the whole checklist.

use super::{ObjectEvidence, VerdictState};
use serde::Serialize;

/// A relation's evidence, in brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Brief {
    pub verdict: VerdictState,
    pub reasons: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// Rows, estimated unless `rows_exact`.
    pub rows: Option<i64>,
    pub rows_exact: bool,
    pub total_bytes: i64,
    /// False when the size comes from the planner's page counts.
    pub sizes_exact: bool,
    /// Scans and rows written since the statistics were reset; `None` without statistics.
    pub reads: Option<i64>,
    pub writes: Option<i64>,
    /// The objects that depend on it (foreign keys, views, functions, publications).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depended_on_by: Vec<String>,
    /// The command that prints the whole evidence as a checklist.
    pub investigate: String,
}

impl Brief {
    pub fn of(e: &ObjectEvidence, investigate: String) -> Brief {
        Brief {
            verdict: e.verdict.state,
            reasons: e.verdict.reasons.clone(),
            missing: e.verdict.missing.clone(),
            rows: e.holds.rows,
            rows_exact: e.holds.rows_exact,
            total_bytes: e.holds.total_bytes,
            sizes_exact: e.holds.sizes_exact,
            reads: e.activity.as_ref().map(|a| a.reads()),
            writes: e.activity.as_ref().map(|a| a.writes()),
            depended_on_by: (e.ties.iter())
                .filter(|t| t.depends_on_it())
                .map(|t| format!("{} {}", t.kind, t.other))
                .collect(),
            investigate,
        }
    }

    /// One line: `likely unused: about 0 rows, 8 KiB; no reads or writes in 30 day(s)`.
    pub fn line(&self) -> String {
        let rows = match (self.rows, self.rows_exact) {
            (Some(n), true) => format!("{n} rows"),
            (Some(n), false) => format!("about {n} rows"),
            (None, _) => "rows unknown".to_string(),
        };
        format!(
            "{}: {rows}, {}{}; {}",
            self.verdict.label(),
            if self.sizes_exact { "" } else { "about " },
            crate::report::investigate::bytes(self.total_bytes),
            self.reasons.join("; ")
        )
    }
}
