//! Reading the evidence: the relations the patterns name, then every kind of fact for all of
//! them at once (pipelined on one connection), then the per-table exact counts and timestamp
//! ranges, each bounded by the count timeout.

use super::bodies::{mentions, Lexed};
use super::statements::OWN_MARK;
use super::verdict::{apply_claims, verdict, Inputs};
use super::{
    relkind_name, Activity, Holds, Investigation, NotFound, ObjectEvidence, Tie, TimeRange,
};
use crate::model::QualName;
use crate::pg::Connection;
use crate::source::catalog::expand_query;
use crate::sql::{Ident, QualIdent};
use rustc_hash::FxHashMap;
use std::time::Duration;
use tokio_postgres::Row;

const RESOLVE: &str = include_str!("queries/resolve.sql");
const RESOLVE_EXACT: &str = include_str!("queries/resolve_exact.sql");
const HOLDS: &str = include_str!("queries/holds.sql");
const HOLDS_ESTIMATED: &str = include_str!("queries/holds_estimated.sql");
const TIES: &str = include_str!("queries/ties.sql");
const ACTIVITY: &str = include_str!("queries/activity.sql");
const TIMESTAMPS: &str = include_str!("queries/timestamps.sql");
const BODIES: &str = include_str!("queries/bodies.sql");

/// How to investigate.
#[derive(Debug, Clone, Copy, Default)]
pub struct InvestigateOptions {
    /// How long an exact row count (or a timestamp range) may take; past it the estimate is
    /// used. Zero: no exact counts.
    pub count_timeout: Duration,
    /// Sizes from the planner's page counts instead of the files: no relation is opened,
    /// which keeps thousands of relations quick (`pgdrift orphans`, the audit).
    pub estimate_sizes: bool,
    /// Tables, views and sequences only: functions and types are not looked for.
    pub relations_only: bool,
}

/// Why evidence could not be read. `Display` names the database (masked) and the query.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("reading {what} of {target}: {message}")]
    Query {
        target: String,
        what: &'static str,
        message: String,
    },
}

fn failed<'c>(
    conn: &'c Connection,
    what: &'static str,
) -> impl Fn(tokio_postgres::Error) -> EvidenceError + 'c {
    move |e| EvidenceError::Query {
        target: conn.target.clone(),
        what,
        message: crate::pg::mask_urls(&crate::pg::connect::db_message(&e)),
    }
}

/// A relation the patterns matched.
struct Found {
    oid: i64,
    schema: String,
    name: String,
    relkind: String,
}

/// Investigates the relations whose `schema.name` or `name` matches one of `patterns`
/// (globs: `*` and `?`), in the database `conn` is connected to. Reads only.
pub async fn investigate(
    conn: &Connection,
    patterns: &[String],
    opts: &InvestigateOptions,
) -> Result<Investigation, EvidenceError> {
    let begin = "BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;\n\
                 SET LOCAL search_path = pg_catalog;\n\
                 SET LOCAL lock_timeout = 2000;";
    conn.client
        .batch_execute(begin)
        .await
        .map_err(failed(conn, "a read-only transaction"))?;
    let result = read_all(conn, patterns, opts).await;
    let _ = conn.client.batch_execute("ROLLBACK").await;
    result
}

async fn read_all(
    conn: &Connection,
    patterns: &[String],
    opts: &InvestigateOptions,
) -> Result<Investigation, EvidenceError> {
    let likes: Vec<String> = patterns.iter().map(|p| like(p)).collect();
    let rows = conn
        .client
        .query(RESOLVE, &[&likes])
        .await
        .map_err(failed(conn, "the relations"))?;
    let found: Vec<Found> = rows.iter().map(found).collect();
    let (others, mut names) = match opts.relations_only {
        true => (Vec::new(), Vec::new()),
        false => super::other::read(conn, &likes).await?,
    };
    names.extend(found.iter().map(|f| (f.schema.clone(), f.name.clone())));
    let not_found = unmatched(conn, patterns, &names).await?;
    let mut inv = read_found(conn, found, not_found, opts).await?;
    inv.objects.extend(others);
    Ok(inv)
}

