//! Convergence: for every case in `tests/fixtures/diff/<case>/{from,to}.sql`, load both
//! schemas into fresh databases, plan from one to the other, apply the plan, read the
//! result back and require no difference left — in both directions. The forward plans of
//! all cases are one insta snapshot per server major version.
//!
//! `PGDRIFT_DIFF_CASES=glob` runs only the matching cases.

mod common;

use futures_util::stream::{self, StreamExt};
use pgdrift::diff::{diff, glob_match, Diff, DiffOptions};
use pgdrift::migrate::apply_plan;
use pgdrift::model::Snapshot;
use pgdrift::plan::{plan, PlanOptions};
use pgdrift::report::script::{render_sql, ScriptContext};
use pgdrift::source::InspectOptions;
use pgdrift::testing::TestDb;
use std::path::PathBuf;

fn case_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff")
}

fn cases() -> Vec<String> {
    let filter = std::env::var("PGDRIFT_DIFF_CASES").ok();
    let mut cases: Vec<String> = std::fs::read_dir(case_dir())
        .expect("the diff fixtures")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("from.sql").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| filter.as_deref().is_none_or(|f| glob_match(f, name)))
        .collect();
    cases.sort();
    cases
}

/// What is left of a diff, one line per change.
fn describe(d: &Diff<'_>) -> String {
    d.changes
        .iter()
        .map(|c| {
            let fields: Vec<String> = c
                .fields
                .iter()
                .map(|f| {
                    format!(
                        "{}: {} -> {}",
                        f.field,
                        f.from.as_ref().map_or("-".into(), |v| v.to_string()),
                        f.to.as_ref().map_or("-".into(), |v| v.to_string())
                    )
                })
                .collect();
            format!(
                "  {} {} {} {}",
                c.op.as_str(),
                c.kind.info().singular,
                c.name,
                fields.join("; ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn load(sql: &str) -> Result<TestDb, String> {
    let db = TestDb::new().await;
    let conn = db.connect().await;
    conn.client.batch_execute(sql).await.map_err(|e| {
        e.as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_else(|| e.to_string())
    })?;
    Ok(db)
}

/// The forward and reversed plans of one case: their scripts, or what went wrong.
struct Outcome {
    case: String,
    forward: Result<String, String>,
    reverse: Result<String, String>,
}

/// Loads both sides, then plans and applies `from` -> `to` on the first database and
/// `to` -> `from` on the second.
async fn run_case(case: String, from_sql: &str, to_sql: &str) -> Outcome {
    let failed = |e: String| Outcome {
        case: case.clone(),
        forward: Err(e.clone()),
        reverse: Err(e),
    };
    let a = match load(from_sql).await {
        Ok(db) => db,
        Err(e) => return failed(format!("{case}: loading from.sql: {e}")),
    };
    let b = match load(to_sql).await {
        Ok(db) => db,
        Err(e) => return failed(format!("{case}: loading to.sql: {e}")),
    };
    let opts = InspectOptions::default();
    let (ca, cb) = (common::read(&a, &opts).await, common::read(&b, &opts).await);
    let same_files = from_sql.trim() == to_sql.trim();
    let forward = converge(&case, &a, &ca, &cb, same_files).await;
    let reverse = converge(&format!("{case} (reversed)"), &b, &cb, &ca, same_files).await;
    Outcome {
        case,
        forward,
        reverse,
    }
}

/// Plans `from` -> `to`, applies the plan to `db` (which holds `from`), and checks that
/// nothing differs afterwards. Returns the plan's script.
async fn converge(
    case: &str,
    db: &TestDb,
    from: &Snapshot,
    to: &Snapshot,
    same_files: bool,
) -> Result<String, String> {
    let d = diff(&from.catalog, &to.catalog, &DiffOptions::default());
    if d.is_empty() && !same_files {
        return Err(format!(
            "{case}: from.sql and to.sql differ, but pgdrift finds no difference"
        ));
    }
    let options = PlanOptions {
        server_version_num: from.source.server_version_num,
        ..PlanOptions::default()
    };
    let p = plan(&d, &options);
    let script = render_sql(
        &p,
        &ScriptContext {
            allow_destructive: true,
            ..Default::default()
        },
    );
    let conn = db.connect().await;
    apply_plan(&conn.client, &p, true)
        .await
        .map_err(|e| format!("{case}: {e}\n{script}"))?;
    let after = common::read(db, &InspectOptions::default()).await;
    let left = diff(&after.catalog, &to.catalog, &DiffOptions::default());
    if !left.is_empty() {
        return Err(format!(
            "{case}: differences left after applying the plan:\n{}\n{script}",
            describe(&left)
        ));
    }
    Ok(script)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_case_converges_both_ways() {
    let cases = cases();
    assert!(!cases.is_empty(), "no diff fixtures found");
    let dir = case_dir();
    let mut results: Vec<Outcome> = stream::iter(cases.into_iter().map(|case| {
        let dir = dir.clone();
        async move {
            let read = |f: &str| {
                std::fs::read_to_string(dir.join(&case).join(f))
                    .unwrap_or_else(|e| panic!("{case}/{f}: {e}"))
            };
            let (from, to) = (read("from.sql"), read("to.sql"));
            run_case(case, &from, &to).await
        }
    }))
    .buffer_unordered(6)
    .collect()
    .await;
    results.sort_by(|a, b| a.case.cmp(&b.case));
    let failures: Vec<&String> = results
        .iter()
        .flat_map(|o| [&o.forward, &o.reverse])
        .filter_map(|r| r.as_ref().err())
        .collect();
    if !failures.is_empty() {
        let names: Vec<&str> = failures
            .iter()
            .map(|f| f.split(':').next().unwrap_or(""))
            .collect();
        panic!(
            "{} of {} plans did not converge: {}\n\n{}",
            failures.len(),
            results.len() * 2,
            names.join(", "),
            failures
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n\n")
        );
    }
    if std::env::var("PGDRIFT_DIFF_CASES").is_err() {
        let db = TestDb::new().await;
        let major = common::server_major(&db).await;
        let all: String = results
            .iter()
            .map(|o| {
                format!(
                    "==== {}\n{}\n",
                    o.case,
                    o.forward.as_ref().expect("converged")
                )
            })
            .collect();
        insta::with_settings!({
            snapshot_suffix => format!("pg{major}"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!("plans", all);
        });
    }
}
