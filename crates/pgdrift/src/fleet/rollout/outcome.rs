//! What a rollout did: each database's outcome (its wave, status, the versions applied, lock
//! retries, time, error), each wave's counts, why it stopped early, and the JSON line a
//! database or the summary gets with `-f jsonl`.

use crate::fleet::Target;
use crate::migrate::runner::ApplyReport;
use serde::Serialize;
use serde_json::{json, Value};

/// How a database ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// At least one migration ran (or, in a dry run, would run).
    Applied,
    UpToDate,
    Failed,
    /// Never started: the rollout stopped before its turn.
    NotAttempted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Applied => "applied",
            Status::UpToDate => "up_to_date",
            Status::Failed => "failed",
            Status::NotAttempted => "not_attempted",
        }
    }

    /// Applied or already up to date.
    pub fn ok(self) -> bool {
        matches!(self, Status::Applied | Status::UpToDate)
    }
}

/// One database's outcome.
#[derive(Debug, Clone)]
pub struct DbOutcome {
    /// Its wave's number (1 for the first).
    pub wave: usize,
    pub status: Status,
    pub report: Option<ApplyReport>,
    pub error: Option<String>,
    /// Times it was run again after a lock timeout.
    pub retries: u32,
    pub seconds: f64,
}

impl DbOutcome {
    pub fn not_attempted(wave: usize) -> DbOutcome {
        DbOutcome {
            wave,
            status: Status::NotAttempted,
            report: None,
            error: None,
            retries: 0,
            seconds: 0.0,
        }
    }

    /// The versions this run applied (or, in a dry run, would apply).
    pub fn versions(&self) -> Vec<String> {
        let Some(r) = &self.report else {
            return Vec::new();
        };
        let ran = r.ran.iter().map(|r| r.version.clone());
        ran.chain(r.would_run.iter().cloned()).collect()
    }

    /// Its `-f jsonl` line (without the newline).
    pub fn json_line(&self, target: &Target) -> Value {
        json!({
            "format_version": 1,
            "database": target.label,
            "server": target.server(),
            "wave": self.wave,
            "status": self.status.as_str(),
            "versions": self.versions(),
            "retries": self.retries,
            "seconds": round(self.seconds),
            "error": self.error,
        })
    }
}

/// A wave's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WaveSummary {
    pub wave: usize,
    pub canary: bool,
    pub databases: usize,
    pub ok: usize,
    pub failed: usize,
    pub not_attempted: usize,
}

/// Why a rollout stopped before its last wave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum Stop {
    /// More databases failed than `--max-failures` allows.
    Failures { failed: usize, allowed: usize },
    /// Ctrl-C (or SIGTERM).
    Interrupted,
    /// The answer at the confirmation between waves was no.
    Declined,
}

impl Stop {
    /// Why the databases left were not attempted.
    pub fn reason(&self) -> String {
        match self {
            Stop::Failures { failed, allowed } => format!(
                "the rollout stopped: {failed} database(s) failed, more than --max-failures allows ({allowed})"
            ),
            Stop::Interrupted => "the rollout was interrupted".into(),
            Stop::Declined => "the rollout was stopped at the confirmation between waves".into(),
        }
    }
}

/// The whole rollout: outcomes in the targets' order.
#[derive(Debug, Clone)]
pub struct Rollout {
    pub outcomes: Vec<DbOutcome>,
    pub waves: Vec<WaveSummary>,
    pub stopped: Option<Stop>,
    pub seconds: f64,
}

impl Rollout {
    pub fn count(&self, status: Status) -> usize {
        self.outcomes.iter().filter(|o| o.status == status).count()
    }

    /// The `-f jsonl` summary line.
    pub fn json_summary(&self) -> Value {
        json!({
            "format_version": 1,
            "summary": true,
            "databases": self.outcomes.len(),
            "applied": self.count(Status::Applied),
            "up_to_date": self.count(Status::UpToDate),
            "failed": self.count(Status::Failed),
            "not_attempted": self.count(Status::NotAttempted),
            "waves": self.waves,
            "stopped": self.stopped,
            "seconds": round(self.seconds),
        })
    }
}

/// Seconds to the millisecond.
fn round(s: f64) -> f64 {
    (s * 1000.0).round() / 1000.0
}

/// Each wave's counts from the outcomes.
pub fn summarize(waves: &[super::Wave], outcomes: &[DbOutcome]) -> Vec<WaveSummary> {
    waves
        .iter()
        .map(|w| {
            let of = |s: Status| {
                w.targets
                    .iter()
                    .filter(|&&i| outcomes[i].status == s)
                    .count()
            };
            WaveSummary {
                wave: w.number,
                canary: w.canary,
                databases: w.targets.len(),
                ok: w
                    .targets
                    .iter()
                    .filter(|&&i| outcomes[i].status.ok())
                    .count(),
                failed: of(Status::Failed),
                not_attempted: of(Status::NotAttempted),
            }
        })
        .collect()
}