/// Investigates the relations named exactly by `names` (those that do not exist are left
/// out), as [`investigate`] does: for many objects at once (`pgdrift orphans`).
pub async fn investigate_exact(
    conn: &Connection,
    names: &[QualName],
    opts: &InvestigateOptions,
) -> Result<Investigation, EvidenceError> {
    let begin = "BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;\n\
                 SET LOCAL search_path = pg_catalog;\n\
                 SET LOCAL lock_timeout = 2000;";
    conn.client
        .batch_execute(begin)
        .await
        .map_err(failed(conn, "a read-only transaction"))?;
    let schemas: Vec<&str> = names.iter().map(|q| q.schema.as_str()).collect();
    let relations: Vec<&str> = names.iter().map(|q| q.name.as_str()).collect();
    let result = match conn
        .client
        .query(RESOLVE_EXACT, &[&schemas, &relations])
        .await
    {
        Ok(rows) => read_found(conn, rows.iter().map(found).collect(), Vec::new(), opts).await,
        Err(e) => Err(failed(conn, "the relations")(e)),
    };
    let _ = conn.client.batch_execute("ROLLBACK").await;
    result
}

fn found(r: &Row) -> Found {
    Found {
        oid: r.get("oid"),
        schema: r.get("schema"),
        name: r.get("name"),
        relkind: r.get("relkind"),
    }
}

/// Every fact about the relations `found`.
async fn read_found(
    conn: &Connection,
    found: Vec<Found>,
    not_found: Vec<NotFound>,
    opts: &InvestigateOptions,
) -> Result<Investigation, EvidenceError> {
    let oids: Vec<u32> = found.iter().map(|f| f.oid as u32).collect();
    let major = conn.version.major();
    let activity_sql = expand_query(ACTIVITY, major, false);
    let (holds, ties, activity, stamps, bodies) = tokio::try_join!(
        async {
            let holds = match opts.estimate_sizes {
                true => HOLDS_ESTIMATED,
                false => HOLDS,
            };
            conn.client
                .query(holds, &[&oids])
                .await
                .map_err(failed(conn, "sizes and estimates"))
        },
        async {
            conn.client
                .query(TIES, &[&oids])
                .await
                .map_err(failed(conn, "foreign keys, views and other ties"))
        },
        async {
            conn.client
                .query(activity_sql.as_str(), &[&oids])
                .await
                .map_err(failed(conn, "table statistics"))
        },
        async {
            conn.client
                .query(TIMESTAMPS, &[&oids])
                .await
                .map_err(failed(conn, "indexed timestamp columns"))
        },
        async {
            conn.client
                .query(BODIES, &[])
                .await
                .map_err(failed(conn, "function bodies"))
        },
    )?;
    let mut ties = group(&ties, tie);
    add_function_ties(&found, &bodies, &mut ties);
    let activity = by_oid(&activity, read_activity);
    let holds = by_oid(&holds, |r| {
        let mut h = read_holds(r);
        h.sizes_exact = !opts.estimate_sizes;
        (h, r.get::<_, String>("owner"))
    });
    let mut stamp_columns: FxHashMap<i64, Vec<String>> = FxHashMap::default();
    for r in &stamps {
        stamp_columns
            .entry(r.get("oid"))
            .or_default()
            .push(r.get("column_name"));
    }
    let mut objects = Vec::with_capacity(found.len());
    // Counts come last: a count is a scan, which the statistics above must not include.
    let mut counts_recorded = false;
    if !opts.count_timeout.is_zero() {
        let ms = opts.count_timeout.as_millis();
        conn.client
            .batch_execute(&format!("SET LOCAL statement_timeout = {ms}"))
            .await
            .map_err(failed(conn, "the count timeout"))?;
        counts_recorded = !stop_counting_own_scans(conn).await;
    }
    for f in &found {
        let (mut h, owner) = holds.get(&f.oid).cloned().unwrap_or_default();
        let counted = matches!(f.relkind.as_str(), "r" | "p" | "m");
        if counted && !opts.count_timeout.is_zero() {
            if let Some(n) = exact_count(conn, f).await {
                (h.rows, h.rows_exact) = (Some(n), true);
            }
            for column in stamp_columns.get(&f.oid).into_iter().flatten() {
                h.timestamps.push(time_range(conn, f, column).await);
            }
        }
        let t = ties.remove(&f.oid).unwrap_or_default();
        let a = activity.get(&f.oid).cloned();
        let object = format!("{}.{}", f.schema, f.name);
        let mut v = verdict(Inputs {
            holds: &h,
            ties: &t,
            activity: a.as_ref(),
            code_references: None,
        });
        apply_claims(&mut v, None);
        if counts_recorded && counted {
            v.missing.push(OWN_SCANS_RECORDED.to_string());
        }
        objects.push(ObjectEvidence {
            object,
            kind: relkind_name(&f.relkind),
            owner,
            holds: h,
            ties: t,
            activity: a,
            code: None,
            claims: None,
            activity_by_instance: Vec::new(),
            statements: None,
            calls: None,
            verdict: v,
        });
    }
    Ok(Investigation {
        format_version: super::FORMAT_VERSION,
        database: conn.target.clone(),
        server_version: conn.version.text.clone(),
        objects,
        not_found,
    })
}

