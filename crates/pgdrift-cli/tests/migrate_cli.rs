//! `pgdrift migrate` as a user runs it: apply, re-run, failures, history checks, files run
//! outside a transaction, concurrent runners, a killed runner, baselines, repair, and a
//! fleet of tenant databases with a broken one.

mod common;

use common::text;
use pgdrift::testing::TestDb;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn pgdrift(args: &[&str]) -> Output {
    common::pgdrift_in(None, args)
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, sql) in files {
        std::fs::write(dir.join(name), sql).unwrap();
    }
}

fn apply(dir: &Path, db: &TestDb, extra: &[&str]) -> Output {
    let mut args = vec!["migrate", "apply", "--dir", dir.to_str().unwrap(), "--url"];
    let url = db.url();
    args.push(&url);
    args.extend_from_slice(extra);
    pgdrift(&args)
}

/// The state `migrate status` shows for `version`.
fn state_of(out: &Output, version: &str) -> String {
    let t = text(out);
    let line = t
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{version} ")))
        .unwrap_or_else(|| panic!("{version} not in\n{t}"));
    let rest = line.trim_start()[version.len()..].trim_start();
    rest.split("  ").next().unwrap_or("").to_string()
}

async fn query_strings(db: &TestDb, sql: &str) -> Vec<String> {
    let conn = db.connect().await;
    conn.client
        .query(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect()
}

async fn recorded(db: &TestDb) -> Vec<String> {
    query_strings(
        db,
        "SELECT version FROM pgdrift.migrations ORDER BY version",
    )
    .await
}

async fn table_exists(db: &TestDb, name: &str) -> bool {
    let conn = db.connect().await;
    conn.client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&name])
        .await
        .unwrap()
        .get(0)
}

const BASE: &[(&str, &str)] = &[
    ("001_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"),
    (
        "002_orders.sql",
        "BEGIN;\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users);\nCOMMIT;\n",
    ),
];

#[tokio::test]
async fn apply_then_rerun_is_a_no_op_and_status_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), BASE);
    let db = TestDb::new().await;
    let first = apply(dir.path(), &db, &[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    assert!(
        text(&first).contains("2 migrations applied"),
        "{}",
        text(&first)
    );
    assert_eq!(recorded(&db).await, ["001_users.sql", "002_orders.sql"]);
    let again = apply(dir.path(), &db, &[]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(text(&again).contains("up to date"), "{}", text(&again));
    let url = db.url();
    let d = dir.path().to_str().unwrap();
    let status = pgdrift(&["migrate", "status", "--dir", d, "--url", &url]);
    assert_eq!(status.status.code(), Some(0), "{}", text(&status));
    assert!(
        text(&status).contains("2 migrations, 2 applied"),
        "{}",
        text(&status)
    );
    // The record carries who, what and how.
    let rows = query_strings(
        &db,
        "SELECT concat_ws('|', checksum, applied_by, pgdrift_version, no_transaction, baseline)
         FROM pgdrift.migrations WHERE version = '001_users.sql'",
    )
    .await;
    let sha = pgdrift::migrate::files::sha256_hex(BASE[0].1.as_bytes());
    assert!(rows[0].starts_with(&format!("{sha}|")), "{rows:?}");
    assert!(rows[0].ends_with("|f|f"), "{rows:?}");

    // A new file: status says pending (exit 1), dry-run lists it and changes nothing.
    write(dir.path(), &[("003_x.sql", "CREATE TABLE x (id int);\n")]);
    let status = pgdrift(&["migrate", "status", "--dir", d, "--url", &url]);
    assert_eq!(status.status.code(), Some(1), "{}", text(&status));
    assert_eq!(
        state_of(&status, "003_x.sql"),
        "pending",
        "{}",
        text(&status)
    );
    let dry = apply(dir.path(), &db, &["--dry-run"]);
    assert!(text(&dry).contains("would run 003_x.sql"), "{}", text(&dry));
    assert!(!table_exists(&db, "x").await);
    let json = apply(dir.path(), &db, &["-f", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["format_version"], 1);
    assert_eq!(
        v["databases"][0]["report"]["ran"][0]["version"],
        "003_x.sql"
    );
}

#[tokio::test]
async fn a_failing_third_file_leaves_the_first_two_and_nothing_of_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), BASE);
    write(
        dir.path(),
        &[
            (
                "003_broken.sql",
                "CREATE TABLE audit (id int);\nINSERT INTO audit VALUES (1);\nSELECT 1/0;\n",
            ),
            ("004_more.sql", "CREATE TABLE more (id int);\n"),
        ],
    );
    let db = TestDb::new().await;
    let out = apply(dir.path(), &db, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("migration 003_broken.sql failed and was rolled back"),
        "{t}"
    );
    assert!(t.contains("003_broken.sql:3:"), "{t}");
    assert!(t.contains("division by zero"), "{t}");
    assert!(t.contains("001_users.sql, 002_orders.sql"), "{t}");
    assert_eq!(recorded(&db).await, ["001_users.sql", "002_orders.sql"]);
    assert!(table_exists(&db, "orders").await);
    assert!(!table_exists(&db, "audit").await);
    assert!(!table_exists(&db, "more").await);
}

