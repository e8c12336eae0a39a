//! Evidence about functions, procedures, aggregates and the user's own types: what depends
//! on each as PostgreSQL records it (columns of a type, functions over it, views, triggers,
//! defaults, constraints, indexes, policies calling a function), the function bodies that
//! name it (lexed), a function's calls since the statistics were reset (when
//! `track_functions` counts them), and a verdict. They hold no rows: nothing is counted.

use super::bodies::{mentions, Lexed};
use super::verdict::{Verdict, VerdictState, MIN_WINDOW_DAYS};
use super::{EvidenceError, Holds, ObjectEvidence, Tie};
use crate::pg::Connection;
use rustc_hash::FxHashMap;
use serde::Serialize;
use tokio_postgres::Row;

const RESOLVE: &str = include_str!("queries/resolve_other.sql");
const TIES: &str = include_str!("queries/other_ties.sql");
const CALLS: &str = include_str!("queries/function_calls.sql");
const BODIES: &str = include_str!("queries/bodies.sql");

/// A function's calls since the statistics were reset.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Calls {
    /// `None` when `track_functions` is `none`: calls are not counted.
    pub calls: Option<i64>,
    pub total_ms: Option<f64>,
    pub track_functions: String,
    /// How long the statistics cover, in seconds.
    pub window_seconds: i64,
}

/// A function or type the patterns matched.
struct Other {
    oid: i64,
    schema: String,
    name: String,
    shown: String,
    catalog: String,
    kind: String,
    owner: String,
}

/// Kinds of object that are not relations, as evidence names them.
pub const KINDS: &[&str] = &[
    "function",
    "procedure",
    "aggregate",
    "window function",
    "enum type",
    "domain",
    "range type",
    "multirange type",
    "composite type",
];

/// True for a function or type (no rows, no table statistics).
pub fn is_other(kind: &str) -> bool {
    KINDS.contains(&kind)
}

/// The functions and types `likes` (LIKE patterns) match, with their evidence; and the
/// `schema.name` of each, for telling which patterns matched nothing.
pub(super) async fn read(
    conn: &Connection,
    likes: &[String],
) -> Result<(Vec<ObjectEvidence>, Vec<(String, String)>), EvidenceError> {
    let failed = |what: &'static str| {
        move |e: tokio_postgres::Error| EvidenceError::Query {
            target: conn.target.clone(),
            what,
            message: crate::pg::mask_urls(&crate::pg::connect::db_message(&e)),
        }
    };
    let rows =
        (conn.client.query(RESOLVE, &[&likes]).await).map_err(failed("functions and types"))?;
    let found: Vec<Other> = rows.iter().map(other).collect();
    if found.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let of = |catalog: &str| -> Vec<u32> {
        (found.iter().filter(|o| o.catalog == catalog))
            .map(|o| o.oid as u32)
            .collect()
    };
    let (procs, types) = (of("pg_proc"), of("pg_type"));
    let setting = "SELECT current_setting('track_functions'), \
                   floor(extract(epoch FROM now() - COALESCE((SELECT stats_reset FROM pg_stat_database \
                   WHERE datname = current_database()), pg_postmaster_start_time())))::int8";
    let (ties, calls, bodies, track) = tokio::try_join!(
        async {
            (conn.client.query(TIES, &[&procs, &types]).await)
                .map_err(failed("what depends on functions and types"))
        },
        async {
            (conn.client.query(CALLS, &[&procs]).await).map_err(failed("function statistics"))
        },
        async { (conn.client.query(BODIES, &[]).await).map_err(failed("function bodies")) },
        async { (conn.client.query_one(setting, &[]).await).map_err(failed("track_functions")) },
    )?;
    let (track, window): (String, i64) = (track.get(0), track.get(1));
    let mut tied: FxHashMap<i64, Vec<Tie>> = FxHashMap::default();
    for r in &ties {
        tied.entry(r.get("oid")).or_default().push(Tie {
            kind: "dependent".into(),
            other: r.get("other"),
            detail: r.get("detail"),
        });
    }
    body_ties(&found, &bodies, &mut tied);
    let calls: FxHashMap<i64, (i64, f64)> = (calls.iter())
        .map(|r| (r.get("oid"), (r.get("calls"), r.get("total_ms"))))
        .collect();
    let names = (found.iter())
        .map(|o| (o.schema.clone(), o.name.clone()))
        .collect();
    let objects = found
        .into_iter()
        .map(|o| {
            let c = (o.catalog == "pg_proc").then(|| {
                let counted = track != "none";
                let (n, ms) = calls.get(&o.oid).copied().unwrap_or((0, 0.0));
                Calls {
                    calls: counted.then_some(n),
                    total_ms: counted.then_some(ms),
                    track_functions: track.clone(),
                    window_seconds: window,
                }
            });
            let ties = tied.remove(&o.oid).unwrap_or_default();
            evidence(o, ties, c)
        })
        .collect();
    Ok((objects, names))
}