const OWN_SCANS_RECORDED: &str = "this run's exact count is recorded in the table's statistics as one more scan (turning track_counts off for the session needs superuser, or on PostgreSQL 15+ the SET privilege on it): the next run sees it; give --count-timeout 0 for estimates that scan nothing";

/// Turns the statistics of this transaction's own scans off when the role may (superuser,
/// or the SET privilege on `track_counts` from PostgreSQL 15), so that counting a table does
/// not make it look used to the next investigation. False when it may not.
async fn stop_counting_own_scans(conn: &Connection) -> bool {
    let may = match conn.version.major() >= 15 {
        true => "SELECT has_parameter_privilege('track_counts', 'SET')",
        false => "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
    };
    let allowed = match conn.client.query_opt(may, &[]).await {
        Ok(Some(row)) => row.get::<_, bool>(0),
        _ => false,
    };
    allowed
        && conn
            .client
            .batch_execute("SET LOCAL track_counts = off")
            .await
            .is_ok()
}

/// A glob (`*`, `?`) as a LIKE pattern, LIKE's own wildcards escaped.
fn like(glob: &str) -> String {
    let mut out = String::with_capacity(glob.len());
    for c in glob.chars() {
        match c {
            '%' | '_' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '*' => out.push('%'),
            '?' => out.push('_'),
            c => out.push(c),
        }
    }
    out
}

/// The patterns that matched nothing, each with the closest relation names.
async fn unmatched(
    conn: &Connection,
    patterns: &[String],
    found: &[(String, String)],
) -> Result<Vec<NotFound>, EvidenceError> {
    let missing: Vec<&String> = patterns
        .iter()
        .filter(|p| {
            let g = globset::Glob::new(p).map(|g| g.compile_matcher());
            !found.iter().any(|(schema, name)| {
                g.as_ref()
                    .is_ok_and(|m| m.is_match(name) || m.is_match(format!("{schema}.{name}")))
            })
        })
        .collect();
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    let all = conn
        .client
        .query(RESOLVE, &[&vec!["%".to_string()]])
        .await
        .map_err(failed(conn, "the relations"))?;
    let names: Vec<String> = all
        .iter()
        .map(|r| {
            format!(
                "{}.{}",
                r.get::<_, String>("schema"),
                r.get::<_, String>("name")
            )
        })
        .collect();
    Ok(missing
        .into_iter()
        .map(|p| NotFound {
            pattern: p.clone(),
            closest: closest(p, &names),
        })
        .collect())
}