#[tokio::test]
async fn history_problems_stop_the_run_and_repair_fixes_them() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), BASE);
    let db = TestDb::new().await;
    assert_eq!(apply(dir.path(), &db, &[]).status.code(), Some(0));
    let (d, url) = (dir.path().to_str().unwrap(), db.url());

    // Edited after it was applied: refused, named.
    write(
        dir.path(),
        &[
            (
                "001_users.sql",
                "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
            ),
            ("003_next.sql", "CREATE TABLE next (id int);\n"),
        ],
    );
    let out = apply(dir.path(), &db, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("001_users.sql: modified since applied"),
        "{}",
        text(&out)
    );
    assert!(
        !table_exists(&db, "next").await,
        "nothing runs after a refusal"
    );

    // repair without --yes lists the change (with the lines) and changes nothing.
    let listing = pgdrift(&[
        "migrate",
        "repair",
        "--checksums",
        "--dir",
        d,
        "--url",
        &url,
    ]);
    assert_eq!(listing.status.code(), Some(2), "{}", text(&listing));
    let t = text(&listing);
    assert!(t.contains("update 001_users.sql"), "{t}");
    assert!(
        t.contains("-CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);"),
        "{t}"
    );
    assert!(t.contains("nothing changed"), "{t}");
    let fixed = pgdrift(&[
        "migrate",
        "repair",
        "--checksums",
        "--yes",
        "--dir",
        d,
        "--url",
        &url,
    ]);
    assert_eq!(fixed.status.code(), Some(0), "{}", text(&fixed));
    assert_eq!(apply(dir.path(), &db, &[]).status.code(), Some(0));
    assert!(table_exists(&db, "next").await);

    // A file of an applied migration is gone: refused until its row is removed.
    std::fs::remove_file(dir.path().join("002_orders.sql")).unwrap();
    write(
        dir.path(),
        &[("004_last.sql", "CREATE TABLE last (id int);\n")],
    );
    let out = apply(dir.path(), &db, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("002_orders.sql: missing file"),
        "{}",
        text(&out)
    );
    let status = pgdrift(&["migrate", "status", "--dir", d, "--url", &url]);
    assert_eq!(status.status.code(), Some(1));
    assert_eq!(
        state_of(&status, "002_orders.sql"),
        "missing file",
        "{}",
        text(&status)
    );
    let out = pgdrift(&[
        "migrate",
        "repair",
        "--remove-missing",
        "-y",
        "--dir",
        d,
        "--url",
        &url,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(apply(dir.path(), &db, &[]).status.code(), Some(0));
    assert_eq!(
        recorded(&db).await,
        ["001_users.sql", "003_next.sql", "004_last.sql"]
    );

    // Older than the newest applied: refused unless allowed.
    write(
        dir.path(),
        &[("002_late.sql", "CREATE TABLE late (id int);\n")],
    );
    let out = apply(dir.path(), &db, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("002_late.sql: out of order"),
        "{}",
        text(&out)
    );
    let out = apply(dir.path(), &db, &["--allow-out-of-order"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(table_exists(&db, "late").await);
}

#[tokio::test]
async fn no_transaction_files_and_to() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), BASE);
    write(
        dir.path(),
        &[
            (
                "003_index.sql",
                "-- pgdrift:no-transaction\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n",
            ),
            ("004_after.sql", "CREATE TABLE after_index (id int);\n"),
        ],
    );
    let db = TestDb::new().await;
    let out = apply(dir.path(), &db, &["--to", "003_index.sql"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("003_index.sql"), "{}", text(&out));
    assert!(
        text(&out).contains("(outside a transaction)"),
        "{}",
        text(&out)
    );
    assert!(table_exists(&db, "users_email").await);
    assert!(!table_exists(&db, "after_index").await, "--to stops early");
    let flags = query_strings(
        &db,
        "SELECT version || ':' || no_transaction FROM pgdrift.migrations ORDER BY version",
    )
    .await;
    assert_eq!(
        flags,
        [
            "001_users.sql:false",
            "002_orders.sql:false",
            "003_index.sql:true"
        ]
    );
    // A file whose own transaction control would break the record is refused up front.
    write(
        dir.path(),
        &[(
            "005_commit.sql",
            "CREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);\n",
        )],
    );
    let out = apply(dir.path(), &db, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("005_commit.sql:2: `COMMIT`"),
        "{}",
        text(&out)
    );
    assert!(!table_exists(&db, "after_index").await, "nothing ran");
}

#[tokio::test]
async fn eight_concurrent_runners_apply_each_file_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = vec![(
        "000_log.sql".to_string(),
        "CREATE TABLE runs (version text NOT NULL);\n".to_string(),
    )];
    for i in 1..=6 {
        files.push((
            format!("{i:03}_step.sql"),
            format!(
                "INSERT INTO runs VALUES ('{i:03}');\nSELECT pg_sleep(0.2);\nCREATE TABLE step_{i} (id int);\n"
            ),
        ));
    }
    files.push((
        "007_outside.sql".into(),
        "-- pgdrift:no-transaction\nINSERT INTO runs VALUES ('007');\nSELECT pg_sleep(0.2);\n"
            .into(),
    ));
    for (name, sql) in &files {
        std::fs::write(dir.path().join(name), sql).unwrap();
    }
    let db = TestDb::new().await;
    let url = db.url();
    let d = dir.path().to_str().unwrap().to_string();
    let children: Vec<_> = (0..8)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_pgdrift"))
                .args(["migrate", "apply", "--dir", &d, "--url", &url])
                .env("NO_COLOR", "1")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    let counts = query_strings(
        &db,
        "SELECT version || '=' || count(*) FROM runs GROUP BY version ORDER BY version",
    )
    .await;
    let expected: Vec<String> = (1..=7).map(|i| format!("{i:03}=1")).collect();
    assert_eq!(counts, expected);
    assert_eq!(recorded(&db).await.len(), 8);
}