fn other(r: &Row) -> Other {
    Other {
        oid: r.get("oid"),
        schema: r.get("schema"),
        name: r.get("name"),
        shown: r.get("shown"),
        catalog: r.get("catalog"),
        kind: r.get("kind"),
        owner: r.get("owner"),
    }
}

/// Functions whose bodies name the object (not the function's own body).
fn body_ties(found: &[Other], bodies: &[Row], tied: &mut FxHashMap<i64, Vec<Tie>>) {
    let mut by_name: FxHashMap<&str, Vec<&Other>> = FxHashMap::default();
    for o in found {
        by_name.entry(o.name.as_str()).or_default().push(o);
    }
    for r in bodies {
        let (function, body): (String, Option<String>) = (r.get("function"), r.get("body"));
        let Some(body) = body else { continue };
        let lexed = Lexed::new(&body);
        let named = lexed.distinct().filter_map(|w| by_name.get(w)).flatten();
        for o in named.filter(|o| o.shown != function) {
            for line in mentions(&lexed, &o.schema, &o.name) {
                tied.entry(o.oid).or_default().push(Tie {
                    kind: "function".into(),
                    other: function.clone(),
                    detail: format!("{}: {line}", r.get::<_, String>("kind")),
                });
            }
        }
    }
}

fn evidence(o: Other, ties: Vec<Tie>, calls: Option<Calls>) -> ObjectEvidence {
    let mut e = ObjectEvidence {
        object: o.shown.clone(),
        kind: KINDS
            .iter()
            .find(|k| **k == o.kind)
            .copied()
            .unwrap_or("function"),
        owner: o.owner,
        holds: Holds::default(),
        ties,
        activity: None,
        code: None,
        claims: None,
        activity_by_instance: Vec::new(),
        statements: None,
        calls,
        verdict: Verdict {
            state: VerdictState::Unknown,
            reasons: Vec::new(),
            missing: Vec::new(),
        },
    };
    e.judge();
    e
}

/// The verdict on a function or type: anything that depends on it, a call, or a code
/// reference is use; "unused" needs code searched and, for a function, calls counted over
/// a long enough window.
pub(super) fn verdict(e: &ObjectEvidence) -> Verdict {
    let (mut used, mut quiet, mut missing) = (Vec::new(), Vec::new(), Vec::new());
    for t in e.ties.iter().filter(|t| t.depends_on_it()) {
        used.push(match t.kind.as_str() {
            "function" => format!("function {} names it", t.other),
            _ => format!("{} depends on it", t.other),
        });
    }
    if e.ties.iter().all(|t| !t.depends_on_it()) {
        quiet.push("nothing depends on it".to_string());
    }
    match e.code.as_ref().map(Vec::len) {
        Some(0) => quiet.push("no code references it".to_string()),
        Some(n) => used.push(format!("{n} code reference(s)")),
        None => missing.push("code references were not checked (give --code DIR)".to_string()),
    }
    let mut short = false;
    if let Some(c) = &e.calls {
        let days = c.window_seconds / 86_400;
        match c.calls {
            Some(n) if n > 0 => used.push(format!(
                "called {n} time(s) in the last {days} day(s) of statistics"
            )),
            Some(_) => {
                quiet.push(format!("not called in {days} day(s) of statistics"));
                if days < MIN_WINDOW_DAYS {
                    short = true;
                    missing.push(format!("statistics cover {days} day(s): too short a window, wait until they cover {MIN_WINDOW_DAYS}"));
                }
            }
            None => missing.push(
                "calls are not counted: track_functions is none (set it to pl or all)".to_string(),
            ),
        }
    }
    let state = if !used.is_empty() {
        VerdictState::InUse
    } else if short {
        VerdictState::Unknown
    } else if missing.is_empty() {
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
