//! `pgdrift investigate` on a database shaped like a cleanup ticket: `users` tied to by a
//! foreign key, a view, a function and a publication; `backup_test` with rows and no
//! references; with and without a code tree.

mod common;

use pgdrift::testing::TestDb;
use serde_json::Value;
use std::process::Output;

const SCHEMA: &str = "
CREATE SCHEMA app;
CREATE TABLE app.users (id int PRIMARY KEY, email text, created_at timestamptz);
CREATE INDEX users_created ON app.users (created_at);
CREATE TABLE app.users_sessions (id int PRIMARY KEY, user_id int REFERENCES app.users);
CREATE TABLE app.backup_test (id int, copied_at timestamptz);
INSERT INTO app.users
  SELECT g, 'u' || g, timestamptz '2024-01-01 00:00+00' + g * interval '1 day'
  FROM generate_series(1, 10) g;
INSERT INTO app.backup_test VALUES (1, now()), (2, now()), (3, now());
CREATE VIEW app.active_users AS SELECT id FROM app.users;
CREATE FUNCTION app.purge_sessions() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- app.backup_test is not named here, only in this comment
  DELETE FROM app.users_sessions WHERE user_id IS NULL;
END $$;
CREATE PUBLICATION user_feed FOR TABLE app.users;
";

fn investigate(db: &TestDb, extra: &[&str]) -> Output {
    let url = db.url();
    let mut args = vec!["investigate", url.as_str()];
    args.extend_from_slice(extra);
    common::pgdrift_in(None, &args)
}

fn object<'a>(inv: &'a Value, name: &str) -> &'a Value {
    let all = inv["objects"].as_array().unwrap();
    all.iter()
        .find(|o| o["object"] == name)
        .unwrap_or_else(|| panic!("{name} in {inv:#}"))
}

