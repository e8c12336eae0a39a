//! What a rollout of `migrate apply` prints at the end: the summary (per wave, totals, time),
//! the `-f json` document (with `waves` and each database's `wave` and `status`), the
//! `-f jsonl` summary line, the HTML report, and the error that sets exit code 2.

use super::Paint;
use crate::output::{arguments, masked};
use pgdrift::fleet::rollout::{DbOutcome, Rollout, Status, Stop};
use pgdrift::fleet::Target;
use pgdrift::report::shell::Command;
use serde_json::json;

/// The final summary: a line per wave when there were several, then the totals.
pub fn summary(names: &[String], done: &Rollout, dry_run: bool, paint: Paint) -> String {
    let mut out = String::new();
    if done.waves.len() > 1 {
        for w in &done.waves {
            let canary = if w.canary { " (canary)" } else { "" };
            out.push_str(&format!(
                "wave {}{canary}: {} ok, {} failed, {} not attempted\n",
                w.wave, w.ok, w.failed, w.not_attempted
            ));
        }
    }
    let ok = done.outcomes.iter().filter(|o| o.status.ok()).count();
    let failed: Vec<&str> = (names.iter().zip(&done.outcomes))
        .filter(|(_, o)| o.status == Status::Failed)
        .map(|(n, _)| n.as_str())
        .collect();
    let applied: usize = done.outcomes.iter().map(|o| o.versions().len()).sum();
    let verb = if dry_run { "would run" } else { "applied" };
    let mut line = format!(
        "{} databases in {:.1} s: {ok} ok ({applied} migrations {verb})",
        names.len(),
        done.seconds
    );
    if !failed.is_empty() {
        line.push_str(&format!(
            ", {} failed ({})",
            failed.len(),
            failed.join(", ")
        ));
        line = paint.red(&line);
    }
    let skipped = done.count(Status::NotAttempted);
    if skipped > 0 {
        line.push_str(&format!(", {skipped} not attempted"));
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// The line a single database's text ends with after lock retries.
pub fn retries(n: u32) -> String {
    match n {
        1 => "after 1 lock retry\n".into(),
        n => format!("after {n} lock retries\n"),
    }
}

/// A database in `-f json`.
pub fn json_result(target: &Target, o: &DbOutcome) -> serde_json::Value {
    let mut v = json!({"database": target.database(), "target": target.label,
        "ok": o.status.ok(), "wave": o.wave, "status": o.status.as_str()});
    match (&o.report, &o.error) {
        (Some(r), _) => {
            v["report"] = json!(r);
            v["backup"] = json!(r.backup);
            v["verified"] = json!(r.verified);
        }
        (None, e) => v["error"] = json!(e),
    }
    if o.retries > 0 {
        v["retries"] = json!(o.retries);
    }
    v
}

/// The error a rollout that did not finish cleanly ends with (exit code 2), saying how to go
/// on: the same command resumes, `--only-failed` retries the failures.
pub fn ending(done: &Rollout) -> Option<String> {
    let failed = done.count(Status::Failed);
    let skipped = done.count(Status::NotAttempted);
    let total = done.outcomes.len();
    let mut text = match (&done.stopped, failed) {
        (Some(Stop::Interrupted), _) => {
            format!("interrupted: {skipped} of {total} databases not attempted")
        }
        (Some(Stop::Declined), _) => {
            format!("stopped between waves: {skipped} of {total} databases not attempted")
        }
        (_, 0) if skipped == 0 => return None,
        (_, 0) => format!("{skipped} of {total} databases not attempted"),
        _ => format!("{failed} of {total} databases failed (listed above)"),
    };
    if failed > 0 && matches!(done.stopped, Some(Stop::Interrupted | Stop::Declined)) {
        text.push_str(&format!(", {failed} failed"));
    }
    if let Some(Stop::Failures { allowed, .. }) = &done.stopped {
        text.push_str(&format!(
            "; the rollout stopped (--max-failures allows {allowed}): {skipped} not attempted"
        ));
    }
    let again = Command::pgdrift(arguments().into_iter().filter(|a| a != "--only-failed"));
    text.push_str(&format!(
        "\nto resume, run the same command again (databases already migrated report \"up to date\"):\n  {}",
        masked(&again.to_string())
    ));
    if failed > 0 {
        text.push_str(&format!(
            "\nto retry only the failed ones once fixed:\n  {}",
            masked(&again.arg("--only-failed").to_string())
        ));
    }
    Some(text)
}
