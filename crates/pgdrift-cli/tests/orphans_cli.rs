//! `pgdrift orphans`: the relations no desired schema declares, with their verdicts, worst
//! first; tools' own tables never listed.

mod common;

use pgdrift::testing::TestDb;
use serde_json::Value;
use std::process::Output;

const LIVE: &str = "
CREATE SCHEMA app;
CREATE TABLE app.users (id int PRIMARY KEY, email text);
CREATE TABLE app.orders (id int PRIMARY KEY, user_id int REFERENCES app.users);
CREATE TABLE app.backup_test (id int, copied_at timestamptz);
CREATE TABLE app.audit_2019 (id int);
CREATE TABLE app.legacy_lookup (code text PRIMARY KEY);
CREATE TABLE app.legacy_ref (code text REFERENCES app.legacy_lookup);
CREATE VIEW app.old_report AS SELECT count(*) AS n FROM app.audit_2019;
CREATE SEQUENCE app.free_counter;
CREATE TABLE public.schema_migrations (version varchar(128) PRIMARY KEY);
INSERT INTO app.backup_test VALUES (1, now()), (2, now());
ANALYZE;
";

const DESIRED: &str = "
CREATE SCHEMA app;
CREATE TABLE app.users (id int PRIMARY KEY, email text);
CREATE TABLE app.orders (id int PRIMARY KEY, user_id int REFERENCES app.users);
";

fn orphans(db: &TestDb, extra: &[&str]) -> Output {
    let url = db.url();
    let mut args = vec!["orphans", url.as_str()];
    args.extend_from_slice(extra);
    common::pgdrift_in(None, &args)
}

