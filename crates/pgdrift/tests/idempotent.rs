//! Idempotent scripts (`pgdrift diff --idempotent`): for every case in
//! `tests/fixtures/diff/<case>/{from,to}.sql`, both ways, destructive steps included, the
//! guarded script run statement by statement on a database holding `from` leaves it equal
//! to `to`; run again under an event trigger that refuses any DDL (but a concurrent index build
//! or drop in its `IF [NOT] EXISTS` form, which PostgreSQL skips), it runs none and changes
//! nothing; and on another `from` database, a run cut off part-way and then run whole
//! converges too. A step the script leaves unguarded fails the case.
//!
//! `PGDRIFT_DIFF_CASES=glob` runs only the matching cases.

mod common;

use futures_util::stream::{self, StreamExt};
use pgdrift::diff::DiffOptions;
use pgdrift::migrate::owned::ToolOwned;
use pgdrift::model::Snapshot;
use pgdrift::pipeline::{self, Target};
use pgdrift::plan::guard::UNGUARDED;
use pgdrift::plan::PlanOptions;
use pgdrift::report::script::{render_sql, ScriptContext};
use pgdrift::source::InspectOptions;
use pgdrift::sql::split::{split, Piece};
use pgdrift::testing::TestDb;

fn message(e: &tokio_postgres::Error) -> String {
    e.as_db_error()
        .map(|d| d.message().to_string())
        .unwrap_or_else(|| e.to_string())
}

async fn load(sql: &str) -> Result<TestDb, String> {
    let db = TestDb::new().await;
    db.connect()
        .await
        .client
        .batch_execute(sql)
        .await
        .map_err(|e| message(&e))?;
    Ok(db)
}

/// The idempotent script of the plan from `from` to `to`, destructive steps enabled;
/// `online`: indexes built concurrently and constraints validated after the commit, and
/// what destructive steps delete backed up first.
fn script(from: &Snapshot, to: &Snapshot, online: bool) -> String {
    let options = PlanOptions {
        server_version_num: from.source.server_version_num,
        online,
        backup: online.then(|| pgdrift::plan::Backup::new("t1")),
        ..PlanOptions::default()
    };
    let plan = pipeline::converge::plan(
        &from.catalog,
        &to.catalog,
        &DiffOptions::default(),
        &options,
    );
    render_sql(
        &plan,
        &ScriptContext {
            allow_destructive: true,
            idempotent: true,
            ..Default::default()
        },
    )
}

/// The script's statements, split as psql would.
fn statements(script: &str) -> Vec<String> {
    split(script)
        .expect("a script pgdrift can split")
        .into_iter()
        .filter_map(|p| match p {
            Piece::Statement { text, .. } => Some(text.to_string()),
            Piece::Meta { .. } => None,
        })
        .collect()
}

/// Runs `stmts` one by one on a new session of `db`, like `psql -v ON_ERROR_STOP=1`.
async fn run(db: &TestDb, stmts: &[String], what: &str) -> Result<(), String> {
    let conn = db.connect().await;
    for s in stmts {
        if let Err(e) = conn.client.batch_execute(s).await {
            return Err(format!("{what}: {}\n  in: {s}", message(&e)));
        }
    }
    Ok(())
}

/// Runs the first `cut` statements, then stops as a failure would: a transaction left open
/// is rolled back.
async fn run_cut(db: &TestDb, stmts: &[String], cut: usize) -> Result<(), String> {
    let conn = db.connect().await;
    for s in &stmts[..cut] {
        conn.client
            .batch_execute(s)
            .await
            .map_err(|e| format!("the first {cut} statements: {}\n  in: {s}", message(&e)))?;
    }
    let _ = conn.client.batch_execute("ROLLBACK").await;
    Ok(())
}

/// What still differs between `db` and `to`.
async fn left(db: &TestDb, to: &Snapshot, what: &str) -> Result<(), String> {
    let conn = db.connect().await;
    let (inspect, diff_options) = (InspectOptions::default(), DiffOptions::default());
    let mut target = Target::new(&conn, db.conninfo(), &inspect, &diff_options);
    // The journal the script keeps is pgdrift's own, as comparisons see it.
    let leave_out = |c: &mut pgdrift::model::Catalog| ToolOwned::of(c).remove_from(c);
    target.leave_out = Some(&leave_out);
    let remaining = target
        .differences(&to.catalog)
        .await
        .map_err(|e| e.to_string())?;
    if remaining.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{what}: differences left:\n  {}",
            remaining.join("\n  ")
        ))
    }
}