fn ties(o: &Value, kind: &str) -> Vec<String> {
    (o["ties"].as_array().unwrap().iter())
        .filter(|t| t["kind"] == kind)
        .map(|t| t["other"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn every_evidence_field_of_a_table_is_read() {
    let db = TestDb::with_sql(SCHEMA).await;
    let conn = db.connect().await;
    let major = conn.version.major();
    if major >= 16 {
        // A scan whose statistics are flushed before the reply, for its time to show.
        let scan =
            "SELECT count(*) FROM app.backup_test; SELECT pg_stat_force_next_flush(); SELECT 1";
        conn.client.batch_execute(scan).await.unwrap();
    }
    let out = investigate(&db, &["app.*", "-f", "json"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", common::text(&out));
    let inv: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(inv["format_version"], 1);
    let users = object(&inv, "app.users");
    assert_eq!(users["kind"], "table");
    assert_eq!(
        (
            users["holds"]["rows"].as_i64(),
            users["holds"]["rows_exact"].as_bool()
        ),
        (Some(10), Some(true))
    );
    assert!(users["holds"]["index_bytes"].as_i64().unwrap() > 0);
    let stamps = &users["holds"]["timestamps"][0];
    assert_eq!(stamps["column"], "created_at");
    assert!(
        stamps["oldest"].as_str().unwrap().starts_with("2024-01-02"),
        "{stamps}"
    );
    assert!(
        stamps["newest"].as_str().unwrap().starts_with("2024-01-11"),
        "{stamps}"
    );
    assert_eq!(ties(users, "fk_in"), ["app.users_sessions"]);
    assert_eq!(ties(users, "view"), ["app.active_users"]);
    assert_eq!(ties(users, "publication"), ["user_feed"]);
    assert_eq!(users["verdict"]["state"], "in_use");
    let sessions = object(&inv, "app.users_sessions");
    assert_eq!(ties(sessions, "fk_out"), ["app.users"]);
    assert_eq!(ties(sessions, "function"), ["app.purge_sessions()"]);
    let backup = object(&inv, "app.backup_test");
    assert_eq!(backup["holds"]["rows"], 3);
    assert!(backup["ties"].as_array().unwrap().is_empty(), "{backup:#}");
    let activity = &backup["activity"];
    assert!(activity["window_seconds"].as_i64().is_some(), "{activity}");
    assert_eq!(
        activity["last_seq_scan"].is_null(),
        major < 16,
        "{activity}"
    );
    // Its verdict follows its own statistics: reads or writes make it in use; without, the
    // window of a new server is too short to call it unused.
    let number = |k: &str| activity[k].as_i64().unwrap();
    let active = number("inserted") + number("seq_scan") + number("idx_scan") > 0;
    let state = backup["verdict"]["state"].as_str().unwrap();
    assert_eq!(
        state,
        if active { "in_use" } else { "unknown" },
        "{backup:#}"
    );
    let missing = backup["verdict"]["missing"].to_string();
    assert!(
        missing.contains("code references were not checked"),
        "{missing}"
    );
    assert_eq!(object(&inv, "app.active_users")["kind"], "view");
}

#[tokio::test]
async fn the_markdown_checklist_is_filled_in_from_the_evidence_and_the_code() {
    let db = TestDb::with_sql(SCHEMA).await;
    let code = tempfile::tempdir().unwrap();
    std::fs::write(
        code.path().join("schema.ts"),
        "export const sessions = pgTable(\"users_sessions\", {});\n",
    )
    .unwrap();
    std::fs::write(
        code.path().join("q.py"),
        "cur.execute(\"SELECT * FROM app.users\")\n",
    )
    .unwrap();
    let dir = code.path().to_str().unwrap();
    let out = investigate(
        &db,
        &[
            "app.users",
            "app.users_sessions",
            "backup_test",
            "--code",
            dir,
            "-f",
            "markdown",
        ],
    );
    let md = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{md}{}", common::text(&out));
    let section = |name: &str| -> String {
        let start = md
            .find(&format!("## `{name}`"))
            .unwrap_or_else(|| panic!("{name}\n{md}"));
        let rest = &md[start + 3..];
        rest[..rest.find("\n## ").unwrap_or(rest.len())].to_string()
    };
    let backup = section("app.backup_test");
    for line in [
        "- [x] No foreign key points at it\n",
        "- [x] No view, function, trigger, policy, column or other object depends on it\n",
        "- [x] Not declared by an ORM model in the code\n",
        "- [x] No code references it\n",
        "- [ ] Holds no rows (3 rows, counted)",
        "- [ ] Backup taken (`pg_dump --table=app.backup_test",
    ] {
        assert!(backup.contains(line), "{line}\n---\n{backup}");
    }
    let users = section("app.users");
    assert!(
        users.contains("- [ ] No foreign key points at it: referenced by app.users_sessions"),
        "{users}"
    );
    assert!(
        users.contains("- [ ] No code references it: q.py:1 (SQL read)"),
        "{users}"
    );
    let sessions = section("app.users_sessions");
    assert!(
        sessions.contains("- [ ] Not declared by an ORM model in the code: drizzle in schema.ts:1"),
        "{sessions}"
    );
    assert!(
        sessions
            .contains("function app.purge_sessions() (function: DELETE FROM app.users_sessions"),
        "{sessions}"
    );
}

#[tokio::test]
async fn a_name_that_matches_nothing_is_an_error_with_the_closest_names() {
    let db = TestDb::with_sql(SCHEMA).await;
    let out = investigate(&db, &["app.usres"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no table, view or sequence matches app.usres")
            && err.contains("did you mean app.users"),
        "{err}"
    );
    let out = investigate(&db, &["app.users", "backup_tset", "--count-timeout", "0"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("no relation matches backup_tset (closest: app.backup_test)"),
        "{text}"
    );
    assert!(
        text.contains("about") || text.contains("rows unknown"),
        "{text}"
    );
}

/// The schema an ORM exports (`drizzle-kit export`, `prisma migrate diff --script`...).
const ORM_SCHEMA: &str = "
CREATE SCHEMA app;
CREATE TABLE app.users (id int PRIMARY KEY, email text, created_at timestamptz);
CREATE INDEX users_created ON app.users (created_at);
CREATE TABLE app.users_sessions (id int PRIMARY KEY, user_id int REFERENCES app.users);
";

/// A CMS that believes it owns `users` too, with its own idea of it.
const CMS_SCHEMA: &str = "
CREATE SCHEMA app;
CREATE TABLE app.users (id bigint PRIMARY KEY, login text NOT NULL);
";

#[tokio::test]
async fn who_claims_a_table_desired_schemas_their_conflicts_and_the_migrations() {
    let db = TestDb::with_sql(SCHEMA).await;
    let cms_db = TestDb::with_sql(CMS_SCHEMA).await;
    let dir = tempfile::tempdir().unwrap();
    let orm = dir.path().join("orm.sql");
    std::fs::write(&orm, ORM_SCHEMA).unwrap();
    let cms = dir.path().join("cms.json");
    let cms_url = cms_db.url();
    let snap = common::pgdrift_in(
        None,
        &[
            "inspect",
            &cms_url,
            "-f",
            "json",
            "-o",
            cms.to_str().unwrap(),
        ],
    );
    assert_eq!(snap.status.code(), Some(0), "{}", common::text(&snap));
    let migrations = dir.path().join("migrations");
    std::fs::create_dir(&migrations).unwrap();
    for (file, sql) in [
        ("001_users.sql", "CREATE SCHEMA app;\nCREATE TABLE app.users (id int PRIMARY KEY, email text);\n"),
        ("002_sessions.sql", "CREATE TABLE app.users_sessions (id int PRIMARY KEY, user_id int REFERENCES app.users);\n"),
        ("003_users_created.sql", "ALTER TABLE app.users ADD COLUMN created_at timestamptz;\nCREATE INDEX users_created ON app.users (created_at);\n"),
    ] {
        std::fs::write(migrations.join(file), sql).unwrap();
    }
    let (orm_arg, cms_arg) = (
        format!("orm={}", orm.display()),
        format!("cms={}", cms.display()),
    );
    let args = [
        "app.users",
        "backup_test",
        "--desired",
        orm_arg.as_str(),
        "--desired",
        cms_arg.as_str(),
        "--migrations",
        migrations.to_str().unwrap(),
    ];
    let out = investigate(&db, &[&args[..], &["-f", "json"]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", common::text(&out));
    let inv: Value = serde_json::from_slice(&out.stdout).unwrap();
    let users = object(&inv, "app.users");
    let claims = &users["claims"];
    let declared: Vec<&str> = (claims["declared_by"].as_array().unwrap().iter())
        .map(|d| d["source"].as_str().unwrap())
        .collect();
    assert_eq!(declared, ["orm", "cms"], "{claims:#}");
    assert_eq!(
        claims["declared_by"][0]["differs_from_live"],
        serde_json::json!([])
    );
    let conflict = &claims["conflicts"][0];
    assert_eq!(
        (conflict["first"].as_str(), conflict["second"].as_str()),
        (Some("orm"), Some("cms"))
    );
    let differences = conflict["differences"].to_string();
    for part in ["app.users.id", "app.users.login", "app.users.email"] {
        assert!(differences.contains(part), "{part}: {differences}");
    }
    let file = |which: &str| {
        claims["migrations"][which]["path"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(file("created_by").ends_with("001_users.sql"), "{claims:#}");
    assert!(
        file("last_altered_by").ends_with("003_users_created.sql"),
        "{claims:#}"
    );
    assert_eq!(users["verdict"]["state"], "in_use");
    let backup = object(&inv, "app.backup_test");
    assert_eq!(backup["claims"]["declared_by"], serde_json::json!([]));
    assert_eq!(
        backup["claims"]["not_declared_by"],
        serde_json::json!(["orm", "cms"])
    );
    assert!(backup["claims"]["migrations"].get("created_by").is_none());
    let reasons = users["verdict"]["reasons"].to_string();
    assert!(reasons.contains("declared by orm, cms"), "{reasons}");

    let md = investigate(&db, &[&args[..], &["-f", "markdown"]].concat());
    let md = String::from_utf8_lossy(&md.stdout).into_owned();
    for line in [
        "- [x] Not in a desired schema (orm, cms checked)\n",
        "- [ ] Not in a desired schema (orm, cms checked): orm, cms\n",
        "- [ ] The desired schemas that declare it agree: orm and cms differ: ",
        "- [ ] Not created by a live migration: created by migration ",
        "001_users.sql, last altered by ",
        "- [x] Not created by a live migration: no migration in ",
    ] {
        assert!(md.contains(line), "{line}\n---\n{md}");
    }
}

/// Counting a table is a sequential scan: run as a role that may turn `track_counts` off for
/// its session (the test server's superuser), an investigation leaves no scan behind, so
/// the next one does not see the table as read.
#[tokio::test]
async fn counting_rows_leaves_no_scan_in_the_statistics() {
    let db = TestDb::with_sql(
        "CREATE TABLE quiet (id int, at timestamptz);
         INSERT INTO quiet SELECT g, now() FROM generate_series(1, 50) g;",
    )
    .await;
    let conn = db.connect().await;
    let seq_scans = || async {
        let sql = "SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'quiet'";
        let clear = "SELECT pg_stat_clear_snapshot()";
        conn.client.batch_execute(clear).await.unwrap();
        conn.client
            .query_one(sql, &[])
            .await
            .unwrap()
            .get::<_, i64>(0)
    };
    let pause = || tokio::time::sleep(std::time::Duration::from_millis(150));
    // Nothing has scanned it (an index build would, and PostgreSQL 14 reports that late).
    let before = seq_scans().await;
    assert_eq!(before, 0);
    let out = investigate(&db, &["quiet", "-f", "json"]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        common::text(&out)
    );
    let inv: Value = serde_json::from_slice(&out.stdout).unwrap();
    let quiet = object(&inv, "public.quiet");
    assert_eq!(quiet["holds"]["rows_exact"], true, "{quiet:#}");
    // The investigating session's statistics reach the server when it ends: wait for them.
    for _ in 0..20 {
        assert_eq!(
            seq_scans().await,
            before,
            "the count was recorded as a scan"
        );
        pause().await;
    }
    let missing = quiet["verdict"]["missing"].to_string();
    assert!(
        !missing.contains("recorded in the table's statistics"),
        "{missing}"
    );
}

#[tokio::test]
async fn functions_and_types_have_their_dependents_bodies_and_calls() {
    let db = TestDb::with_sql(
        "CREATE SCHEMA app;
         CREATE TYPE app.mood AS ENUM ('ok', 'sad');
         CREATE TYPE app.unused_mood AS ENUM ('x');
         CREATE TABLE app.people (id int, mood app.mood);
         CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
         CREATE TRIGGER people_touch BEFORE UPDATE ON app.people
           FOR EACH ROW EXECUTE FUNCTION app.touch();
         CREATE FUNCTION app.old_helper(int) RETURNS int LANGUAGE sql AS 'SELECT $1';
         CREATE FUNCTION app.caller() RETURNS int LANGUAGE plpgsql
           AS $$ BEGIN RETURN app.old_helper(1); END $$;
         CREATE FUNCTION app.lonely() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;",
    )
    .await;
    let code = tempfile::tempdir().unwrap();
    let dir = code.path().to_str().unwrap();
    let names = [
        "app.mood",
        "app.unused_mood",
        "app.touch",
        "app.old_helper",
        "app.lonely",
    ];
    let out = investigate(&db, &[&names[..], &["--code", dir, "-f", "json"]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", common::text(&out));
    let inv: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(inv["not_found"], serde_json::json!([]), "{inv:#}");
    let state = |name: &str| {
        object(&inv, name)["verdict"]["state"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let mood = object(&inv, "app.mood");
    assert_eq!(mood["kind"], "enum type");
    assert_eq!(ties(mood, "dependent"), ["column mood of table app.people"]);
    assert_eq!(state("app.mood"), "in_use");
    assert_eq!(state("app.unused_mood"), "unused", "{inv:#}");
    let touch = object(&inv, "app.touch()");
    assert!(
        ties(touch, "dependent")[0].contains("people_touch"),
        "{touch:#}"
    );
    assert_eq!(state("app.touch()"), "in_use");
    let helper = object(&inv, "app.old_helper(integer)");
    assert_eq!(ties(helper, "function"), ["app.caller()"]);
    let reasons = helper["verdict"]["reasons"].to_string();
    assert!(
        reasons.contains("function app.caller() names it"),
        "{reasons}"
    );
    // track_functions is off by default: calls are not counted, so not "unused".
    let lonely = object(&inv, "app.lonely()");
    assert_eq!(lonely["calls"]["track_functions"], "none", "{lonely:#}");
    assert_eq!(state("app.lonely()"), "likely_unused");
    let md = investigate(&db, &["app.lonely", "--code", dir, "-f", "markdown"]);
    let md = String::from_utf8_lossy(&md.stdout).into_owned();
    assert!(
        md.contains("- [ ] Calls unknown: track_functions is none"),
        "{md}"
    );
    // Counted (PL/pgSQL: a SQL function may be inlined, and then it is not), a call is use.
    let set = format!("ALTER DATABASE {} SET track_functions = 'all'", db.name());
    db.execute(&set).await;
    {
        let conn = db.connect().await;
        conn.client
            .batch_execute("SELECT app.lonely()")
            .await
            .unwrap();
    }
    let mut lonely = Value::Null;
    for _ in 0..40 {
        let out = investigate(&db, &["app.lonely", "-f", "json"]);
        let inv: Value = serde_json::from_slice(&out.stdout).unwrap();
        lonely = object(&inv, "app.lonely()").clone();
        if lonely["verdict"]["state"] == "in_use" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(lonely["calls"]["calls"], 1, "{lonely:#}");
    assert_eq!(lonely["verdict"]["state"], "in_use", "{lonely:#}");
}
