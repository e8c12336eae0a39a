//! `pgdrift investigate` beyond one database's own statistics: those of its replicas, and
//! the statements of pg_stat_statements.
//!
//! A replica keeps statistics of its own; here a second database on the test server, with
//! the same table, stands in for one (a physical replica needs a second server and
//! replication, while only the counters, read by schema and name, matter). pg_stat_statements
//! needs `shared_preload_libraries`, which the shared test server leaves empty: its tests run
//! on a private server started with the library loaded, and the "absent" and "not loaded"
//! paths on the shared one.

mod common;

use pgdrift::pg::embedded::{EmbeddedOptions, EmbeddedServer, PgBinaries};
use pgdrift::pg::{connect, ConnInfo};
use pgdrift::testing::TestDb;
use serde_json::Value;
use std::process::Output;
use std::sync::OnceLock;
use std::time::Duration;

fn run(args: &[&str]) -> Output {
    common::pgdrift_in(None, args)
}

fn json(out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {}", common::text(out)))
}

fn object<'a>(inv: &'a Value, name: &str) -> &'a Value {
    (inv["objects"].as_array().unwrap().iter())
        .find(|o| o["object"] == name)
        .unwrap_or_else(|| panic!("{name} in {inv:#}"))
}

/// Scans `table` in `db` and waits until its statistics show the scan (they are flushed
/// asynchronously: by the collector before 15, at the end of a transaction since).
async fn scan_and_wait(db: &TestDb, table: &str) {
    let conn = db.connect().await;
    let scan = format!("SELECT count(*) FROM {table}");
    conn.client.batch_execute(&scan).await.unwrap();
    if conn.version.major() >= 15 {
        conn.client
            .batch_execute("SELECT pg_stat_force_next_flush()")
            .await
            .unwrap();
        conn.client.batch_execute(&scan).await.unwrap();
    }
    drop(conn);
    wait_for(db, table, "seq_scan").await;
}

