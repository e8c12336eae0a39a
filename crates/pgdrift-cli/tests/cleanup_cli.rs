//! `pgdrift quarantine`, `restore` and `drop` on real databases: privileges revoked and
//! granted back, backups into pgdrift_backup and into a SQL file whose rollback restores
//! the same rows, verification, refusals (dependents, quarantine age, no --yes, production),
//! dry runs, the fleet form and the history table.

mod common;

use common::{pgdrift_in, text};
use pgdrift::cleanup::checksum;
use pgdrift::testing::{admin_conninfo, TestDb};
use std::path::Path;
use std::process::Output;

const SCHEMA: &str = "
CREATE SCHEMA app;
CREATE TABLE app.users (id int PRIMARY KEY, email text);
CREATE TABLE app.sessions (id int PRIMARY KEY, user_id int REFERENCES app.users);
CREATE VIEW app.user_emails AS SELECT email FROM app.users;
CREATE TABLE app.backup_test (id serial PRIMARY KEY, note text DEFAULT 'x', at timestamptz,
                              score float8, CHECK (id > 0));
CREATE INDEX backup_test_at ON app.backup_test (at);
COMMENT ON TABLE app.backup_test IS 'a copy made in 2023';
INSERT INTO app.users VALUES (1, 'a@x'), (2, 'b@x');
INSERT INTO app.backup_test (note, at, score)
  SELECT 'row ' || g, timestamptz '2023-01-01 00:00+00' + g * interval '1 hour', g / 3.0
  FROM generate_series(1, 500) g;
INSERT INTO app.backup_test (note) VALUES (E'tab\\there, newline\\nand \\\\ backslash'), (NULL);
";

fn run(dir: &Path, args: &[&str]) -> Output {
    pgdrift_in(Some(dir), args)
}

/// A database with SCHEMA and a role (named after the database) that may read backup_test.
async fn setup() -> (TestDb, String, tempfile::TempDir) {
    let db = TestDb::with_sql(SCHEMA).await;
    let role = format!("reader_{}", db.name());
    db.execute(&format!(
        "CREATE ROLE {role}; GRANT USAGE ON SCHEMA app TO {role};
         GRANT SELECT ON app.backup_test TO {role};
         GRANT UPDATE (note) ON app.backup_test TO {role} WITH GRANT OPTION;"
    ))
    .await;
    (db, role, tempfile::tempdir().unwrap())
}

async fn acl(db: &TestDb, table: &str) -> Vec<String> {
    db.strings(&format!(
        "SELECT coalesce(array_agg(x ORDER BY x)::text, '') FROM (
           SELECT unnest(relacl)::text x FROM pg_class WHERE oid = '{table}'::regclass
           UNION ALL SELECT a.attname || ':' || unnest(a.attacl)::text FROM pg_attribute a
           WHERE a.attrelid = '{table}'::regclass) s"
    ))
    .await
}

async fn exists(db: &TestDb, name: &str) -> bool {
    db.strings(&format!("SELECT (to_regclass('{name}') IS NOT NULL)::text"))
        .await[0]
        == "true"
}

