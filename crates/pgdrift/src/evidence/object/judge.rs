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
        let mut v = match super::other::is_other(self.kind) {
            true => super::other::verdict(self),
            false => verdict(Inputs {
                holds: &self.holds,
                ties: &self.ties,
                activity: self.activity.as_ref(),
                code_references: self.code.as_ref().map(|c| c.len() as u64),
            }),
        };
        let mut more = More::default();
        self.instances(&mut v, &mut more);
        self.statement_evidence(&mut more);
        apply(&mut v, more);
        super::verdict::apply_claims(&mut v, self.claims.as_ref());
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

#[cfg(test)]
mod tests {
    use super::super::{Activity, Holds, InstanceActivity, StatementUse};
    use super::*;

    fn quiet(days: i64) -> Activity {
        Activity {
            window_seconds: days * 86_400,
            ..Activity::default()
        }
    }

    /// An empty, counted table nobody touches on the primary, with code searched.
    fn evidence(replica: InstanceActivity) -> ObjectEvidence {
        let mut o = ObjectEvidence {
            object: "app.t".into(),
            kind: "table",
            owner: "app".into(),
            holds: Holds {
                rows: Some(0),
                rows_exact: true,
                ..Holds::default()
            },
            ties: Vec::new(),
            activity: Some(quiet(30)),
            code: Some(Vec::new()),
            activity_by_instance: Vec::new(),
            statements: None,
            claims: None,
            calls: None,
            verdict: verdict(Inputs {
                holds: &Holds::default(),
                ties: &[],
                activity: None,
                code_references: None,
            }),
        };
        o.activity_by_instance = vec![
            InstanceActivity {
                instance: "primary-url".into(),
                role: "primary",
                activity: Some(quiet(30)),
                error: None,
            },
            replica,
        ];
        o.judge();
        o
    }

    fn replica(activity: Option<Activity>, error: Option<&str>) -> InstanceActivity {
        InstanceActivity {
            instance: "replica-url".into(),
            role: "replica",
            activity,
            error: error.map(str::to_string),
        }
    }

    #[test]
    fn every_instance_and_statement_counts_and_missing_evidence_holds_back_unused() {
        let o = evidence(replica(Some(quiet(30)), None));
        assert_eq!(o.verdict.state, VerdictState::Unused, "{:?}", o.verdict);
        assert!(o.verdict.reasons.contains(
            &"no reads or writes in 30 day(s) of statistics on the primary primary-url".into()
        ));
        let read = Activity {
            idx_scan: 4,
            ..quiet(30)
        };
        let o = evidence(replica(Some(read), None));
        assert_eq!(o.verdict.state, VerdictState::InUse);
        assert_eq!(
            o.verdict.reasons,
            ["4 scan(s) in the last 30 day(s) of statistics on replica replica-url"]
        );
        let o = evidence(replica(None, Some("refused")));
        assert_eq!(o.verdict.state, VerdictState::LikelyUnused);
        assert!(o.verdict.missing[0].contains("replica replica-url could not be read (refused)"));
        let o = evidence(replica(Some(quiet(1)), None));
        assert_eq!(o.verdict.state, VerdictState::Unknown);
        let mut o = evidence(replica(Some(quiet(30)), None));
        o.statements = Some(StatementUse {
            statements: 2,
            calls: 9,
            ..StatementUse::default()
        });
        o.judge();
        assert_eq!(o.verdict.state, VerdictState::InUse);
        assert_eq!(
            o.verdict.reasons,
            ["9 call(s) of 2 statement(s) in pg_stat_statements"]
        );
    }
}
