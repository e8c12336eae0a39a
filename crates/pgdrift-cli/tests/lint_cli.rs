//! `pgdrift lint SOURCE`: every schema and statistics rule on a live database, each with a
//! near miss that must stay silent; suppressions in comments and their errors; `[lint]`
//! configuration and `--rule`; exit codes; locations in a migrations directory.

mod common;

use pgdrift::testing::TestDb;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

const LIVE: &str = include_str!("fixtures/lint/live.sql");

fn lint(dir: Option<&Path>, args: &[&str]) -> Output {
    let mut all = vec!["lint"];
    all.extend_from_slice(args);
    common::pgdrift_in(dir, &all)
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", common::text(out)))
}

/// `CODE object` for every finding, sorted.
fn found(report: &Value) -> Vec<String> {
    let mut out: Vec<String> = (report["findings"].as_array().unwrap().iter())
        .map(|f| {
            format!(
                "{} {}",
                f["code"].as_str().unwrap(),
                f["object"]["name"].as_str().unwrap_or("-")
            )
        })
        .collect();
    out.sort();
    out
}

/// A live database with the fixture, plus an index left invalid by a failed concurrent build.
async fn live_db() -> TestDb {
    let db = TestDb::with_sql(LIVE).await;
    db.execute("INSERT INTO app.no_key VALUES (1), (1)").await;
    let conn = db.connect().await;
    let failed = conn
        .client
        .batch_execute("CREATE UNIQUE INDEX CONCURRENTLY no_key_a ON app.no_key (a)")
        .await;
    assert!(failed.is_err(), "the duplicate rows must fail the build");
    db
}

const EXPECTED: &[&str] = &[
    "PL101 app.no_key",
    "PL101 app.nullable_unique",
    "PL102 app.natural_key",
    "PL103 app.orders.orders_shipper_id_fkey",
    "PL104 app.notes.customer_id",
    "PL105 app.orders.orders_id_positive",
    "PL106 app.reviews.customer_id",
    "PL201 app.no_key_a",
    "PL202 app.orders_placed_b",
    "PL203 app.orders_customer",
    "PL205 app.customers_active",
    "PL301 app.events.created_at",
    "PL302 app.events.updated_at",
    "PL303 app.events.happened",
    "PL401 app.almost_out",
    "PL402 app.next_ticket()",
    "PL403 app.report()",
    "PL501 app.legacy.country",
    "PL502 app.legacy.price",
    "PL503 app.legacy.id",
    "PL504 app.legacy.payload",
    "PL505 app.counters.id",
    "PL601 app.locked",
    "PL602 app.loose",
    "PL603 app.shared.shared_write",
    "PL604 app.elevate()",
];