#[tokio::test]
async fn quarantine_revokes_and_restore_grants_back_the_same_rows_and_privileges() {
    let (db, role, dir) = setup().await;
    let url = db.url();
    let before = checksum(&db.connect().await, "app", "backup_test")
        .await
        .unwrap();
    let privileges = acl(&db, "app.backup_test").await;
    let out = run(
        dir.path(),
        &[
            "quarantine",
            &url,
            "backup_*",
            "--reason",
            "JIRA-1: unused since 2023",
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("-> pgdrift_quarantine.backup_test"),
        "{}",
        text(&out)
    );
    assert!(!exists(&db, "app.backup_test").await);
    assert!(exists(&db, "pgdrift_quarantine.backup_test").await);
    assert!(
        exists(&db, "pgdrift_quarantine.backup_test_pkey").await,
        "indexes follow"
    );
    let conn = db.connect().await;
    let denied = conn
        .client
        .batch_execute(&format!(
            "SET ROLE {role}; SELECT * FROM pgdrift_quarantine.backup_test"
        ))
        .await
        .unwrap_err();
    let message = denied.as_db_error().map(|e| e.message().to_string());
    assert!(
        message.unwrap_or_default().contains("permission denied"),
        "{denied}"
    );
    let history = db
        .strings(
            "SELECT concat_ws('|', action, original_schema, original_name, current_schema_name, \
             current_object_name, db_user = current_user, coalesce(os_user, '-'), reason, \
             at <= now()) FROM pgdrift.cleanup_history",
        )
        .await;
    let var = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
    let os_user = var("USER").or_else(|| var("LOGNAME")).unwrap_or("-".into());
    assert_eq!(
        history,
        [format!(
            "quarantine|app|backup_test|pgdrift_quarantine|backup_test|t|{os_user}|\
             JIRA-1: unused since 2023|t"
        )]
    );

    let out = run(dir.path(), &["restore", &url, "app.backup_test", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(exists(&db, "app.backup_test").await);
    assert!(!exists(&db, "pgdrift_quarantine.backup_test").await);
    let after = checksum(&db.connect().await, "app", "backup_test")
        .await
        .unwrap();
    assert_eq!(after, before);
    assert_eq!(acl(&db, "app.backup_test").await, privileges);
    let conn = db.connect().await;
    conn.client
        .batch_execute(&format!("SET ROLE {role}; SELECT * FROM app.backup_test"))
        .await
        .unwrap();
    // The quarantine schema and the history table are pgdrift's own: no drift.
    let out = run(dir.path(), &["diff", &url, &url, "-f", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[tokio::test]
async fn restore_refuses_a_name_taken_again() {
    let (db, _role, dir) = setup().await;
    let url = db.url();
    let out = run(
        dir.path(),
        &[
            "quarantine",
            &url,
            "app.backup_test",
            "--reason",
            "r",
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    db.execute("CREATE TABLE app.backup_test (x int)").await;
    let out = run(dir.path(), &["restore", &url, "backup_test", "--yes"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("app.backup_test exists again"),
        "{}",
        text(&out)
    );
    assert!(exists(&db, "pgdrift_quarantine.backup_test").await);
}

#[tokio::test]
async fn drop_backs_up_into_the_backup_schema_and_the_rollback_restores_the_rows() {
    let (db, _role, dir) = setup().await;
    let url = db.url();
    let before = checksum(&db.connect().await, "app", "backup_test")
        .await
        .unwrap();
    let out = run(
        dir.path(),
        &["drop", &url, "app.backup_test", "--verify", "--yes"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("verified: the rollback restores the same rows"),
        "{}",
        text(&out)
    );
    assert!(!exists(&db, "app.backup_test").await);
    let backups = db
        .strings(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = 'pgdrift_backup' \
             AND tablename NOT LIKE '%_seq@%'",
        )
        .await;
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert!(backups[0].starts_with("app.backup_test@"));
    let history = db
        .strings("SELECT concat_ws('|', action, row_count, checksum, backup) FROM pgdrift.cleanup_history")
        .await;
    assert_eq!(
        history,
        [format!(
            "drop|{}|{}|pgdrift_backup.\"{}\"",
            before.rows, before.checksum, backups[0]
        )]
    );
    let script = rollback_script(&out);
    let sql = std::fs::read_to_string(&script).unwrap();
    db.connect().await.client.batch_execute(&sql).await.unwrap();
    let after = checksum(&db.connect().await, "app", "backup_test")
        .await
        .unwrap();
    assert_eq!(after, before);
    let comment = db
        .strings("SELECT obj_description('app.backup_test'::regclass)::text")
        .await;
    assert_eq!(comment, ["a copy made in 2023"]);
}

fn rollback_script(out: &Output) -> String {
    let t = text(out);
    let line = t
        .lines()
        .find_map(|l| l.trim().strip_prefix("rollback script: "));
    line.unwrap_or_else(|| panic!("no rollback script in {t}"))
        .to_string()
}

#[tokio::test]
async fn drop_into_a_backup_file_that_psql_restores() {
    let (db, _role, dir) = setup().await;
    let url = db.url();
    let before = checksum(&db.connect().await, "app", "backup_test")
        .await
        .unwrap();
    let file = dir.path().join("backup_test.sql");
    let file_arg = file.display().to_string();
    let out = run(
        dir.path(),
        &[
            "drop",
            &url,
            "backup_test",
            "--backup-file",
            &file_arg,
            "--verify",
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!exists(&db, "app.backup_test").await);
    assert_eq!(rollback_script(&out), file_arg);
    let sql = std::fs::read_to_string(&file).unwrap();
    assert!(sql.contains("COPY app.backup_test ("), "{sql}");
    let psql = std::process::Command::new("psql")
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-d", &url, "-f", &file_arg])
        .output();
    let psql = psql.expect("psql runs the backup file");
    assert!(psql.status.success(), "{}", text(&psql));
    let after = checksum(&db.connect().await, "app", "backup_test")
        .await
        .unwrap();
    assert_eq!(after, before);
    assert!(exists(&db, "app.backup_test_at").await, "indexes come back");
    // The serial column's sequence goes on from where it was, past the restored rows.
    let next = db
        .strings("SELECT nextval('app.backup_test_id_seq')::text")
        .await;
    assert_eq!(next, ["503"]);
}

#[tokio::test]
async fn a_referenced_table_is_refused_unless_cascade_which_lists_what_goes() {
    let (db, _role, dir) = setup().await;
    let url = db.url();
    let out = run(dir.path(), &["drop", &url, "app.users", "--yes"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("app.users is needed by: foreign key"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("app.sessions"), "{}", text(&out));
    assert!(exists(&db, "app.users").await);
    let out = run(
        dir.path(),
        &["drop", &url, "app.users", "--cascade", "--dry-run"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("goes with it: foreign key sessions_user_id_fkey of app.sessions"),
        "{t}"
    );
    assert!(t.contains("goes with it: view app.user_emails"), "{t}");
    assert!(exists(&db, "app.users").await);
    let out = run(
        dir.path(),
        &["drop", &url, "app.users", "--cascade", "--yes"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!exists(&db, "app.users").await);
    assert!(!exists(&db, "app.user_emails").await);
    assert!(exists(&db, "app.sessions").await);
}

#[tokio::test]
async fn quarantined_for_refuses_recent_quarantine_and_drop_takes_the_original_name() {
    let (db, _role, dir) = setup().await;
    let url = db.url();
    let out = run(
        dir.path(),
        &[
            "drop",
            &url,
            "backup_test",
            "--quarantined-for",
            "14d",
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("is not in quarantine"),
        "{}",
        text(&out)
    );
    run(
        dir.path(),
        &["quarantine", &url, "backup_test", "--reason", "r", "--yes"],
    );
    let out = run(
        dir.path(),
        &[
            "drop",
            &url,
            "app.backup_test",
            "--quarantined-for",
            "14d",
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("in quarantine only since"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("less than 14d"), "{}", text(&out));
    assert!(exists(&db, "pgdrift_quarantine.backup_test").await);
    let out = run(
        dir.path(),
        &[
            "drop",
            &url,
            "app.backup_test",
            "--quarantined-for",
            "0s",
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!exists(&db, "pgdrift_quarantine.backup_test").await);
    let rows = db
        .strings(
            "SELECT action || ':' || original_schema || '.' || original_name \
                  FROM pgdrift.cleanup_history ORDER BY id",
        )
        .await;
    assert_eq!(rows, ["quarantine:app.backup_test", "drop:app.backup_test"]);
}

#[tokio::test]
async fn without_yes_or_with_dry_run_nothing_changes() {
    let (db, _role, dir) = setup().await;
    let url = db.url();
    let out = run(
        dir.path(),
        &["quarantine", &url, "backup_test", "--reason", "r"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("pass --yes"), "{}", text(&out));
    assert!(text(&out).contains("ALTER TABLE app.backup_test SET SCHEMA pgdrift_quarantine"));
    let out = run(
        dir.path(),
        &["drop", &url, "backup_test", "--dry-run", "-f", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["databases"][0]["status"], "ready");
    assert_eq!(v["databases"][0]["objects"][0]["object"], "app.backup_test");
    assert!(exists(&db, "app.backup_test").await);
    assert!(!exists(&db, "pgdrift.cleanup_history").await);
    assert!(!exists(&db, "pgdrift_quarantine.backup_test").await);
}

#[tokio::test]
async fn unknown_tables_get_the_closest_names() {
    let (db, _role, dir) = setup().await;
    let out = run(
        dir.path(),
        &[
            "quarantine",
            &db.url(),
            "backup_tst",
            "--reason",
            "r",
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("did you mean app.backup_test?"),
        "{}",
        text(&out)
    );
}

fn config(dir: &Path, stage: &str, databases: &[&str]) {
    let url = pgdrift::pg::ConnInfo {
        password: None,
        ..admin_conninfo()
    }
    .to_string();
    let list: Vec<String> = databases.iter().map(|d| format!("{d:?}")).collect();
    std::fs::write(
        dir.join("pgdrift.toml"),
        format!(
            "[[server]]\nname = \"s\"\nurl = \"{url}\"\nstage = \"{stage}\"\ndatabases = [{}]\n",
            list.join(", ")
        ),
    )
    .unwrap();
}

#[tokio::test]
async fn production_needs_yes() {
    let (db, _role, dir) = setup().await;
    config(dir.path(), "production", &[db.name()]);
    let out = run(
        dir.path(),
        &["quarantine", &db.url(), "backup_test", "--reason", "r"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("production"), "{}", text(&out));
    assert!(exists(&db, "app.backup_test").await);
    let out = run(
        dir.path(),
        &[
            "quarantine",
            &db.url(),
            "backup_test",
            "--reason",
            "r",
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[tokio::test]
async fn the_fleet_form_runs_on_every_matching_database() {
    let (with, _role, dir) = setup().await;
    let without = TestDb::with_sql("CREATE TABLE other (id int);").await;
    config(dir.path(), "test", &[with.name(), without.name()]);
    let out = run(
        dir.path(),
        &[
            "quarantine",
            "--database",
            with.name(),
            "--database",
            without.name(),
            "backup_test",
            "--reason",
            "r",
            "--yes",
            "-f",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let statuses: Vec<String> = (v["databases"].as_array().unwrap().iter())
        .map(|d| d["status"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = statuses.clone();
    sorted.sort();
    assert_eq!(sorted, ["done", "skipped"], "{v:#}");
    assert!(exists(&with, "pgdrift_quarantine.backup_test").await);
    assert!(!exists(&without, "pgdrift.cleanup_history").await);
}

#[tokio::test]
async fn a_refusal_in_one_database_of_a_fleet_is_an_error_and_the_others_go_on() {
    let (with, _role, dir) = setup().await;
    let tied = TestDb::with_sql(
        "CREATE TABLE backup_test (id int PRIMARY KEY);
         CREATE TABLE notes (id int, ref int REFERENCES backup_test);",
    )
    .await;
    config(dir.path(), "test", &[with.name(), tied.name()]);
    let out = run(
        dir.path(),
        &[
            "drop",
            "--database",
            with.name(),
            "--database",
            tied.name(),
            "backup_test",
            "--yes",
            "-f",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut statuses: Vec<String> = (v["databases"].as_array().unwrap().iter())
        .map(|d| d["status"].as_str().unwrap().to_string())
        .collect();
    statuses.sort();
    assert_eq!(statuses, ["done", "refused"], "{v:#}");
    assert!(!exists(&with, "app.backup_test").await);
    assert!(exists(&tied, "public.backup_test").await);
}

#[tokio::test]
async fn cascade_takes_views_on_views_too_and_the_rollback_brings_them_back() {
    let db = TestDb::with_sql(
        "CREATE TABLE old_orders (id int, total numeric);
         INSERT INTO old_orders VALUES (1, 10), (2, 20);
         CREATE VIEW big_orders AS SELECT * FROM old_orders WHERE total > 15;
         CREATE VIEW big_order_ids AS SELECT id FROM big_orders;
         CREATE MATERIALIZED VIEW big_order_count AS SELECT count(*) FROM big_order_ids;",
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let url = db.url();
    let out = run(
        dir.path(),
        &["drop", &url, "old_orders", "--cascade", "--verify", "--yes"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("view public.big_order_ids (it reads public.big_orders)"),
        "{t}"
    );
    assert!(
        t.contains("materialized view public.big_order_count (it reads public.big_order_ids)"),
        "{t}"
    );
    for name in [
        "public.old_orders",
        "public.big_orders",
        "public.big_order_ids",
        "public.big_order_count",
    ] {
        assert!(!exists(&db, name).await, "{name} is still there");
    }
    let script = rollback_script(&out);
    let sql = std::fs::read_to_string(&script).unwrap();
    db.connect().await.client.batch_execute(&sql).await.unwrap();
    db.execute("REFRESH MATERIALIZED VIEW big_order_count")
        .await;
    let count = db.strings("SELECT count::text FROM big_order_count").await;
    assert_eq!(count, ["1"]);
}
