//! `pgdrift apply` as a user runs it: a plan written by `pgdrift diff -o` applied to the
//! database it was made for converges and is recorded; the same plan against a database
//! changed in between, or an edited plan, is refused with nothing changed; a step blocked by
//! another session's lock is retried and succeeds once the lock goes away; `pgdrift log`
//! lists what was done.

mod common;

use common::text;
use pgdrift::testing::TestDb;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

const FROM: &str = "CREATE TABLE orders (id int PRIMARY KEY, total int, note text);
INSERT INTO orders VALUES (1, 10, 'a'), (2, NULL, 'b');
CREATE VIEW order_ids AS SELECT id FROM orders;";

const TO: &str =
    "CREATE TABLE orders (id int PRIMARY KEY, total bigint, note text, status text DEFAULT 'new');
CREATE INDEX orders_status ON orders (status);
CREATE VIEW order_ids AS SELECT id FROM orders;";

fn pgdrift(args: &[&str]) -> Output {
    common::pgdrift_in(None, args)
}

/// Writes TO's SQL and the plan from `db` to it into `dir`; returns the plan's path.
fn write_plan(dir: &Path, db: &TestDb) -> String {
    let to = dir.join("to.sql");
    std::fs::write(&to, TO).unwrap();
    let plan = dir.join("plan.sql");
    let out = pgdrift(&[
        "diff",
        &db.url(),
        to.to_str().unwrap(),
        "-f",
        "sql",
        "-o",
        plan.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    plan.to_str().unwrap().to_string()
}

fn apply(plan: &str, db: &TestDb, extra: &[&str]) -> Output {
    let url = db.url();
    let mut args = vec!["apply", plan, "--url", &url];
    args.extend_from_slice(extra);
    pgdrift(&args)
}

async fn columns(db: &TestDb) -> Vec<String> {
    db.strings(
        "SELECT column_name || ' ' || data_type FROM information_schema.columns \
         WHERE table_name = 'orders' ORDER BY ordinal_position",
    )
    .await
}

#[tokio::test]
async fn a_plan_applied_to_its_from_converges_is_recorded_and_is_not_run_twice() {
    let db = TestDb::with_sql(FROM).await;
    let dir = tempfile::tempdir().unwrap();
    let plan = write_plan(dir.path(), &db);
    let script = std::fs::read_to_string(&plan).unwrap();
    assert!(script.contains("-- pgdrift:from-state sha256:"), "{script}");
    assert!(script.contains("-- pgdrift:checksum sha256:"), "{script}");

    let dry = apply(&plan, &db, &["--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    assert!(text(&dry).contains("would run"), "{}", text(&dry));
    assert!(!columns(&db).await.iter().any(|c| c.starts_with("status")));

    let out = apply(&plan, &db, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("the database now is exactly what the plan leads to"),
        "{}",
        text(&out)
    );
    assert!(columns(&db).await.contains(&"status text".to_string()));
    let rows = db
        .strings("SELECT action || ' ' || subject || ' ' || outcome FROM pgdrift.changes")
        .await;
    assert_eq!(rows, vec!["plan plan.sql applied".to_string()]);
    let recorded = db.strings("SELECT script FROM pgdrift.changes").await;
    assert_eq!(recorded, vec![script]);

    // Again: the database already is TO, nothing runs and nothing is recorded.
    let again = apply(&plan, &db, &[]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(text(&again).contains("nothing ran"), "{}", text(&again));
    assert_eq!(
        db.strings("SELECT id::text FROM pgdrift.changes")
            .await
            .len(),
        1
    );

    // A diff of the database against TO is clean: pgdrift's own tables are not part of it.
    let to = dir.path().join("to.sql");
    let diff = pgdrift(&["diff", &db.url(), to.to_str().unwrap(), "-f", "json"]);
    assert_eq!(diff.status.code(), Some(0), "{}", text(&diff));
}

#[tokio::test]
async fn a_database_changed_since_the_plan_was_made_is_refused_naming_the_change() {
    let db = TestDb::with_sql(FROM).await;
    let dir = tempfile::tempdir().unwrap();
    let plan = write_plan(dir.path(), &db);
    db.execute("ALTER TABLE orders ADD COLUMN coupon text; CREATE TABLE audit (id int);")
        .await;
    let out = apply(&plan, &db, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("no longer what the plan was made for"), "{t}");
    assert!(t.contains("column public.orders.coupon added"), "{t}");
    assert!(t.contains("table public.audit added"), "{t}");
    assert!(!t.contains("column public.orders.total"), "{t}");
    // Nothing applied, nothing recorded.
    assert!(!columns(&db).await.iter().any(|c| c.starts_with("status")));
    assert_eq!(
        db.strings("SELECT coalesce(to_regclass('pgdrift.changes')::text, 'none')")
            .await,
        vec!["none"]
    );
}

#[tokio::test]
async fn an_edited_plan_is_refused_unless_allowed() {
    let db = TestDb::with_sql(FROM).await;
    let dir = tempfile::tempdir().unwrap();
    let plan = write_plan(dir.path(), &db);
    let script = std::fs::read_to_string(&plan).unwrap();
    let edited = script.replacen(
        "COMMIT;",
        "UPDATE public.orders SET total = 0 WHERE total IS NULL;\n\nCOMMIT;",
        1,
    );
    assert_ne!(edited, script);
    std::fs::write(&plan, &edited).unwrap();
    let out = apply(&plan, &db, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("edited after pgdrift wrote it"),
        "{}",
        text(&out)
    );
    assert!(!columns(&db).await.iter().any(|c| c.starts_with("status")));

    let out = apply(&plan, &db, &["--allow-edited"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        db.strings("SELECT count(*)::text FROM orders WHERE total = 0")
            .await,
        vec!["1"]
    );

    // A state block tampered with is refused too, whatever the checksum says.
    let tampered = script.replace("-- pgdrift:from ", "-- pgdrift:from 0");
    std::fs::write(&plan, tampered).unwrap();
    let out = apply(&plan, &db, &["--allow-edited"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[tokio::test]
async fn a_step_blocked_by_another_sessions_lock_is_retried_until_the_lock_goes_away() {
    let db = TestDb::with_sql(FROM).await;
    let dir = tempfile::tempdir().unwrap();
    let plan = write_plan(dir.path(), &db);
    let holder = db.connect().await;
    holder
        .client
        .batch_execute("BEGIN; LOCK TABLE orders IN SHARE MODE")
        .await
        .unwrap();
    let url = db.url();
    let run = {
        let plan = plan.clone();
        std::thread::spawn(move || {
            common::pgdrift_in(
                None,
                &[
                    "apply",
                    &plan,
                    "--url",
                    &url,
                    "--lock-timeout",
                    "1",
                    "--lock-retries",
                    "6",
                ],
            )
        })
    };
    tokio::time::sleep(Duration::from_millis(2500)).await;
    holder.client.batch_execute("COMMIT").await.unwrap();
    let out = run.join().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("lock timeout at line"),
        "{}",
        text(&out)
    );
    assert!(columns(&db).await.contains(&"status text".to_string()));
    let retries = db
        .strings("SELECT detail->>'retries' FROM pgdrift.changes")
        .await;
    assert!(
        retries.len() == 1 && retries[0] != "0",
        "retries recorded: {retries:?}"
    );
}

#[tokio::test]
async fn the_log_lists_every_action_with_its_author() {
    let db = TestDb::with_sql(FROM).await;
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("migrations");
    std::fs::create_dir(&migrations).unwrap();
    std::fs::write(
        migrations.join("001_extra.sql"),
        "CREATE TABLE extra (id int);",
    )
    .unwrap();
    let url = db.url();
    let out = pgdrift(&[
        "migrate",
        "apply",
        "--dir",
        migrations.to_str().unwrap(),
        "--url",
        &url,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let plan_dir = tempfile::tempdir().unwrap();
    std::fs::write(
        plan_dir.path().join("to.sql"),
        format!("{TO}\nCREATE TABLE extra (id int);"),
    )
    .unwrap();
    let plan = plan_dir.path().join("plan.sql");
    let to = plan_dir.path().join("to.sql");
    let out = pgdrift(&[
        "diff",
        &url,
        to.to_str().unwrap(),
        "-f",
        "sql",
        "-o",
        plan.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let out = apply(plan.to_str().unwrap(), &db, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = pgdrift(&["quarantine", &url, "extra", "--yes", "--reason", "unused"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_default();
    let log = pgdrift(&["log", &url, "-f", "json"]);
    assert_eq!(log.status.code(), Some(0), "{}", text(&log));
    let value: serde_json::Value = serde_json::from_slice(&log.stdout).unwrap();
    let entries = value["databases"][0]["entries"].as_array().unwrap().clone();
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec!["migration", "plan", "quarantine"],
        "{value:#}"
    );
    for e in &entries {
        assert!(
            !e["db_user"].as_str().unwrap_or("").is_empty(),
            "no database user: {e}"
        );
        assert!(e["at"].as_str().unwrap().ends_with("UTC"), "{e}");
    }
    if !user.is_empty() {
        assert_eq!(entries[1]["os_user"], user.as_str(), "{value:#}");
    }
    assert_eq!(entries[1]["outcome"], "applied");

    let md = pgdrift(&["log", &url, "-f", "markdown"]);
    assert_eq!(md.status.code(), Some(0), "{}", text(&md));
    let md = String::from_utf8_lossy(&md.stdout).to_string();
    assert!(md.contains("| When (UTC) |"), "{md}");
    assert!(md.contains("plan.sql"), "{md}");
    assert!(md.contains("001_extra"), "{md}");
    assert!(md.contains("```sql"), "{md}");

    let none = pgdrift(&["log", &url, "--since", "2999-01-01", "-f", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&none.stdout).unwrap();
    assert_eq!(
        value["databases"][0]["entries"].as_array().unwrap().len(),
        0
    );
}

#[tokio::test]
async fn on_a_fleet_the_log_has_a_section_per_database_and_records_repairs() {
    let (a, b) = (TestDb::with_sql(FROM).await, TestDb::with_sql(FROM).await);
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("migrations");
    std::fs::create_dir(&migrations).unwrap();
    let file = migrations.join("001_extra.sql");
    std::fs::write(&file, "CREATE TABLE extra (id int);").unwrap();
    for db in [&a, &b] {
        let out = pgdrift(&[
            "migrate",
            "apply",
            "--dir",
            migrations.to_str().unwrap(),
            "--url",
            &db.url(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    // The file is edited after it ran on `b`: a repair records its new checksum, and the log
    // says so.
    std::fs::write(&file, "CREATE TABLE extra (id int); -- reviewed").unwrap();
    let out = pgdrift(&[
        "migrate",
        "repair",
        "--dir",
        migrations.to_str().unwrap(),
        "--url",
        &b.url(),
        "--checksums",
        "--yes",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let url = pgdrift::pg::ConnInfo {
        password: None,
        ..pgdrift::testing::admin_conninfo()
    }
    .to_string();
    let config = dir.path().join("pgdrift.toml");
    std::fs::write(
        &config,
        format!(
            "[[server]]\nname = \"local\"\nurl = {url:?}\nstage = \"test\"\ndatabases = [{:?}, {:?}]\n",
            a.name(),
            b.name()
        ),
    )
    .unwrap();
    let out = pgdrift(&["log", "--config", config.to_str().unwrap(), "-f", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let databases = value["databases"].as_array().unwrap();
    assert_eq!(databases.len(), 2, "{value:#}");
    let actions = |i: usize| -> Vec<String> {
        databases[i]["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_string())
            .collect()
    };
    let (first, second) = if databases[0]["database"]
        .as_str()
        .unwrap()
        .contains(a.name())
    {
        (actions(0), actions(1))
    } else {
        (actions(1), actions(0))
    };
    assert_eq!(first, vec!["migration"], "{value:#}");
    assert_eq!(second, vec!["migration", "repair"], "{value:#}");
    let text_log = pgdrift(&["log", "--config", config.to_str().unwrap()]);
    let t = text(&text_log);
    assert!(t.contains(a.name()) && t.contains(b.name()), "{t}");
}

#[tokio::test]
async fn a_destructive_plan_and_its_bound_rollback_apply_both_ways_keeping_the_data() {
    let db = TestDb::with_sql(FROM).await;
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("to.sql");
    std::fs::write(&to, TO.replace(", note text", "")).unwrap();
    let (plan, back) = (dir.path().join("plan.sql"), dir.path().join("back.sql"));
    let out = pgdrift(&[
        "diff",
        &db.url(),
        to.to_str().unwrap(),
        "-f",
        "sql",
        "--allow-destructive",
        "-o",
        plan.to_str().unwrap(),
        "--reverse",
        back.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let out = apply(plan.to_str().unwrap(), &db, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!columns(&db).await.iter().any(|c| c.starts_with("note")));
    // The rollback is bound to TO: it runs now, and brings FROM back with its values.
    let out = apply(back.to_str().unwrap(), &db, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        db.strings("SELECT string_agg(id || ':' || note, ',' ORDER BY id) FROM orders")
            .await,
        vec!["1:a,2:b"]
    );
    // Applied twice in a row, the plan is refused the second time only if the database moved
    // on: here it is FROM again, so it applies again.
    let out = apply(plan.to_str().unwrap(), &db, &["--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// Runs `file` with psql, stopping at the first error.
fn psql(db: &TestDb, file: &str) -> Output {
    let mut cmd = std::process::Command::new("psql");
    cmd.args([
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-d",
        &db.url(),
        "-f",
        file,
    ]);
    if let Some(p) = &db.conninfo().password {
        cmd.env("PGPASSWORD", p.expose());
    }
    cmd.output().expect("psql runs")
}

#[tokio::test]
async fn an_idempotent_plan_runs_twice_with_psql_and_pgdrift_sees_it_applied() {
    let db = TestDb::with_sql(FROM).await;
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("to.sql");
    std::fs::write(&to, TO).unwrap();
    let plan = dir.path().join("plan.sql");
    let plan = plan.to_str().unwrap();
    let out = pgdrift(&[
        "diff",
        &db.url(),
        to.to_str().unwrap(),
        "-f",
        "sql",
        "--idempotent",
        "--online",
        "-o",
        plan,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let script = std::fs::read_to_string(plan).unwrap();
    assert!(script.contains("pgdrift.script_units"), "{script}");
    assert!(
        script.contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status"),
        "{script}"
    );
    assert!(!script.contains("NOT GUARDED"), "{script}");

    let first = psql(&db, plan);
    assert!(first.status.success(), "{}\n{script}", text(&first));
    // A second run runs no DDL at all (but the concurrent build's own IF NOT EXISTS).
    db.execute(
        "CREATE FUNCTION public.no_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN
           IF current_query() ~* 'INDEX CONCURRENTLY IF NOT EXISTS ' THEN RETURN; END IF;
           RAISE EXCEPTION 'DDL ran: %', tg_tag; END$$;
         CREATE EVENT TRIGGER no_ddl ON ddl_command_start EXECUTE FUNCTION public.no_ddl();",
    )
    .await;
    let second = psql(&db, plan);
    db.execute("DROP EVENT TRIGGER no_ddl; DROP FUNCTION public.no_ddl();")
        .await;
    assert!(second.status.success(), "{}\n{script}", text(&second));

    // No drift left, the journal being pgdrift's own; apply finds the plan applied.
    let check = pgdrift(&["diff", &db.url(), to.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    let again = apply(plan, &db, &[]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(
        columns(&db).await.contains(&"status text".to_string()),
        "{:?}",
        columns(&db).await
    );
}