fn names(report: &Value) -> Vec<String> {
    (report["objects"].as_array().unwrap().iter())
        .map(|o| o["object"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn what_no_desired_schema_declares_is_listed_worst_first() {
    let db = TestDb::with_sql(LIVE).await;
    let dir = tempfile::tempdir().unwrap();
    let desired = dir.path().join("desired.sql");
    std::fs::write(&desired, DESIRED).unwrap();
    let arg = format!("app={}", desired.display());
    let out = orphans(&db, &["--desired", &arg, "-f", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", common::text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut listed = names(&report);
    assert!(!listed.contains(&"app.users".to_string()), "{listed:?}");
    assert!(
        !listed.contains(&"public.schema_migrations".to_string()),
        "{listed:?}"
    );
    assert_eq!(report["declared"], 2);
    assert_eq!(report["tool_owned"], 1);
    let states: Vec<&str> = (report["objects"].as_array().unwrap().iter())
        .map(|o| o["verdict"]["state"].as_str().unwrap())
        .collect();
    // In use first: the lookup table a foreign key needs, the table a view reads.
    let first_quiet = states.iter().position(|s| *s != "in_use").unwrap();
    assert!(
        states[first_quiet..].iter().all(|s| *s != "in_use"),
        "{states:?}"
    );
    let in_use: Vec<&String> = listed[..first_quiet].iter().collect();
    for name in ["app.legacy_lookup", "app.audit_2019"] {
        assert!(
            in_use.iter().any(|n| *n == name),
            "{name}: {listed:?} {states:?}"
        );
    }
    listed.sort();
    assert_eq!(
        listed,
        [
            "app.audit_2019",
            "app.backup_test",
            "app.free_counter",
            "app.legacy_lookup",
            "app.legacy_ref",
            "app.old_report"
        ]
    );
    let backup = (report["objects"].as_array().unwrap().iter())
        .find(|o| o["object"] == "app.backup_test")
        .unwrap();
    let claims = &backup["claims"];
    assert_eq!(claims["not_declared_by"], serde_json::json!(["app"]));

    let text = orphans(&db, &["--desired", &arg]);
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(text.contains("6 orphan(s)"), "{text}");
    assert!(text.contains("2 relation(s) declared by app"), "{text}");
    let md = orphans(&db, &["--desired", &arg, "-f", "markdown"]);
    let md = String::from_utf8_lossy(&md.stdout).into_owned();
    assert!(md.contains("| `app.backup_test` | table |"), "{md}");
}

#[tokio::test]
async fn without_a_desired_schema_every_table_is_listed_and_code_counts() {
    let db = TestDb::with_sql(LIVE).await;
    let code = tempfile::tempdir().unwrap();
    std::fs::write(
        code.path().join("report.py"),
        "rows = db.execute(\"SELECT * FROM app.backup_test\")\n",
    )
    .unwrap();
    let dir = code.path().to_str().unwrap();
    let out = orphans(&db, &["--code", dir, "-f", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", common::text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut listed = names(&report);
    listed.sort();
    assert_eq!(
        listed,
        [
            "app.audit_2019",
            "app.backup_test",
            "app.legacy_lookup",
            "app.legacy_ref",
            "app.orders",
            "app.users"
        ]
    );
    let backup = (report["objects"].as_array().unwrap().iter())
        .find(|o| o["object"] == "app.backup_test")
        .unwrap();
    assert_eq!(backup["verdict"]["state"], "in_use", "{backup:#}");
    assert_eq!(backup["code"][0]["file"], "report.py");
}

#[tokio::test]
async fn a_database_whose_every_relation_is_declared_has_no_orphans() {
    let db = TestDb::with_sql(DESIRED).await;
    let dir = tempfile::tempdir().unwrap();
    let desired = dir.path().join("desired.sql");
    std::fs::write(&desired, DESIRED).unwrap();
    let out = orphans(&db, &["--desired", desired.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out));
    assert!(
        common::text(&out).contains("no orphans"),
        "{}",
        common::text(&out)
    );
}

#[tokio::test]
async fn a_fleet_lists_what_each_database_holds_beyond_its_role_with_the_evidence() {
    let db = TestDb::with_sql(LIVE).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("desired.sql"), DESIRED).unwrap();
    let url = pgdrift::pg::ConnInfo {
        password: None,
        ..pgdrift::testing::admin_conninfo()
    }
    .to_string();
    std::fs::write(
        dir.path().join("pgdrift.toml"),
        format!(
            "[[server]]\nname = \"t\"\nurl = \"{url}\"\nstage = \"test\"\ndatabases = [\"{}\"]\n\n\
             [role.app]\ndatabases = [\"*\"]\ndesired = \"desired.sql\"\n",
            db.name()
        ),
    )
    .unwrap();
    let out = common::pgdrift_in(
        Some(dir.path()),
        &["orphans", "--config", "pgdrift.toml", "-f", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", common::text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["layout"], "fleet");
    let database = &report["databases"][0];
    assert_eq!(database["database"], db.name());
    let objects: Vec<&str> = (database["orphans"].as_array().unwrap().iter())
        .map(|o| o["object"].as_str().unwrap())
        .collect();
    for name in [
        "table app.backup_test",
        "table app.legacy_lookup",
        "view app.old_report",
    ] {
        assert!(objects.contains(&name), "{name}: {objects:?}");
    }
    let lookup = (database["orphans"].as_array().unwrap().iter())
        .find(|o| o["object"] == "table app.legacy_lookup")
        .unwrap();
    assert_eq!(lookup["code"], "PA021");
    assert_eq!(lookup["evidence"]["verdict"], "in_use", "{lookup:#}");
    let first = database["orphans"][0]["evidence"]["verdict"].as_str();
    assert_eq!(first, Some("in_use"), "worst first: {database:#}");
    let text = common::pgdrift_in(Some(dir.path()), &["orphans", "--config", "pgdrift.toml"]);
    let text = common::text(&text);
    assert!(text.contains("PA021 table app.backup_test: "), "{text}");
    assert!(text.contains("checklist: pgdrift investigate "), "{text}");
}
