//! The verdict on a relation: `in use`, `likely unused`, `unused` or `unknown`, with every
//! reason and the evidence that was missing. Anything that shows use wins; "unused" needs no
//! rows, nothing that depends on it, no activity over a long enough statistics window and
//! the code searched.

use super::{Activity, Holds, Tie};
use crate::evidence::claims::Claims;
use serde::Serialize;

/// Statistics covering less than this say too little about a table nobody uses.
pub const MIN_WINDOW_DAYS: i64 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictState {
    InUse,
    LikelyUnused,
    Unused,
    Unknown,
}

impl VerdictState {
    pub fn label(self) -> &'static str {
        match self {
            VerdictState::InUse => "in use",
            VerdictState::LikelyUnused => "likely unused",
            VerdictState::Unused => "unused",
            VerdictState::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub state: VerdictState,
    /// What the verdict rests on.
    pub reasons: Vec<String>,
    /// Evidence that could not be had, and why it matters.
    pub missing: Vec<String>,
}

/// What the verdict is made from.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub holds: &'a Holds,
    pub ties: &'a [Tie],
    pub activity: Option<&'a Activity>,
    /// References in code, when code was searched.
    pub code_references: Option<u64>,
}

pub fn verdict(i: Inputs<'_>) -> Verdict {
    let (mut used, mut quiet, mut missing) = (Vec::new(), Vec::new(), Vec::new());
    for t in i.ties.iter().filter(|t| t.depends_on_it()) {
        used.push(format!("{} {} depends on it", tie_word(&t.kind), t.other));
    }
    match i.code_references {
        Some(0) => quiet.push("no code references it".to_string()),
        Some(n) => used.push(format!("{n} code reference(s)")),
        None => missing.push("code references were not checked (give --code DIR)".to_string()),
    }
    let mut short_window = false;
    match i.activity {
        Some(a) => {
            let days = a.window_seconds / 86_400;
            used.extend(use_reasons(a));
            if a.reads() == 0 && a.writes() == 0 {
                quiet.push(quiet_reason(a));
                if days < MIN_WINDOW_DAYS {
                    short_window = true;
                    missing.push(format!(
                        "statistics cover {days} day(s) (reset {}): too short a window, wait until they cover {MIN_WINDOW_DAYS}",
                        a.stats_reset.as_deref().unwrap_or("when the server started")
                    ));
                }
            }
        }
        None => missing.push("no table statistics for this kind of relation".to_string()),
    }
    let empty = i.holds.rows == Some(0);
    match (i.holds.rows, i.holds.rows_exact) {
        (Some(0), true) => quiet.push("it holds no rows".to_string()),
        (Some(n), exact) => quiet.push(format!(
            "it holds {}{n} row(s)",
            if exact { "" } else { "about " }
        )),
        (None, _) => {
            missing.push("its row count is unknown (never analyzed, and not counted)".to_string())
        }
    }
    let state = if !used.is_empty() {
        VerdictState::InUse
    } else if short_window || i.activity.is_none() && i.holds.rows.is_none() {
        VerdictState::Unknown
    } else if empty && i.code_references == Some(0) && i.holds.rows_exact {
        VerdictState::Unused
    } else {
        VerdictState::LikelyUnused
    };
    let reasons = match state {
        VerdictState::InUse => used,
        _ => quiet,
    };
    Verdict {
        state,
        reasons,
        missing,
    }
}

const CLAIMS_UNCHECKED: &str =
    "desired schemas were not checked (give --desired SOURCE or --migrations DIR)";