#[tokio::test]
async fn each_rule_reports_its_defect_and_not_the_near_miss() {
    let db = live_db().await;
    let url = db.url();
    let out = lint(None, &[&url, "-s", "app", "-f", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", common::text(&out));
    let report = json(&out);
    assert_eq!(report["format_version"], 1);
    assert_eq!(found(&report), EXPECTED);
    assert_eq!(report["skipped"], serde_json::json!([]));
    // Worst first.
    let severities: Vec<&str> = (report["findings"].as_array().unwrap().iter())
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    let rank = |s: &str| {
        ["error", "warning", "info"]
            .iter()
            .position(|x| *x == s)
            .unwrap()
    };
    assert!(
        severities.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "{severities:?}"
    );
    // Messages name the object and what is wrong; fixes are statements.
    let shipper = (report["findings"].as_array().unwrap().iter())
        .find(|f| f["code"] == "PL103")
        .unwrap();
    assert!(shipper["message"].as_str().unwrap().contains("shipper_id"));
    assert_eq!(
        shipper["fix"],
        "CREATE INDEX CONCURRENTLY ON app.orders (shipper_id);"
    );
    assert_eq!(shipper["location"]["database"], db.name());
}

#[tokio::test]
async fn text_output_lists_worst_first_and_counts() {
    let db = live_db().await;
    let url = db.url();
    let out = lint(None, &[&url, "-s", "app"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("error"), "{text}");
    assert!(text.contains("PL103"), "{text}");
    assert!(text.trim_end().ends_with("rules)"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colors when not on a terminal");
}

#[tokio::test]
async fn comments_silence_rules_and_a_bad_marker_is_an_error() {
    let db = live_db().await;
    db.execute(
        "COMMENT ON TABLE app.no_key IS 'import buffer pgdrift:ignore PL101, PL201 kept by the importer';
         COMMENT ON COLUMN app.events.happened IS 'pgdrift:ignore timestamp-without-time-zone local time on purpose'",
    )
    .await;
    let url = db.url();
    let out = lint(None, &[&url, "-s", "app", "-f", "json"]);
    let listed = found(&json(&out));
    assert!(
        !listed.contains(&"PL101 app.no_key".to_string()),
        "{listed:?}"
    );
    assert!(!listed.contains(&"PL303 app.events.happened".to_string()));
    // PL201 is about the index, whose comment says nothing: still reported.
    assert!(
        listed.contains(&"PL201 app.no_key_a".to_string()),
        "{listed:?}"
    );
    assert!(listed.contains(&"PL101 app.nullable_unique".to_string()));

    db.execute("COMMENT ON TABLE app.loose IS 'pgdrift:ignore PL999 typo'")
        .await;
    let out = lint(None, &[&url, "-s", "app"]);
    assert_eq!(out.status.code(), Some(2), "{}", common::text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("comment on table app.loose") && err.contains("PL999"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[tokio::test]
async fn configuration_and_flags_change_levels_and_leave_objects_out() {
    let db = live_db().await;
    let url = db.url();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pgdrift.toml"),
        "[lint]\nignore = [\"app.legacy*\"]\nrules = { PL303 = \"off\", \"foreign-key-without-index\" = \"error\" }\n",
    )
    .unwrap();
    let out = lint(Some(dir.path()), &[&url, "-s", "app", "-f", "json"]);
    let report = json(&out);
    let listed = found(&report);
    assert!(!listed.iter().any(|f| f.starts_with("PL303")), "{listed:?}");
    assert!(
        !listed.iter().any(|f| f.contains("app.legacy")),
        "{listed:?}"
    );
    let fk = (report["findings"].as_array().unwrap().iter())
        .find(|f| f["code"] == "PL103")
        .unwrap();
    assert_eq!(fk["severity"], "error");

    // Only an info finding left: exit 0 under the default --fail-on warning, 1 under info.
    let rules: Vec<String> = (RULE_CODES.iter())
        .filter(|r| **r != "PL106")
        .map(|r| format!("{r}=off"))
        .collect();
    let mut off: Vec<&str> = vec![url.as_str(), "-s", "app"];
    for r in &rules {
        off.extend(["--rule", r.as_str()]);
    }
    let out = lint(None, &off);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out));
    off.extend(["--fail-on", "info"]);
    let out = lint(None, &off);
    assert_eq!(out.status.code(), Some(1), "{}", common::text(&out));

    let out = lint(None, &[&url, "--rule", "PL999=off"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::text(&out).contains("PL999"));
    std::fs::write(
        dir.path().join("pgdrift.toml"),
        "[lint]\nrules = { PL101 = \"loud\" }\n",
    )
    .unwrap();
    let out = lint(Some(dir.path()), &[&url]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::text(&out).contains("rules.PL101"),
        "{}",
        common::text(&out)
    );
}

const RULE_CODES: &[&str] = &[
    "PL101", "PL102", "PL103", "PL104", "PL105", "PL106", "PL201", "PL202", "PL203", "PL204",
    "PL205", "PL301", "PL302", "PL303", "PL401", "PL402", "PL403", "PL501", "PL502", "PL503",
    "PL504", "PL505", "PL601", "PL602", "PL603", "PL604", "PL605",
];

#[test]
fn files_point_at_the_migration_that_created_the_object_and_skip_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("migrations");
    std::fs::create_dir(&m).unwrap();
    std::fs::write(
        m.join("001_users.sql"),
        "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n",
    )
    .unwrap();
    std::fs::write(
        m.join("002_orders.sql"),
        "-- orders\n\nCREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  user_id bigint NOT NULL REFERENCES users\n);\n",
    )
    .unwrap();
    let out = lint(Some(dir.path()), &["migrations", "-f", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", common::text(&out));
    let report = json(&out);
    assert_eq!(found(&report), ["PL103 public.orders.orders_user_id_fkey"]);
    let f = &report["findings"][0];
    assert!(
        f["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with("002_orders.sql"),
        "{f}"
    );
    assert_eq!(f["location"]["line"], 3);
    let skipped: Vec<&str> = (report["skipped"].as_array().unwrap().iter())
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["PL204", "PL401", "PL505"]);
}

#[test]
fn the_rule_list_and_help_come_from_the_table() {
    let out = lint(None, &["--rules"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for code in RULE_CODES {
        assert!(text.contains(code), "{code} missing from --rules");
    }
    let out = lint(None, &["--explain", "foreign-key-without-index"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("PL103 foreign-key-without-index"));
    let out = lint(None, &["--explain", "PL000"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Scans of `index` as the statistics report them.
async fn scans(db: &TestDb, index: &str) -> i64 {
    let sql =
        format!("SELECT idx_scan::text FROM pg_stat_user_indexes WHERE indexrelname = '{index}'");
    db.strings(&sql).await[0].parse().unwrap()
}

#[tokio::test]
async fn an_index_no_query_scanned_is_unused_once_the_window_is_long_enough() {
    let db = TestDb::with_sql(
        "CREATE TABLE t (id bigint PRIMARY KEY, a int, b int);
         CREATE INDEX t_a ON t (a);
         CREATE INDEX t_b ON t (b);
         INSERT INTO t SELECT g, g, g FROM generate_series(1, 100) g;
         ANALYZE t;",
    )
    .await;
    db.execute("SET enable_seqscan = off; SELECT count(*) FROM t WHERE a = 5;")
        .await;
    // The statistics of older servers arrive a little later.
    for _ in 0..100 {
        if scans(&db, "t_a").await > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(scans(&db, "t_a").await > 0, "the query must have used t_a");
    let url = db.url();
    let dir = tempfile::tempdir().unwrap();
    // A fresh server's statistics cover less than the default 7 days: nothing is unused yet.
    let out = lint(Some(dir.path()), &[&url, "-f", "json"]);
    assert_eq!(found(&json(&out)), Vec::<String>::new());
    std::fs::write(
        dir.path().join("pgdrift.toml"),
        "[lint.options]\nunused_index_days = 0\n",
    )
    .unwrap();
    let out = lint(Some(dir.path()), &[&url, "-f", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "PL204 is info: {}",
        common::text(&out)
    );
    assert_eq!(found(&json(&out)), ["PL204 public.t_b"]);
}

#[tokio::test]
async fn tracking_tables_and_extensions_have_their_own_rules() {
    let db = TestDb::with_sql(
        "CREATE TABLE schema_migrations (version varchar(128) NOT NULL);
         CREATE TABLE app_log (line text);",
    )
    .await;
    let available = db
        .strings("SELECT count(*)::text FROM pg_available_extensions WHERE name = 'citext'")
        .await;
    let url = db.url();
    let out = lint(None, &[&url, "-f", "json"]);
    let mut expected = vec!["PL101 public.app_log".to_string()];
    if available[0] == "1" {
        db.execute("CREATE EXTENSION citext SCHEMA public").await;
        expected.push("PL605 citext".to_string());
    }
    let out = if available[0] == "1" {
        lint(None, &[&url, "-f", "json"])
    } else {
        out
    };
    // A migration tool's tracking table is the tool's business: no PL101 for it.
    assert_eq!(found(&json(&out)), expected);
}

#[tokio::test]
async fn a_sequence_at_its_end_feeding_an_integer_key_is_reported_once() {
    let db = TestDb::with_sql(
        "CREATE TABLE c (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);
         SELECT setval(pg_get_serial_sequence('c', 'id'), 2100000000);",
    )
    .await;
    let url = db.url();
    let out = lint(None, &[&url, "-f", "json"]);
    assert_eq!(found(&json(&out)), ["PL401 public.c_id_seq"]);
}