const NO_DDL: &str = "CREATE SCHEMA pgdrift_no_ddl;
CREATE FUNCTION pgdrift_no_ddl.refuse() RETURNS event_trigger LANGUAGE plpgsql
  AS $$BEGIN
    -- A concurrent index build or drop cannot be tested in a DO block: the script leaves it
    -- to PostgreSQL's own IF [NOT] EXISTS, which skips it once done.
    IF current_query() ~* '(CREATE (UNIQUE )?|DROP )INDEX CONCURRENTLY IF (NOT )?EXISTS ' THEN
      RETURN;
    END IF;
    RAISE EXCEPTION 'DDL ran: %', tg_tag;
  END$$;
CREATE EVENT TRIGGER pgdrift_no_ddl ON ddl_command_start EXECUTE FUNCTION pgdrift_no_ddl.refuse();";

const ALLOW_DDL: &str = "DROP EVENT TRIGGER pgdrift_no_ddl; DROP SCHEMA pgdrift_no_ddl CASCADE;";

/// Where a run is cut off: in the middle, and right after the first statement that runs
/// outside the transaction (whose effect a rollback does not undo).
fn cuts(stmts: &[String]) -> Vec<usize> {
    let mut cuts = vec![stmts.len() / 2];
    let mut in_block = false;
    for (i, s) in stmts.iter().enumerate() {
        match s.trim() {
            "BEGIN" => in_block = true,
            "COMMIT" => in_block = false,
            t if !in_block && !t.starts_with("SET ") => {
                cuts.push(i + 1);
                break;
            }
            _ => {}
        }
    }
    cuts.sort();
    cuts.dedup();
    cuts
}

/// The step headers (`-- alter column app.t.c`) of the steps the script leaves unguarded.
fn unguarded(script: &str) -> Vec<String> {
    let mut header = "";
    let mut found = Vec::new();
    for line in script.lines() {
        if line == UNGUARDED {
            found.push(format!("  unguarded: {header}"));
        } else if line.starts_with("-- ") && !line.starts_with("-- hazard") {
            header = line;
        } else if line.is_empty() {
            header = "";
        }
    }
    found
}

/// One direction of a case: `db` holds `from` (loaded from `from_sql`).
async fn check(
    what: &str,
    db: &TestDb,
    from_sql: &str,
    from: &Snapshot,
    to: &Snapshot,
) -> Result<(), String> {
    let plain = script(from, to, false);
    check_script(what, db, from_sql, to, &plain).await?;
    // The online form, where it differs: run on a database of its own.
    let online = script(from, to, true);
    if online != plain {
        let other = load(from_sql)
            .await
            .map_err(|e| format!("{what} (online): {e}"))?;
        check_script(&format!("{what} (online)"), &other, from_sql, to, &online).await?;
    }
    Ok(())
}

/// `script` run on `db` (holding `from`) once, again, and after a stop part-way.
async fn check_script(
    what: &str,
    db: &TestDb,
    from_sql: &str,
    to: &Snapshot,
    script: &str,
) -> Result<(), String> {
    let script = script.to_string();
    if script.contains(UNGUARDED) {
        return Err(format!(
            "{what}: steps without a guard:\n{}\n{script}",
            unguarded(&script).join("\n")
        ));
    }
    let stmts = statements(&script);
    let fail = |e: String| format!("{what}: {e}\n{script}");
    run(db, &stmts, "first run").await.map_err(fail)?;
    left(db, to, "after the first run").await.map_err(fail)?;
    db.execute(NO_DDL).await;
    let again = run(db, &stmts, "second run (no DDL allowed)").await;
    db.execute(ALLOW_DDL).await;
    // No DDL ran (the trigger would have stopped it), so the catalog is as the first run
    // left it.
    again.map_err(fail)?;
    for cut in cuts(&stmts) {
        let other = load(from_sql).await.map_err(fail)?;
        run_cut(&other, &stmts, cut).await.map_err(fail)?;
        let whole = format!("whole run after a stop at statement {cut}");
        run(&other, &stmts, &whole).await.map_err(fail)?;
        left(&other, to, &whole).await.map_err(fail)?;
    }
    Ok(())
}

