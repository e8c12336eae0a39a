//! Judging an object from all its evidence: the [`verdict`] on what one database shows,
//! then the statistics of every other server instance and the statements of
//! pg_stat_statements. Use anywhere wins, and its reason names the instance; a replica that
//! could not be read, or whose statistics cover too short a window, leaves the verdict
//! short of "unused" and says what is missing.

use super::verdict::MIN_WINDOW_DAYS;
use super::verdict::{quiet_reason, use_reasons, verdict, Inputs, Verdict, VerdictState};
use super::ObjectEvidence;

/// What the evidence beyond one database's adds to a verdict.
#[derive(Debug, Default)]
struct More {
    used: Vec<String>,
    quiet: Vec<String>,
    missing: Vec<String>,
    /// Evidence that makes any verdict but "in use" unknown.
    unknown: bool,
    /// Evidence missing that keeps the verdict from "unused".
    incomplete: bool,
}

impl ObjectEvidence {
    /// Judges it again from everything known about it.
    pub fn judge(&mut self) {
        let mut v = verdict(Inputs {
            holds: &self.holds,
            ties: &self.ties,
            activity: self.activity.as_ref(),
            code_references: self.code.as_ref().map(|c| c.len() as u64),
        });
        let mut more = More::default();
        self.instances(&mut v, &mut more);
        self.statement_evidence(&mut more);
        apply(&mut v, more);
        self.verdict = v;
    }

    /// Each replica's statistics; the primary's reasons are named after it too.
    fn instances(&self, v: &mut Verdict, more: &mut More) {
        for i in &self.activity_by_instance {
            if i.role == "primary" {
                if let Some(a) = &i.activity {
                    let on = format!(" on the primary {}", i.instance);
                    for r in v.reasons.iter_mut() {
                        if use_reasons(a).contains(r) || *r == quiet_reason(a) {
                            r.push_str(&on);
                        }
                    }
                }
                continue;
            }
            let on = format!(" on replica {}", i.instance);
            match (&i.activity, &i.error) {
                (_, Some(e)) => {
                    more.incomplete = true;
                    more.missing.push(format!(
                        "replica {} could not be read ({e}): its reads and writes are unknown",
                        i.instance
                    ));
                }
                (None, None) => more.quiet.push(format!("no statistics for it{on}")),
                (Some(a), None) => {
                    let used = use_reasons(a);
                    more.used.extend(used.iter().map(|r| format!("{r}{on}")));
                    if used.is_empty() {
                        more.quiet.push(format!("{}{on}", quiet_reason(a)));
                        let days = a.window_seconds / 86_400;
                        if days < MIN_WINDOW_DAYS {
                            more.unknown = true;
                            more.missing.push(format!(
                                "statistics{on} cover {days} day(s): too short a window, wait until they cover {MIN_WINDOW_DAYS}"
                            ));
                        }
                    }
                }
            }
        }
    }

    /// The calls pg_stat_statements recorded.
    fn statement_evidence(&self, more: &mut More) {
        let Some(s) = &self.statements else { return };
        if let Some(why) = &s.unavailable {
            more.missing.push(why.clone());
            return;
        }
        match s.calls {
            0 => more
                .quiet
                .push("no statement in pg_stat_statements names it".to_string()),
            n => more.used.push(format!(
                "{n} call(s) of {} statement(s) in pg_stat_statements",
                s.statements
            )),
        }
        if s.hidden > 0 {
            more.incomplete = true;
            more.missing.push(format!(
                "{} statement(s) of other roles are hidden from this role (grant it pg_read_all_stats)",
                s.hidden
            ));
        }
    }
}

fn apply(v: &mut Verdict, more: More) {
    v.missing.extend(more.missing);
    if !more.used.is_empty() {
        if v.state != VerdictState::InUse {
            v.state = VerdictState::InUse;
            v.reasons.clear();
        }
        v.reasons.extend(more.used);
        return;
    }
    if v.state == VerdictState::InUse {
        return;
    }
    v.reasons.extend(more.quiet);
    if more.unknown {
        v.state = VerdictState::Unknown;
    } else if more.incomplete && v.state == VerdictState::Unused {
        v.state = VerdictState::LikelyUnused;
    }
}
