//! `require-comment` (PL107) through `pgdrift lint`: off by default and listed as off, on
//! through `[lint] rules`, one finding per uncommented table (and column with
//! `comment_columns`), the `comment_coverage` threshold, suppressions, `ignore` globs, and
//! migration tools' tracking tables left out.

mod common;

use pgdrift::testing::TestDb;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

/// Four tables in `docs`, two commented; a partition (follows its parent); a dbmate tracking
/// table; five columns, two commented (the partition's are its parent's).
const SCHEMA: &str = "
CREATE SCHEMA docs;
CREATE TABLE docs.orders (id bigint PRIMARY KEY, total numeric);
CREATE TABLE docs.customers (id bigint PRIMARY KEY, name text);
CREATE TABLE docs.events (id bigint, at timestamptz NOT NULL, PRIMARY KEY (id, at))
    PARTITION BY RANGE (at);
CREATE TABLE docs.events_2024 PARTITION OF docs.events
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE docs.scratch (id bigint PRIMARY KEY);
CREATE TABLE docs.schema_migrations (version varchar(128) PRIMARY KEY);
COMMENT ON TABLE docs.orders IS 'One row per checkout.';
COMMENT ON COLUMN docs.orders.total IS 'In the order''s currency.';
COMMENT ON TABLE docs.events IS 'What happened, by month.';
COMMENT ON COLUMN docs.events.at IS 'When it happened.';
";

fn lint(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["lint"];
    all.extend_from_slice(args);
    common::pgdrift_in(Some(dir), &all)
}

/// `object: message` of every PL107 finding, sorted.
fn pl107(out: &Output) -> Vec<String> {
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", common::text(out)));
    let mut found: Vec<String> = (report["findings"].as_array().unwrap().iter())
        .filter(|f| f["code"] == "PL107")
        .map(|f| {
            assert_eq!(f["slug"], "require-comment");
            format!(
                "{}: {}",
                f["object"]["name"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    found.sort();
    found
}

/// Lints the `docs` schema with `config` as pgdrift.toml.
fn run(url: &str, config: &str) -> Output {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pgdrift.toml"), config).unwrap();
    lint(dir.path(), &[url, "-s", "docs", "-f", "json"])
}

const ON: &str = "[lint]\nrules = { require-comment = \"warning\" }\n";

#[tokio::test]
async fn off_by_default_then_one_finding_per_uncommented_table() {
    let db = TestDb::with_sql(SCHEMA).await;
    let url = db.url();
    assert_eq!(pl107(&run(&url, "")), Vec::<String>::new());
    let dir = tempfile::tempdir().unwrap();
    let rules = common::text(&lint(dir.path(), &["--rules"]));
    let line = rules
        .lines()
        .find(|l| l.starts_with("PL107"))
        .unwrap_or_default();
    assert!(
        line.contains("require-comment") && line.contains(" off "),
        "{rules}"
    );

    let out = run(&url, ON);
    assert_eq!(
        pl107(&out),
        [
            "docs.customers: table docs.customers has no comment",
            "docs.scratch: table docs.scratch has no comment",
        ]
    );
    assert_eq!(out.status.code(), Some(1), "{}", common::text(&out));
    let with_columns = format!("{ON}[lint.options]\ncomment_columns = true\n");
    assert_eq!(
        pl107(&run(&url, &with_columns)),
        [
            "docs.customers.id: column docs.customers.id has no comment",
            "docs.customers.name: column docs.customers.name has no comment",
            "docs.customers: table docs.customers has no comment",
            "docs.events.id: column docs.events.id has no comment",
            "docs.orders.id: column docs.orders.id has no comment",
            "docs.scratch.id: column docs.scratch.id has no comment",
            "docs.scratch: table docs.scratch has no comment",
        ]
    );
}

#[tokio::test]
async fn the_threshold_reports_only_below_it_and_says_the_share() {
    let db = TestDb::with_sql(SCHEMA).await;
    let url = db.url();
    let at = |share: &str| format!("{ON}[lint.options]\ncomment_coverage = {share}\n");
    // 2 of 4 tables are commented: 50% reaches 0.5 and stays silent, 0.6 reports both.
    assert_eq!(pl107(&run(&url, &at("0.5"))), Vec::<String>::new());
    assert_eq!(
        pl107(&run(&url, &at("0.6"))),
        [
            "docs.customers: table docs.customers has no comment (2 of 4 tables commented, 50.0%; comment_coverage wants 60%)",
            "docs.scratch: table docs.scratch has no comment (2 of 4 tables commented, 50.0%; comment_coverage wants 60%)",
        ]
    );
    // Columns are weighed on their own: 2 of 7 commented (28.5%), tables at 50%.
    let both = format!("{}comment_columns = true\n", at("0.4"));
    let found = pl107(&run(&url, &both));
    assert_eq!(found.len(), 5, "{found:?}");
    assert!(
        found.iter().all(|f| f.contains("column")
            && f.contains("2 of 7 columns commented, 28.5%; comment_coverage wants 40%")),
        "{found:?}"
    );
    let out = run(
        &url,
        &format!("{ON}[lint.options]\ncomment_coverage = 1.5\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::text(&out).contains("options.comment_coverage"),
        "{}",
        common::text(&out)
    );
}

#[tokio::test]
async fn suppressions_and_ignore_globs_work_as_for_every_rule() {
    let db = TestDb::with_sql(SCHEMA).await;
    db.execute("COMMENT ON TABLE docs.scratch IS 'pgdrift:ignore require-comment throwaway'")
        .await;
    let url = db.url();
    // The marker silences the table and, as a table's comment does, its columns.
    let columns = format!("{ON}[lint.options]\ncomment_columns = true\n");
    assert_eq!(
        pl107(&run(&url, &columns)),
        [
            "docs.customers.id: column docs.customers.id has no comment",
            "docs.customers.name: column docs.customers.name has no comment",
            "docs.customers: table docs.customers has no comment",
            "docs.events.id: column docs.events.id has no comment",
            "docs.orders.id: column docs.orders.id has no comment",
        ]
    );
    // The glob leaves customers out of the findings and of the numbers: 2 of the 3 tables
    // left are commented (the scratch one's marker is no documentation), 2 of 5 columns.
    let glob = format!(
        "{ON}ignore = [\"docs.cust*\"]\n[lint.options]\ncomment_columns = true\n\
         comment_coverage = 0.7\n"
    );
    let wants = "(2 of 5 columns commented, 40.0%; comment_coverage wants 70%)";
    assert_eq!(
        pl107(&run(&url, &glob)),
        [
            format!("docs.events.id: column docs.events.id has no comment {wants}"),
            format!("docs.orders.id: column docs.orders.id has no comment {wants}"),
        ]
    );
}