async fn run_case(case: &str, from_sql: &str, to_sql: &str) -> Vec<String> {
    let (a, b) = match (load(from_sql).await, load(to_sql).await) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return vec![format!("{case}: loading: {e}")],
    };
    let opts = InspectOptions::default();
    let (ca, cb) = (common::read(&a, &opts).await, common::read(&b, &opts).await);
    let forward = check(case, &a, from_sql, &ca, &cb).await;
    let reverse = check(&format!("{case} (reversed)"), &b, to_sql, &cb, &ca).await;
    [forward, reverse]
        .into_iter()
        .filter_map(|r| r.err())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_case_runs_twice_and_after_a_stop_part_way() {
    let cases = common::diff_cases();
    assert!(!cases.is_empty(), "no diff fixtures found");
    let dir = common::diff_case_dir();
    let major = common::server_major(&TestDb::new().await).await;
    let failures: Vec<String> = stream::iter(cases.iter().cloned().map(|case| {
        let dir = dir.clone();
        async move {
            if common::case_needs_major(&case).is_some_and(|n| n > major) {
                return Vec::new();
            }
            let read = |f: &str| {
                std::fs::read_to_string(dir.join(&case).join(f))
                    .unwrap_or_else(|e| panic!("{case}/{f}: {e}"))
            };
            run_case(&case, &read("from.sql"), &read("to.sql")).await
        }
    }))
    .buffer_unordered(6)
    .flat_map(stream::iter)
    .collect()
    .await;
    if !failures.is_empty() {
        let names: Vec<&str> = failures
            .iter()
            .map(|f| f.split(':').next().unwrap_or(""))
            .collect();
        panic!(
            "{} of {} scripts are not idempotent: {}\n\n{}",
            failures.len(),
            cases.len() * 2,
            names.join(", "),
            failures.join("\n\n")
        );
    }
}

/// Runs `script` with the real psql, stopping at the first error.
fn psql(db: &TestDb, script: &std::path::Path) -> std::process::Output {
    let mut cmd = std::process::Command::new("psql");
    cmd.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &db.url(), "-f"])
        .arg(script);
    if let Some(p) = &db.conninfo().password {
        cmd.env("PGPASSWORD", p.expose());
    }
    cmd.output().expect("psql runs")
}

#[tokio::test]
async fn psql_runs_the_script_twice_and_the_second_run_changes_nothing() {
    let from = "CREATE SCHEMA app; CREATE TYPE app.mood AS ENUM ('ok');
        CREATE TABLE app.t (id int PRIMARY KEY, note text, m app.mood);
        CREATE INDEX t_note ON app.t (note);";
    let to = "CREATE SCHEMA app; CREATE TYPE app.mood AS ENUM ('ok', 'meh');
        CREATE TABLE app.t (id bigint PRIMARY KEY, note text NOT NULL DEFAULT '', m app.mood,
          added int);
        COMMENT ON TABLE app.t IS 'the t';
        CREATE INDEX t_note ON app.t (note, id);";
    let (a, b) = (TestDb::with_sql(from).await, TestDb::with_sql(to).await);
    let opts = InspectOptions::default();
    let (ca, cb) = (common::read(&a, &opts).await, common::read(&b, &opts).await);
    let script = script(&ca, &cb, false);
    assert!(!script.contains(UNGUARDED), "{script}");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("plan.sql");
    std::fs::write(&file, &script).expect("the script written");
    let first = psql(&a, &file);
    assert!(first.status.success(), "{first:?}\n{script}");
    left(&a, &cb, "after the first run").await.unwrap();
    a.execute(NO_DDL).await;
    let second = psql(&a, &file);
    a.execute(ALLOW_DDL).await;
    assert!(second.status.success(), "{second:?}\n{script}");
    left(&a, &cb, "after the second run").await.unwrap();
}

/// The idempotent script of `plan`, which undoes `undoes`.
fn script_undoing(plan: &pgdrift::plan::Plan, undoes: &pgdrift::plan::Plan) -> String {
    render_sql(
        plan,
        &ScriptContext {
            allow_destructive: true,
            idempotent: true,
            undoes: Some(undoes.steps.clone()),
            ..Default::default()
        },
    )
}

#[tokio::test]
async fn a_plan_its_rollback_and_the_plan_again_each_run() {
    let from = "CREATE TABLE t (id int PRIMARY KEY);";
    let to = "CREATE TABLE t (id int PRIMARY KEY, note text); CREATE INDEX t_note ON t (note);";
    let (a, b) = (TestDb::with_sql(from).await, TestDb::with_sql(to).await);
    let opts = InspectOptions::default();
    let (ca, cb) = (common::read(&a, &opts).await, common::read(&b, &opts).await);
    let plan = |x: &Snapshot, y: &Snapshot| {
        pipeline::converge::plan(
            &x.catalog,
            &y.catalog,
            &DiffOptions::default(),
            &PlanOptions::default(),
        )
    };
    let (forward, back) = (plan(&ca, &cb), plan(&cb, &ca));
    let forward_sql = statements(&script_undoing(&forward, &back));
    let back_sql = statements(&script_undoing(&back, &forward));
    for (round, (stmts, expected)) in [
        (&forward_sql, &cb),
        (&back_sql, &ca),
        (&forward_sql, &cb),
        (&back_sql, &ca),
    ]
    .into_iter()
    .enumerate()
    {
        let what = format!("run {}", round + 1);
        run(&a, stmts, &what).await.unwrap();
        left(&a, expected, &what).await.unwrap();
    }
}