/// Waits until the statistics counter `column` of `table` in `db` is not zero.
async fn wait_for(db: &TestDb, table: &str, column: &str) {
    let (schema, name) = table.split_once('.').unwrap();
    let probe = format!(
        "SELECT {column}::text FROM pg_stat_user_tables WHERE schemaname = '{schema}' AND relname = '{name}'"
    );
    for _ in 0..100 {
        if db.strings(&probe).await.first().is_some_and(|n| n != "0") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{column} of {table} stayed 0 in the statistics");
}

#[tokio::test]
async fn a_table_read_only_on_a_replica_is_in_use_and_the_reason_names_the_replica() {
    let schema = "CREATE SCHEMA app; CREATE TABLE app.reports (id int);";
    let primary = TestDb::with_sql(schema).await;
    let replica = TestDb::with_sql(schema).await;
    scan_and_wait(&replica, "app.reports").await;
    let (p, r) = (primary.url(), replica.url());
    // Without counting: a count is a scan, which the next run would see.
    let alone = [
        "investigate",
        &p,
        "app.reports",
        "--count-timeout",
        "0",
        "-f",
        "json",
    ];
    let alone = json(&run(&alone));
    let alone = object(&alone, "app.reports");
    assert_ne!(alone["verdict"]["state"], "in_use", "{alone:#}");
    assert!(alone.get("activity_by_instance").is_none(), "{alone:#}");
    let out = run(&[
        "investigate",
        &p,
        "app.reports",
        "--replica",
        &r,
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", common::text(&out));
    let inv = json(&out);
    let o = object(&inv, "app.reports");
    let by = o["activity_by_instance"].as_array().unwrap();
    assert_eq!(by.len(), 2, "{o:#}");
    assert_eq!(
        (by[0]["role"].as_str(), by[1]["role"].as_str()),
        (Some("primary"), Some("replica"))
    );
    assert_eq!(by[0]["instance"], inv["database"]);
    assert_eq!(by[0]["activity"]["seq_scan"], 0);
    assert!(
        by[1]["instance"].as_str().unwrap().contains(replica.name()),
        "{o:#}"
    );
    assert!(
        by[1]["activity"]["seq_scan"].as_i64().unwrap() >= 1,
        "{o:#}"
    );
    assert_eq!(o["verdict"]["state"], "in_use", "{o:#}");
    let reasons = o["verdict"]["reasons"].to_string();
    assert!(
        reasons.contains("scan(s)")
            && reasons.contains("on replica")
            && reasons.contains(replica.name()),
        "{reasons}"
    );
    let text = common::text(&run(&["investigate", &p, "app.reports", "--replica", &r]));
    assert!(
        text.contains("  instances primary ") && text.contains("            replica "),
        "{text}"
    );
}

#[tokio::test]
async fn a_replica_that_cannot_be_reached_is_missing_evidence_not_an_error() {
    let primary = TestDb::with_sql("CREATE TABLE t (id int);").await;
    let down = "postgres://u:hunter2secret@127.0.0.1:1/db";
    let out = run(&[
        "investigate",
        &primary.url(),
        "t",
        "--replica",
        down,
        "-f",
        "json",
    ]);
    let all = common::text(&out);
    assert_ne!(out.status.code(), Some(2), "{all}");
    assert!(!all.contains("hunter2secret"), "{all}");
    let inv = json(&out);
    let o = object(&inv, "public.t");
    assert!(o["activity_by_instance"][1]["error"].is_string(), "{o:#}");
    let missing = o["verdict"]["missing"].to_string();
    assert!(
        missing.contains("replica postgresql://u:***@127.0.0.1:1/db could not be read"),
        "{missing}"
    );
    assert_ne!(o["verdict"]["state"], "unused");
}

#[tokio::test]
async fn without_pg_stat_statements_the_verdict_says_so() {
    let db = TestDb::with_sql("CREATE TABLE t (id int);").await;
    let inv = json(&run(&["investigate", &db.url(), "t", "-f", "json"]));
    let o = object(&inv, "public.t");
    let why = o["statements"]["unavailable"].as_str().unwrap();
    assert!(why.contains("pg_stat_statements is not installed"), "{why}");
    assert!(o["verdict"]["missing"]
        .to_string()
        .contains("pg_stat_statements is not installed"));
    // Installed but not loaded (the shared test server preloads nothing): unreadable.
    db.execute("CREATE EXTENSION pg_stat_statements").await;
    let inv = json(&run(&["investigate", &db.url(), "t", "-f", "json"]));
    let why = object(&inv, "public.t")["statements"]["unavailable"].to_string();
    assert!(
        why.contains("is installed") && why.contains("cannot be read"),
        "{why}"
    );
}

/// A private server with pg_stat_statements loaded, as the shared one is not.
fn statements_server() -> &'static EmbeddedServer {
    static SERVER: OnceLock<EmbeddedServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        let options = EmbeddedOptions {
            settings: vec!["shared_preload_libraries=pg_stat_statements".into()],
            ..EmbeddedOptions::default()
        };
        EmbeddedServer::start_with_options(PgBinaries::locate().unwrap(), &options).unwrap()
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn statements_that_name_a_table_are_listed_and_count_as_use() {
    let server = tokio::task::spawn_blocking(statements_server)
        .await
        .unwrap();
    let admin = connect::connect(&server.conninfo("postgres"))
        .await
        .unwrap();
    admin
        .client
        .batch_execute("CREATE DATABASE stmts")
        .await
        .unwrap();
    let info: ConnInfo = server.conninfo("stmts");
    let conn = connect::connect(&info).await.unwrap();
    conn.client
        .batch_execute(
            "CREATE EXTENSION pg_stat_statements;
             CREATE SCHEMA app;
             CREATE TABLE app.orders (id int, note text);
             CREATE TABLE app.orders_archive (id int);
             CREATE TABLE app.quiet (id int);",
        )
        .await
        .unwrap();
    for id in 1..=3 {
        let q = format!("SELECT * FROM app.orders WHERE id = {id}");
        conn.client.batch_execute(&q).await.unwrap();
    }
    conn.client
        .batch_execute("SELECT * FROM app.orders_archive")
        .await
        .unwrap();
    let url = info.to_string();
    let args = ["investigate", &url, "app.*", "-f", "json"];
    // Twice: the counts of the first run must not show as use in the second.
    let _ = run(&args);
    let inv = json(&run(&args));
    let orders = object(&inv, "app.orders");
    let s = &orders["statements"];
    assert_eq!(
        (s["statements"].as_i64(), s["calls"].as_i64()),
        (Some(1), Some(3)),
        "{orders:#}"
    );
    assert_eq!(
        s["top"][0]["query"],
        "SELECT * FROM app.orders WHERE id = $1"
    );
    assert!(s["top"][0]["total_ms"].as_f64().is_some());
    assert_eq!(orders["verdict"]["state"], "in_use");
    assert!(
        orders["verdict"]["reasons"]
            .to_string()
            .contains("3 call(s) of 1 statement(s) in pg_stat_statements"),
        "{orders:#}"
    );
    let archive = &object(&inv, "app.orders_archive")["statements"];
    assert_eq!(
        archive["top"][0]["query"], "SELECT * FROM app.orders_archive",
        "{archive:#}"
    );
    let quiet = object(&inv, "app.quiet");
    assert_eq!(quiet["statements"]["statements"], 0, "{quiet:#}");
    assert!(quiet["verdict"]["missing"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| !m.as_str().unwrap().contains("pg_stat_statements")));
    let md = String::from_utf8_lossy(
        &run(&["investigate", &url, "app.orders", "-f", "markdown"]).stdout,
    )
    .into_owned();
    assert!(
        md.contains("- [ ] No statement calls it: 1 statement(s)") && md.contains("| 3 |"),
        "{md}"
    );
}
