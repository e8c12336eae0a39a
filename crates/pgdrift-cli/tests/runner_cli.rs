//! The migration runner under fault drills: concurrent runners over files that build indexes
//! concurrently (waiting for the lock must not hold a snapshot), and the INVALID index a
//! failed or killed `CREATE INDEX CONCURRENTLY` leaves behind (never recorded as applied,
//! reported by `status`, rebuilt by the next run or named with the command that fixes it).

mod common;

use common::text;
use pgdrift::testing::TestDb;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, sql) in files {
        std::fs::write(dir.join(name), sql).unwrap();
    }
}

fn migrate(command: &str, dir: &Path, db: &TestDb) -> Output {
    let url = db.url();
    common::pgdrift_in(
        None,
        &[
            "migrate",
            command,
            "--dir",
            dir.to_str().unwrap(),
            "--url",
            &url,
        ],
    )
}

async fn recorded(db: &TestDb) -> Vec<String> {
    db.strings("SELECT version FROM pgdrift.migrations ORDER BY version")
        .await
}

async fn invalid_indexes(db: &TestDb) -> Vec<String> {
    db.strings("SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid ORDER BY 1")
        .await
}

/// Files that build indexes concurrently, between ordinary ones; each logs that it ran.
fn concurrent_index_files() -> Vec<(String, String)> {
    let outside = |v: &str, index: &str| {
        format!(
            "-- pgdrift:no-transaction\nINSERT INTO runs VALUES ('{v}');\n{index};\n\
             INSERT INTO runs VALUES ('{v}-end');\n"
        )
    };
    let inside = |v: &str| {
        format!("INSERT INTO runs VALUES ('{v}');\nSELECT pg_sleep(0.05);\nCREATE TABLE t{v} ();\n")
    };
    vec![
        (
            "000_setup.sql".into(),
            "CREATE TABLE runs (version text NOT NULL);\n\
             CREATE TABLE items (id int, v int);\n\
             INSERT INTO items SELECT i, i % 7 FROM generate_series(1, 2000) i;\n"
                .into(),
        ),
        (
            "001_index.sql".into(),
            outside("001", "CREATE INDEX CONCURRENTLY items_v ON items (v)"),
        ),
        ("002_step.sql".into(), inside("002")),
        (
            "003_index.sql".into(),
            outside(
                "003",
                "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS items_id ON items (id)",
            ),
        ),
        ("004_step.sql".into(), inside("004")),
        (
            "005_index.sql".into(),
            outside(
                "005",
                "CREATE INDEX CONCURRENTLY items_v_id ON items (v, id)",
            ),
        ),
    ]
}

/// Eight runners at once, five times over: every file runs exactly once, every runner
/// succeeds, and no index is left INVALID.
#[tokio::test]
async fn concurrent_runners_and_create_index_concurrently_do_not_deadlock() {
    let dir = tempfile::tempdir().unwrap();
    let files = concurrent_index_files();
    for (name, sql) in &files {
        std::fs::write(dir.path().join(name), sql).unwrap();
    }
    let d = dir.path().to_str().unwrap().to_string();
    for round in 1..=5 {
        let db = TestDb::new().await;
        let url = db.url();
        let children: Vec<_> = (0..8)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_pgdrift"))
                    .args(["migrate", "apply", "--dir", &d, "--url", &url])
                    .args(["--lock-wait", "120"])
                    .env("NO_COLOR", "1")
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert_eq!(out.status.code(), Some(0), "round {round}: {}", text(&out));
        }
        let counts = db
            .strings(
                "SELECT version || '=' || count(*) FROM runs GROUP BY version ORDER BY version",
            )
            .await;
        let expected = [
            "001", "001-end", "002", "003", "003-end", "004", "005", "005-end",
        ]
        .map(|v| format!("{v}=1"));
        assert_eq!(counts, expected, "round {round}");
        assert_eq!(recorded(&db).await.len(), files.len(), "round {round}");
        assert!(invalid_indexes(&db).await.is_empty(), "round {round}");
    }
}

