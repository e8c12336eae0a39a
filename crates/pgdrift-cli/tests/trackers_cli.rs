//! Living beside other migration tools, as a user meets it: a database migrated by pgdrift
//! compares clean with its directory in every format (the tracking table is not drift and
//! is never dropped), other tools' and homegrown trackers are left out of `diff`, a data
//! table that only reads like a log is still compared, `migrate apply` refuses a database
//! another tool manages and writes nothing, and `migrate history` names the files a
//! homegrown runner never applied.

mod common;

use common::text;
use pgdrift::testing::TestDb;
use std::path::{Path, PathBuf};
use std::process::Output;

fn pgdrift(args: &[&str]) -> Output {
    common::pgdrift_in(None, args)
}

fn fixture_dir(format: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../pgdrift/tests/fixtures/migrations")
        .join(format)
}

/// The lines of a SQL script that are not comments.
fn live_sql(script: &str) -> String {
    script
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn names(db: &TestDb, sql: &str) -> Vec<String> {
    db.connect()
        .await
        .client
        .query(sql, &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[tokio::test]
async fn apply_then_diff_is_clean_for_every_directory_format() {
    for format in ["plain", "flyway", "up-down", "dbmate", "prisma", "drizzle"] {
        let dir = fixture_dir(format);
        let d = dir.to_str().unwrap();
        let db = TestDb::new().await;
        let url = db.url();
        let applied = pgdrift(&["migrate", "apply", "--url", &url, "--dir", d]);
        assert_eq!(
            applied.status.code(),
            Some(0),
            "{format}: {}",
            text(&applied)
        );
        let out = pgdrift(&["diff", &url, d, "-f", "text"]);
        let t = text(&out);
        assert_eq!(out.status.code(), Some(0), "{format}: {t}");
        assert!(t.contains("No differences."), "{format}: {t}");
        assert!(
            t.contains("1 tracking table not compared (pgdrift.migrations of pgdrift)"),
            "{format}: {t}"
        );
        // Compared on request, the tracking table is drift, but no plan ever drops it.
        let out = pgdrift(&[
            "diff",
            &url,
            d,
            "--include-trackers",
            "--allow-destructive",
            "-f",
            "sql",
        ]);
        let script = String::from_utf8_lossy(&out.stdout).to_string();
        assert_eq!(out.status.code(), Some(1), "{format}: {}", text(&out));
        let live = live_sql(&script).to_lowercase();
        assert!(
            !live.contains("drop table") && !live.contains("drop schema"),
            "{format}: {script}"
        );
        assert!(script.contains("pgdrift.migrations"), "{format}: {script}");
    }
}

#[tokio::test]
async fn other_tools_trackers_are_not_drift_and_data_tables_still_are() {
    let db = TestDb::with_sql(
        "CREATE TABLE accounts (id bigint PRIMARY KEY);
         CREATE SCHEMA drizzle;
         CREATE TABLE drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);
         INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('x', 1767571200000);
         CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);
         CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text, applied_at timestamptz);
         CREATE TABLE price_history (version integer, price numeric(12,2));",
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let desired = dir.path().join("schema.sql");
    std::fs::write(
        &desired,
        "CREATE TABLE accounts (id bigint PRIMARY KEY);\n\
         CREATE TABLE price_history (version integer, price numeric(12,2));\n",
    )
    .unwrap();
    let url = db.url();
    let d = desired.to_str().unwrap();
    let out = pgdrift(&["diff", &url, d, "-f", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let left_out: Vec<(&str, &str)> = json["trackers_left_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["table"].as_str().unwrap(), t["tool"].as_str().unwrap()))
        .collect();
    assert_eq!(
        left_out,
        [
            ("drizzle.__drizzle_migrations", "drizzle"),
            ("public.alembic_version", "alembic"),
            ("public.schema_migrations", "homegrown"),
        ]
    );
    // A table that only reads like a log is the team's data: its absence is drift.
    std::fs::write(&desired, "CREATE TABLE accounts (id bigint PRIMARY KEY);\n").unwrap();
    let out = pgdrift(&["diff", &url, d, "-f", "text"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("- public.price_history"), "{t}");
    assert!(!t.contains("- public.schema_migrations"), "{t}");
    assert!(!t.contains("- drizzle"), "{t}");
    assert!(t.contains("3 tracking tables not compared"), "{t}");
}

const DRIZZLE_MANAGED: &str = "
    CREATE SCHEMA drizzle;
    CREATE TABLE drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);
    INSERT INTO drizzle.__drizzle_migrations (hash, created_at)
    VALUES ('a', 1704067200000), ('b', 1767571200000);";

#[tokio::test]
async fn apply_refuses_a_database_another_tool_manages_and_writes_nothing() {
    let db = TestDb::with_sql(DRIZZLE_MANAGED).await;
    let url = db.url();
    let dir = fixture_dir("plain");
    let d = dir.to_str().unwrap();
    let before = names(
        &db,
        "SELECT relname::text FROM pg_class WHERE relnamespace::regnamespace::text \
         NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1",
    )
    .await;
    for dry_run in [false, true] {
        let mut args = vec!["migrate", "apply", "--url", &url, "--dir", d];
        if dry_run {
            args.push("--dry-run");
        }
        let out = pgdrift(&args);
        let t = text(&out);
        assert_eq!(out.status.code(), Some(2), "{t}");
        assert!(
            t.contains("this database is managed by Drizzle (2 applied, last 2026-01-05"),
            "{t}"
        );
        assert!(t.contains("pgdrift migrate baseline --url"), "{t}");
        assert!(t.contains("--ignore-other-tools"), "{t}");
    }
    let after = names(
        &db,
        "SELECT relname::text FROM pg_class WHERE relnamespace::regnamespace::text \
         NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1",
    )
    .await;
    assert_eq!(before, after, "apply wrote to a Drizzle-managed database");
    assert!(names(
        &db,
        "SELECT nspname::text FROM pg_namespace WHERE nspname = 'pgdrift'"
    )
    .await
    .is_empty());
    // status says the same and calls for attention.
    let out = pgdrift(&["migrate", "status", "--url", &url, "--dir", d]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("managed by Drizzle"), "{t}");
    // The override runs the files.
    let out = pgdrift(&[
        "migrate",
        "apply",
        "--url",
        &url,
        "--dir",
        d,
        "--ignore-other-tools",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Now pgdrift has rows of its own: no refusal.
    let out = pgdrift(&["migrate", "apply", "--url", &url, "--dir", d]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[tokio::test]
async fn applying_another_tools_layout_warns_that_its_history_is_not_kept() {
    let db = TestDb::new().await;
    let dir = fixture_dir("drizzle");
    let out = pgdrift(&[
        "migrate",
        "apply",
        "--url",
        &db.url(),
        "--dir",
        dir.to_str().unwrap(),
    ]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("is a Drizzle directory"), "{t}");
    assert!(t.contains("--record-for drizzle"), "{t}");
    let plain = fixture_dir("plain");
    let db = TestDb::new().await;
    let out = pgdrift(&[
        "migrate",
        "apply",
        "--url",
        &db.url(),
        "--dir",
        plain.to_str().unwrap(),
    ]);
    assert!(!text(&out).contains("warning"), "{}", text(&out));
}

#[tokio::test]
async fn history_says_where_a_homegrown_runner_stopped() {
    let db = TestDb::with_sql(
        "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
             applied_at timestamptz NOT NULL);
         INSERT INTO schema_migrations
         SELECT g, 'step_' || g, timestamptz '2025-08-11 09:00:00+00' + g * interval '1 day'
         FROM generate_series(1, 18) g;",
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    for i in 1..=26 {
        std::fs::write(
            dir.path().join(format!("{i:03}_step_{i}.sql")),
            format!("CREATE TABLE t{i} (id int);\n"),
        )
        .unwrap();
    }
    let url = db.url();
    let out = pgdrift(&["migrate", "history", "--url", &url]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(
        t.contains("homegrown tracker · public.schema_migrations\n  18 rows · versions 1–18 · last applied 2025-08-29"),
        "{t}"
    );
    assert!(
        t.contains("homegrown tracker (public.schema_migrations) manages this database"),
        "{t}"
    );
    let out = pgdrift(&[
        "migrate",
        "history",
        "--url",
        &url,
        "--dir",
        dir.path().to_str().unwrap(),
    ]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("26 migration(s), 18 applied"), "{t}");
    assert!(
        t.contains("never applied (8): 019_step_19.sql, 020_step_20.sql, 021_step_21.sql, 022_step_22.sql, 023_step_23.sql, 024_step_24.sql, 025_step_25.sql, 026_step_26.sql"),
        "{t}"
    );
    // apply refuses until the runner's history is adopted, naming the baseline that does,
    // with the globs the directory needs.
    std::fs::write(dir.path().join("019_step_19.sql.old"), "SELECT 1;\n").unwrap();
    let out = pgdrift(&[
        "migrate",
        "apply",
        "--url",
        &url,
        "--dir",
        dir.path().to_str().unwrap(),
        "--ignore",
        "*.old",
        "--dry-run",
    ]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(
        t.contains("managed by a homegrown runner (18 applied"),
        "{t}"
    );
    assert!(
        t.contains("--ignore '*.old' --version 018_step_18.sql"),
        "{t}"
    );
}