#[tokio::test]
async fn a_killed_runner_leaves_no_record_and_the_next_run_completes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), BASE);
    write(
        dir.path(),
        &[(
            "003_slow.sql",
            "CREATE TABLE slow (id int);\nSELECT pg_sleep(60);\n",
        )],
    );
    let db = TestDb::new().await;
    let url = db.url();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pgdrift"))
        .args([
            "migrate",
            "apply",
            "--dir",
            dir.path().to_str().unwrap(),
            "--url",
            &url,
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the slow statement runs.
    let conn = db.connect().await;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let n: i64 = conn
            .client
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%' AND datname = current_database()",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        if n > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the slow migration never started"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(recorded(&db).await, ["001_users.sql", "002_orders.sql"]);
    // The next run takes the lock once the server notices the dead runner, and completes.
    write(
        dir.path(),
        &[("003_slow.sql", "CREATE TABLE slow (id int);\n")],
    );
    let started = Instant::now();
    let out = pgdrift(&[
        "migrate",
        "apply",
        "--dir",
        dir.path().to_str().unwrap(),
        "--url",
        &url,
        "--allow-modified",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        started.elapsed() < Duration::from_secs(50),
        "waited for the dead runner's sleep"
    );
    assert_eq!(
        recorded(&db).await,
        ["001_users.sql", "002_orders.sql", "003_slow.sql"]
    );
    assert!(table_exists(&db, "slow").await);
}

#[tokio::test]
async fn baseline_with_evidence_then_without() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), BASE);
    write(
        dir.path(),
        &[("003_new.sql", "CREATE TABLE new (id int);\n")],
    );
    let d = dir.path().to_str().unwrap();

    // The database was built by hand with what 001 and 002 create.
    let legacy = TestDb::with_sql(&format!("{}{}", BASE[0].1, BASE[1].1)).await;
    let url = legacy.url();
    let out = pgdrift(&[
        "migrate",
        "baseline",
        "--dir",
        d,
        "--url",
        &url,
        "--version",
        "002",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("recorded 2 migration(s) up to 002_orders.sql"),
        "{t}"
    );
    assert!(t.contains("001_users.sql"), "{t}");
    let rows = query_strings(
        &legacy,
        "SELECT version || ':' || baseline FROM pgdrift.migrations ORDER BY version",
    )
    .await;
    assert_eq!(rows, ["001_users.sql:true", "002_orders.sql:true"]);
    let out = apply(dir.path(), &legacy, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("1 migration applied"), "{}", text(&out));
    assert!(table_exists(&legacy, "new").await);

    // This one lacks the orders table: the baseline is refused and nothing is recorded.
    let partial = TestDb::with_sql(BASE[0].1).await;
    let url = partial.url();
    let out = pgdrift(&[
        "migrate",
        "baseline",
        "--dir",
        d,
        "--url",
        &url,
        "--version",
        "002_orders.sql",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("refusing the baseline"), "{t}");
    assert!(t.contains("(002_orders.sql)"), "{t}");
    assert!(!table_exists(&partial, "pgdrift.migrations").await);
    // --force records it anyway, and says so.
    let out = pgdrift(&[
        "migrate",
        "baseline",
        "--dir",
        d,
        "--url",
        &url,
        "--version",
        "002_orders.sql",
        "--force",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("forced against the evidence"),
        "{}",
        text(&out)
    );
    assert_eq!(
        recorded(&partial).await,
        ["001_users.sql", "002_orders.sql"]
    );
}

#[tokio::test]
async fn fifty_tenants_with_one_broken() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), BASE);
    write(
        dir.path(),
        &[(
            "003_notes.sql",
            "CREATE TABLE notes (id int PRIMARY KEY);\n",
        )],
    );
    let admin = pgdrift::testing::admin_conninfo();
    let conn = pgdrift::pg::connect(&admin).await.unwrap();
    let prefix = format!("fleet{}_tenant_", std::process::id());
    for i in 0..50 {
        conn.client
            .batch_execute(&format!(
                "CREATE DATABASE {prefix}{i:02} TEMPLATE template0"
            ))
            .await
            .unwrap();
    }
    // Tenant 17 already has a table 003 creates: its run fails there.
    let broken = pgdrift::pg::connect(&admin.with_dbname(&format!("{prefix}17")))
        .await
        .unwrap();
    broken
        .client
        .batch_execute("CREATE TABLE notes (id int)")
        .await
        .unwrap();
    let server = pgdrift::pg::ConnInfo {
        password: None,
        ..admin.clone()
    }
    .to_string();
    let pattern = format!("{prefix}*");
    let out = pgdrift(&[
        "migrate",
        "apply",
        "--dir",
        dir.path().to_str().unwrap(),
        "--server",
        &server,
        "--databases",
        &pattern,
        "--jobs",
        "8",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("50 databases"), "{t}");
    assert!(
        t.contains("49 ok (147 migrations applied), 1 failed"),
        "{t}"
    );
    assert!(
        t.contains(&format!("✗ {prefix}17: migration 003_notes.sql failed")),
        "{t}"
    );
    assert_eq!(t.matches("✓ ").count(), 49, "{t}");
    for i in 0..50 {
        let db = admin.with_dbname(&format!("{prefix}{i:02}"));
        let c = pgdrift::pg::connect(&db).await.unwrap();
        let n: i64 = c
            .client
            .query_one("SELECT count(*) FROM pgdrift.migrations", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(n, if i == 17 { 2 } else { 3 }, "tenant {i}");
    }
    // Once fixed, a second run finishes the broken tenant and leaves the others alone.
    broken
        .client
        .batch_execute("DROP TABLE notes")
        .await
        .unwrap();
    let out = pgdrift(&[
        "migrate",
        "apply",
        "--dir",
        dir.path().to_str().unwrap(),
        "--server",
        &server,
        "--databases",
        &pattern,
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ran: Vec<usize> = v["databases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["report"]["ran"].as_array().unwrap().len())
        .collect();
    assert_eq!(ran.iter().sum::<usize>(), 1);
    assert_eq!(ran[17], 1);
    drop(broken);
    for i in 0..50 {
        let _ = conn
            .client
            .batch_execute(&format!("DROP DATABASE IF EXISTS {prefix}{i:02}"))
            .await;
    }
}

/// The whole story: legacy tenant databases managed by dbmate (18 of 26 files applied) —
/// `history` names the tool and what was never applied, `baseline` adopts pgdrift with
/// evidence, one `apply` brings every tenant up to date.
#[tokio::test]
async fn a_legacy_fleet_is_adopted_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let mut legacy_sql =
        String::from("CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);\n");
    for i in 1..=26 {
        let stamp = format!("202508{i:02}120000");
        std::fs::write(
            dir.path().join(format!("{stamp}_t{i:02}.sql")),
            format!("-- migrate:up\nCREATE TABLE t{i:02} (id int PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE t{i:02};\n"),
        )
        .unwrap();
        if i <= 18 {
            legacy_sql.push_str(&format!(
                "CREATE TABLE t{i:02} (id int PRIMARY KEY);\nINSERT INTO schema_migrations VALUES ('{stamp}');\n"
            ));
        }
    }
    let tenants = [
        TestDb::with_sql(&legacy_sql).await,
        TestDb::with_sql(&legacy_sql).await,
        TestDb::with_sql(&legacy_sql).await,
    ];
    let d = dir.path().to_str().unwrap();

    let url = tenants[0].url();
    let out = pgdrift(&["migrate", "history", "--url", &url, "--dir", d]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("dbmate (public.schema_migrations) manages this database: 18 applied"),
        "{t}"
    );
    assert!(
        t.contains("never applied (8): 20250819120000_t19.sql"),
        "{t}"
    );

    for db in &tenants {
        let url = db.url();
        let out = pgdrift(&[
            "migrate",
            "baseline",
            "--url",
            &url,
            "--dir",
            d,
            "--version",
            "20250818120000",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(
            text(&out).contains("recorded 18 migration(s)"),
            "{}",
            text(&out)
        );
    }
    let mut args = vec!["migrate", "apply", "--dir", d];
    let urls: Vec<String> = tenants.iter().map(TestDb::url).collect();
    for u in &urls {
        args.extend(["--url", u.as_str()]);
    }
    let out = pgdrift(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("3 databases"), "{}", text(&out));
    assert!(
        text(&out).contains("3 ok (24 migrations applied)"),
        "{}",
        text(&out)
    );
    for db in &tenants {
        assert!(table_exists(db, "t26").await);
    }
    let elsewhere = tempfile::tempdir().unwrap();
    let list = elsewhere.path().join("tenants.txt");
    std::fs::write(&list, format!("# every tenant\n{}\n", urls.join("\n"))).unwrap();
    let status = pgdrift(&[
        "migrate",
        "status",
        "--urls-from",
        list.to_str().unwrap(),
        "--dir",
        d,
    ]);
    assert_eq!(status.status.code(), Some(0), "{}", text(&status));
    assert_eq!(
        text(&status).matches("26 migrations, 26 applied").count(),
        3,
        "{}",
        text(&status)
    );
}

/// A file an editor saved with a byte order mark runs, replays and compares like any other.
#[tokio::test]
async fn a_file_with_a_byte_order_mark_applies_and_replays() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("001_init.sql"),
        "\u{feff}CREATE TABLE t (id int PRIMARY KEY);\n",
    )
    .unwrap();
    let db = TestDb::new().await;
    let out = apply(dir.path(), &db, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(recorded(&db).await, ["001_init.sql"]);
    let out = pgdrift(&[
        "diff",
        &db.url(),
        dir.path().to_str().unwrap(),
        "-f",
        "text",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}
