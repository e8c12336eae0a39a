//! Lint reports as GitHub Actions workflow commands: one annotation per finding
//! (`::error file=F,line=L,title=CODE slug::message`, `::warning`, `::notice` for info), on
//! the file and line when the finding has them and on the run otherwise, as many as GitHub
//! shows; the findings past that limit, with the counts, as Markdown for the step summary.
//!
//! Escaping follows the runner's parser (actions/toolkit `command.ts`): in the message `%`,
//! `\r` and `\n` are percent-encoded; in a property value `:` and `,` too.

use super::markdown::{findings_table, MAX_ROWS};
use super::{headline, masked};
use crate::lint::LintReport;
use crate::report::finding::{Finding, Severity};
use std::fmt::Write as _;

/// Annotations GitHub keeps of one level in one step. Documented in actions/toolkit
/// `docs/problem-matchers.md` ("Limitations": 10 warning and 10 error annotations per step,
/// 50 per job); the runner keeps the first ten of a level and only counts the rest
/// (`_maxIssueCount` in actions/runner `src/Runner.Worker/ExecutionContext.cs`), notices
/// included.
pub const PER_STEP_AND_LEVEL: usize = 10;

/// Annotations GitHub keeps of one job, all steps and levels together.
pub const PER_JOB: usize = 50;

/// The annotations (one line each), and the step summary: the counts, and the findings that
/// were not annotated.
pub fn render_github(report: &LintReport) -> (String, String) {
    let mut annotations = String::new();
    let mut per_level = [0usize; 3];
    let mut rest: Vec<&Finding> = Vec::new();
    for f in &report.findings {
        let level = f.severity as usize;
        let total: usize = per_level.iter().sum();
        if per_level[level] < PER_STEP_AND_LEVEL && total < PER_JOB {
            per_level[level] += 1;
            annotations.push_str(&annotation(f));
        } else {
            rest.push(f);
        }
    }
    let mut summary = format!("{}\n\n", headline(report));
    if !rest.is_empty() {
        let _ = writeln!(
            summary,
            "{} {} not shown as annotations (GitHub shows {PER_STEP_AND_LEVEL} of each level \
             per step):\n",
            rest.len(),
            if rest.len() == 1 {
                "finding is"
            } else {
                "findings are"
            }
        );
        findings_table(&mut summary, &rest, MAX_ROWS);
    }
    (annotations, summary)
}

/// One finding as a workflow command line.
pub fn annotation(f: &Finding) -> String {
    let command = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut properties = Vec::new();
    if let Some(file) = &f.location.file {
        properties.push(format!("file={}", escape_property(&masked(file))));
        if let Some(line) = f.location.line {
            properties.push(format!("line={line}"));
        }
    }
    let title = format!("{} {}", f.code, f.slug);
    properties.push(format!("title={}", escape_property(&title)));
    let mut message = masked(&f.message);
    if let Some(fix) = &f.fix {
        message.push_str("\nfix: ");
        message.push_str(&masked(fix));
    }
    format!(
        "::{command} {}::{}\n",
        properties.join(","),
        escape_data(&message)
    )
}

/// A message for a workflow command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value for a workflow command.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