/// Judges `v` again with who claims the object: a desired schema that declares it, or a
/// migration that created it and none that drops it, is use (dropping it would make the
/// database drift from them); desired schemas that were checked and lack it are a quiet
/// reason; none given is missing evidence.
pub fn apply_claims(v: &mut Verdict, claims: Option<&Claims>) {
    v.missing.retain(|m| m != CLAIMS_UNCHECKED);
    let Some(c) = claims.filter(|c| c.checked() || c.migrations.is_some()) else {
        v.missing.push(CLAIMS_UNCHECKED.to_string());
        return;
    };
    let (mut used, mut quiet) = (Vec::new(), Vec::new());
    if !c.declared_by.is_empty() {
        let names: Vec<&str> = c.declared_by.iter().map(|d| d.source.as_str()).collect();
        used.push(format!(
            "declared by {} (dropping it makes the database drift from it)",
            names.join(", ")
        ));
    } else if c.checked() {
        quiet.push(format!(
            "no desired schema declares it ({} checked)",
            c.not_declared_by.join(", ")
        ));
    }
    if let Some(m) = &c.migrations {
        match (&m.created_by, &m.dropped_by) {
            (Some(created), None) => used.push(format!(
                "created by migration {} and no migration drops it",
                created.version
            )),
            (Some(_), Some(by)) => quiet.push(format!(
                "migration {by} drops it: the migrations no longer claim it"
            )),
            (None, _) => quiet.push("no migration creates it".to_string()),
        }
    }
    match (used.is_empty(), v.state == VerdictState::InUse) {
        (true, true) => {}
        (true, false) => v.reasons.extend(quiet),
        (false, true) => v.reasons.extend(used),
        (false, false) => {
            v.state = VerdictState::InUse;
            v.reasons = used;
        }
    }
}

/// The reasons statistics `a` give for use: its scans, its rows written.
pub fn use_reasons(a: &Activity) -> Vec<String> {
    let days = a.window_seconds / 86_400;
    let mut out = Vec::new();
    if a.reads() > 0 {
        out.push(format!(
            "{} scan(s) in the last {days} day(s) of statistics",
            a.reads()
        ));
    }
    if a.writes() > 0 {
        out.push(format!(
            "{} row(s) written in the last {days} day(s) of statistics",
            a.writes()
        ));
    }
    out
}

/// The reason statistics `a` give for no use.
pub fn quiet_reason(a: &Activity) -> String {
    let days = a.window_seconds / 86_400;
    format!("no reads or writes in {days} day(s) of statistics")
}

fn tie_word(kind: &str) -> &'static str {
    match kind {
        "fk_in" => "the foreign key of",
        "view" => "view",
        "function" => "function",
        "publication" => "publication",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity(days: i64, reads: i64) -> Activity {
        Activity {
            seq_scan: reads,
            window_seconds: days * 86_400,
            ..Activity::default()
        }
    }

    #[test]
    fn use_wins_and_unused_needs_every_piece_of_evidence() {
        let empty = Holds {
            rows: Some(0),
            rows_exact: true,
            ..Holds::default()
        };
        let quiet = activity(30, 0);
        let v = |code, a: &Activity, ties: &[Tie]| {
            verdict(Inputs {
                holds: &empty,
                ties,
                activity: Some(a),
                code_references: code,
            })
        };
        assert_eq!(v(Some(0), &quiet, &[]).state, VerdictState::Unused);
        assert_eq!(v(None, &quiet, &[]).state, VerdictState::LikelyUnused);
        assert_eq!(v(Some(2), &quiet, &[]).state, VerdictState::InUse);
        assert_eq!(v(Some(0), &activity(30, 5), &[]).state, VerdictState::InUse);
        let short = v(Some(0), &activity(2, 0), &[]);
        assert_eq!(short.state, VerdictState::Unknown);
        assert!(
            short.missing[0].contains("too short a window"),
            "{:?}",
            short.missing
        );
        let fk = Tie {
            kind: "fk_in".into(),
            other: "app.orders".into(),
            detail: "fk".into(),
        };
        let tied = v(Some(0), &quiet, &[fk]);
        assert_eq!(tied.state, VerdictState::InUse);
        assert_eq!(
            tied.reasons,
            ["the foreign key of app.orders depends on it"]
        );
    }
}