/// A unique index built concurrently over duplicates fails and leaves an INVALID index.
/// `status` reports it; once the data is fixed, the next run drops and rebuilds it instead
/// of skipping it (`IF NOT EXISTS`) and recording the file with the index still invalid.
#[tokio::test]
async fn an_invalid_index_is_reported_then_rebuilt_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("001_t.sql", "CREATE TABLE t (a int, b int);\nINSERT INTO t VALUES (1, 1), (1, 1);\n"),
            (
                "002_unique.sql",
                "-- pgdrift:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_a ON t (a);\n",
            ),
        ],
    );
    let db = TestDb::new().await;
    let out = migrate("apply", dir.path(), &db);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert_eq!(recorded(&db).await, ["001_t.sql"]);
    assert_eq!(invalid_indexes(&db).await, ["t_a"]);

    let status = migrate("status", dir.path(), &db);
    assert_eq!(status.status.code(), Some(1), "{}", text(&status));
    let t = text(&status);
    assert!(t.contains("INVALID index public.t_a"), "{t}");
    assert!(
        t.contains("DROP INDEX CONCURRENTLY IF EXISTS public.t_a"),
        "{t}"
    );
    let url = db.url();
    let d = dir.path().to_str().unwrap();
    let json = common::pgdrift_in(
        None,
        &["migrate", "status", "--dir", d, "--url", &url, "-f", "json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let invalid = &v["databases"][0]["invalid_indexes"];
    assert_eq!(
        invalid,
        &serde_json::json!([{"schema": "public", "name": "t_a", "table": "t"}])
    );

    db.execute("DELETE FROM t WHERE ctid <> (SELECT min(ctid) FROM t)")
        .await;
    let out = migrate("apply", dir.path(), &db);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("rebuilt INVALID index public.t_a"),
        "{}",
        text(&out)
    );
    assert!(invalid_indexes(&db).await.is_empty());
    assert_eq!(recorded(&db).await, ["001_t.sql", "002_unique.sql"]);
    let status = migrate("status", dir.path(), &db);
    assert_eq!(status.status.code(), Some(0), "{}", text(&status));
}

/// A file run in a transaction cannot rebuild an index concurrently: when the index it
/// creates `IF NOT EXISTS` is INVALID, nothing is recorded and the error gives the command.
#[tokio::test]
async fn a_file_whose_index_stays_invalid_is_not_recorded() {
    let db = TestDb::with_sql("CREATE TABLE t (b int);\nINSERT INTO t VALUES (2), (2);\n").await;
    let conn = db.connect().await;
    let failed = conn
        .client
        .batch_execute("CREATE UNIQUE INDEX CONCURRENTLY t_b ON t (b)")
        .await;
    assert!(failed.is_err(), "the duplicates make it fail");
    assert_eq!(invalid_indexes(&db).await, ["t_b"]);
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "001_b.sql",
            "CREATE INDEX IF NOT EXISTS t_b ON t (b);\nCREATE TABLE after_b ();\n",
        )],
    );
    let out = migrate("apply", dir.path(), &db);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("INVALID index public.t_b"), "{t}");
    assert!(
        t.contains("DROP INDEX CONCURRENTLY IF EXISTS public.t_b"),
        "{t}"
    );
    assert!(recorded(&db).await.is_empty());
    assert_eq!(
        db.strings("SELECT coalesce(to_regclass('after_b')::text, '-')")
            .await,
        ["-"]
    );
}

/// The runner is killed while `CREATE INDEX CONCURRENTLY` waits for an old snapshot; its
/// backend is terminated as the server does with a dead client. The index stays INVALID:
/// `status` says so, and the next run rebuilds it and records the file once.
#[tokio::test]
async fn a_killed_create_index_concurrently_is_rebuilt_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "001_t.sql",
                "CREATE TABLE k (a int);\nINSERT INTO k SELECT generate_series(1, 100);\n",
            ),
            (
                "002_index.sql",
                "-- pgdrift:no-transaction\nCREATE INDEX CONCURRENTLY k_a ON k (a);\n",
            ),
        ],
    );
    let db = TestDb::new().await;
    let url = db.url();
    let d = dir.path().to_str().unwrap();
    let out = common::pgdrift_in(
        None,
        &["migrate", "apply", "--dir", d, "--url", &url, "--to", "001"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // An old snapshot makes the index build wait once its catalog entry exists.
    let holder = db.connect().await;
    holder
        .client
        .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM k")
        .await
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pgdrift"))
        .args(["migrate", "apply", "--dir", d, "--url", &url])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let watcher = db.connect().await;
    let pid = wait_for_waiting_index_build(&watcher, &db).await;
    child.kill().unwrap();
    child.wait().unwrap();
    watcher
        .client
        .execute("SELECT pg_terminate_backend($1)", &[&pid])
        .await
        .unwrap();
    holder.client.batch_execute("COMMIT").await.unwrap();
    assert_eq!(invalid_indexes(&db).await, ["k_a"]);
    assert_eq!(recorded(&db).await, ["001_t.sql"]);

    let status = migrate("status", dir.path(), &db);
    assert_eq!(status.status.code(), Some(1), "{}", text(&status));
    assert!(
        text(&status).contains("INVALID index public.k_a"),
        "{}",
        text(&status)
    );
    let out = migrate("apply", dir.path(), &db);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(invalid_indexes(&db).await.is_empty());
    assert_eq!(recorded(&db).await, ["001_t.sql", "002_index.sql"]);
}

/// The pid of the backend building `k_a`, once it waits for older snapshots.
async fn wait_for_waiting_index_build(conn: &pgdrift::pg::Connection, db: &TestDb) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let row = conn
            .client
            .query_opt(
                "SELECT pid FROM pg_stat_activity WHERE datname = $1
                   AND query LIKE 'CREATE INDEX CONCURRENTLY k_a%' AND wait_event_type = 'Lock'",
                &[&db.name()],
            )
            .await
            .unwrap();
        if let Some(row) = row {
            return row.get(0);
        }
        assert!(Instant::now() < deadline, "the index build never waited");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