/// Up to three names nearest to `pattern` by edit distance (the unqualified part compared
/// when the pattern is unqualified).
fn closest(pattern: &str, names: &[String]) -> Vec<String> {
    let mut scored: Vec<(usize, &String)> = names
        .iter()
        .map(|n| {
            let short = match pattern.contains('.') {
                true => n.as_str(),
                false => n.split_once('.').map_or(n.as_str(), |(_, s)| s),
            };
            (distance(pattern, short), n)
        })
        .collect();
    scored.sort();
    let limit = (pattern.chars().count() / 3).max(2);
    scored
        .into_iter()
        .filter(|(d, _)| *d <= limit)
        .take(3)
        .map(|(_, n)| n.clone())
        .collect()
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

fn by_oid<T>(rows: &[Row], f: impl Fn(&Row) -> T) -> FxHashMap<i64, T> {
    rows.iter()
        .map(|r| (r.get::<_, i64>("oid"), f(r)))
        .collect()
}

fn group(rows: &[Row], f: impl Fn(&Row) -> Tie) -> FxHashMap<i64, Vec<Tie>> {
    let mut out: FxHashMap<i64, Vec<Tie>> = FxHashMap::default();
    for r in rows {
        out.entry(r.get("oid")).or_default().push(f(r));
    }
    out
}

fn tie(r: &Row) -> Tie {
    Tie {
        kind: r.get("kind"),
        other: r.get("other"),
        detail: r.get("detail"),
    }
}

/// Functions whose bodies name a relation, as ties of that relation.
fn add_function_ties(found: &[Found], bodies: &[Row], ties: &mut FxHashMap<i64, Vec<Tie>>) {
    // By name, so that each body's words are looked up once, however many relations.
    let mut by_name: FxHashMap<&str, Vec<&Found>> = FxHashMap::default();
    for f in found {
        by_name.entry(f.name.as_str()).or_default().push(f);
    }
    for r in bodies {
        let (function, body): (String, Option<String>) = (r.get("function"), r.get("body"));
        let Some(body) = body else { continue };
        let lexed = Lexed::new(&body);
        let named = lexed.distinct().filter_map(|w| by_name.get(w)).flatten();
        for f in named {
            for line in mentions(&lexed, &f.schema, &f.name) {
                let kind: String = r.get("kind");
                ties.entry(f.oid).or_default().push(Tie {
                    kind: "function".into(),
                    other: function.clone(),
                    detail: format!("{kind}: {line}"),
                });
            }
        }
    }
}

fn read_holds(r: &Row) -> Holds {
    Holds {
        rows: r.get("estimate"),
        rows_exact: false,
        total_bytes: r.get("total_bytes"),
        table_bytes: r.get("table_bytes"),
        index_bytes: r.get("index_bytes"),
        toast_bytes: r.get("toast_bytes"),
        sizes_exact: true,
        timestamps: Vec::new(),
    }
}

pub(super) fn read_activity(r: &Row) -> Activity {
    Activity {
        seq_scan: r.get("seq_scan"),
        last_seq_scan: r.get("last_seq_scan"),
        idx_scan: r.get("idx_scan"),
        last_idx_scan: r.get("last_idx_scan"),
        inserted: r.get("inserted"),
        updated: r.get("updated"),
        deleted: r.get("deleted"),
        last_vacuum: r.get("last_vacuum"),
        last_autovacuum: r.get("last_autovacuum"),
        last_analyze: r.get("last_analyze"),
        last_autoanalyze: r.get("last_autoanalyze"),
        stats_reset: r.get("stats_reset"),
        window_seconds: r.get("window_seconds"),
    }
}

/// `SELECT count(*)` in a savepoint: `None` when it ran past the timeout (or failed).
async fn exact_count(conn: &Connection, f: &Found) -> Option<i64> {
    let sql = format!(
        "SELECT {OWN_MARK} count(*) FROM {}",
        QualIdent(&f.schema, &f.name)
    );
    in_savepoint(conn, &sql)
        .await
        .and_then(|r| r.try_get(0).ok())
}

async fn time_range(conn: &Connection, f: &Found, column: &str) -> TimeRange {
    let sql = format!(
        "SELECT {OWN_MARK} min({c})::text, max({c})::text FROM {}",
        QualIdent(&f.schema, &f.name),
        c = Ident(column)
    );
    let row = in_savepoint(conn, &sql).await;
    TimeRange {
        column: column.to_string(),
        oldest: row.as_ref().and_then(|r| r.try_get(0).ok()),
        newest: row.as_ref().and_then(|r| r.try_get(1).ok()),
    }
}

async fn in_savepoint(conn: &Connection, sql: &str) -> Option<Row> {
    conn.client
        .batch_execute("SAVEPOINT pgdrift_count")
        .await
        .ok()?;
    match conn.client.query_one(sql, &[]).await {
        Ok(row) => {
            let _ = conn
                .client
                .batch_execute("RELEASE SAVEPOINT pgdrift_count")
                .await;
            Some(row)
        }
        Err(_) => {
            let _ = conn
                .client
                .batch_execute("ROLLBACK TO SAVEPOINT pgdrift_count")
                .await;
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_become_like_patterns_and_near_names_are_suggested() {
        assert_eq!(like("app.backup_*"), "app.backup\\_%");
        assert_eq!(like("t?"), "t_");
        let names = vec![
            "app.users".to_string(),
            "app.user_sessions".to_string(),
            "app.orders".to_string(),
        ];
        assert_eq!(closest("usres", &names), ["app.users"]);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
