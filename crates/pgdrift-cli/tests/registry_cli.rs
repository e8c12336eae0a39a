//! `pgdrift migrate apply --config pgdrift.toml --role NAME`: a directory applied to the
//! databases a role's registry lists (and its globs match), registry problems as warnings
//! on standard error, and a role that resolves to no database as an error.

mod common;

use common::{pgdrift_in, text};
use pgdrift::testing::{admin_conninfo, TestDb};
use std::path::Path;

fn server_url() -> String {
    pgdrift::pg::ConnInfo {
        password: None,
        ..admin_conninfo()
    }
    .to_string()
}

/// A master database whose `tenant_databases` registers `rows` as (database, active).
async fn master(rows: &[(&str, bool)]) -> TestDb {
    let mut sql =
        "CREATE TABLE tenant_databases (db_name text PRIMARY KEY, active boolean NOT NULL);\n"
            .to_string();
    for (db, active) in rows {
        sql.push_str(&format!(
            "INSERT INTO tenant_databases VALUES ('{db}', {active});\n"
        ));
    }
    TestDb::with_sql(&sql).await
}

/// A migrations directory creating table `users`, and pgdrift.toml with `roles` after one
/// server holding `databases`.
fn setup(dir: &Path, databases: &[&str], roles: &str) {
    let migrations = dir.join("migrations");
    std::fs::create_dir(&migrations).unwrap();
    std::fs::write(
        migrations.join("001_users.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY);\n",
    )
    .unwrap();
    let list: Vec<String> = databases.iter().map(|d| format!("{d:?}")).collect();
    let text = format!(
        "[[server]]\nname = \"s\"\nurl = \"{}\"\nstage = \"test\"\ndatabases = [{}]\nmax_connections = 2\n\n\
         [[server]]\nname = \"down\"\nurl = \"postgres://x:s3cret@127.0.0.1:1/postgres?connect_timeout=2\"\nstage = \"test\"\ndatabases = [\"none_*\"]\n\n{roles}",
        server_url(),
        list.join(", "),
    );
    std::fs::write(dir.join("pgdrift.toml"), text).unwrap();
}

async fn has_users(db: &TestDb) -> bool {
    let found = db
        .strings("SELECT (to_regclass('public.users') IS NOT NULL)::text")
        .await;
    found == ["true"]
}

fn apply(dir: &Path, role: &str) -> std::process::Output {
    pgdrift_in(
        Some(dir),
        &[
            "migrate",
            "apply",
            "--dir",
            "migrations",
            "--config",
            "pgdrift.toml",
            "--role",
            role,
            "-f",
            "json",
        ],
    )
}

#[tokio::test]
async fn apply_runs_on_the_registered_tenants_only() {
    let (t1, t2, t3) = (
        TestDb::new().await,
        TestDb::new().await,
        TestDb::new().await,
    );
    let gone = format!("{}_gone", t1.name());
    let m = master(&[
        (t1.name(), true),
        (t2.name(), true),
        (t3.name(), false),
        (&gone, true),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let roles = format!(
        "[role.master]\ndatabases = [{m:?}]\n\n[role.tenant]\n\
         databases_from = {{ server = \"s\", database = {m:?}, query = \"select db_name from tenant_databases where active\" }}\n",
        m = m.name()
    );
    setup(
        dir.path(),
        &[m.name(), t1.name(), t2.name(), t3.name()],
        &roles,
    );
    let out = apply(dir.path(), "tenant");
    let all = text(&out);
    // A server down is a warning; nothing is said missing while it might hold a tenant.
    assert_eq!(out.status.code(), Some(0), "{all}");
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {all}"));
    let mut applied: Vec<String> = (v["databases"].as_array().unwrap().iter())
        .map(|d| d.to_string())
        .collect();
    applied.sort();
    assert_eq!(applied.len(), 2, "{v:#}");
    assert!(
        applied[0].contains(t1.name()) && applied[1].contains(t2.name()),
        "{applied:?}"
    );
    assert!(has_users(&t1).await && has_users(&t2).await, "{all}");
    assert!(
        !has_users(&t3).await,
        "an inactive tenant was migrated: {all}"
    );
    assert!(!has_users(&m).await, "the master was migrated: {all}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let unregistered = format!(
        "s/{}: role tenant: {} lives on server s",
        t3.name(),
        t3.name()
    );
    assert!(stderr.contains(&unregistered), "{stderr}");
    assert!(
        stderr.contains("warning: server down: cannot connect"),
        "{stderr}"
    );
    assert!(!all.contains("s3cret"), "{all}");
    assert!(
        !all.contains(&gone),
        "missing while a server is down: {all}"
    );
}

#[tokio::test]
async fn registry_faults_are_warnings_and_an_empty_role_is_an_error() {
    let (t1, t2) = (TestDb::new().await, TestDb::new().await);
    let m = master(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let roles = format!(
        "[role.broken]\ndatabases = [{t1:?}]\n\
         databases_from = {{ server = \"s\", database = {m:?}, query = \"select db_name from no_such_table\" }}\n\n\
         [role.remote]\ndatabases = [{t2:?}]\n\
         databases_from = {{ server = \"down\", database = \"rsm_master\", query = \"select 'x'\" }}\n\n\
         [role.empty]\n\
         databases_from = {{ server = \"s\", database = {m:?}, query = \"select db_name from tenant_databases\" }}\n",
        m = m.name(),
        t1 = t1.name(),
        t2 = t2.name(),
    );
    setup(dir.path(), &[m.name(), t1.name(), t2.name()], &roles);
    // A failing registry leaves the role its globs; the warning names role, server, database.
    let out = apply(dir.path(), "broken");
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(has_users(&t1).await, "{all}");
    assert!(!has_users(&t2).await, "{all}");
    let warning = format!(
        "warning: s/{}: role broken: the registry query on ",
        m.name()
    );
    assert!(
        all.contains(&warning) && all.contains("no_such_table"),
        "{all}"
    );
    // An unreachable master: the same, and its password never shows.
    let out = pgdrift_in(
        Some(dir.path()),
        &[
            "migrate",
            "status",
            "--dir",
            "migrations",
            "--config",
            "pgdrift.toml",
            "--role",
            "remote",
        ],
    );
    let all = text(&out);
    assert!(
        all.contains("warning: down/rsm_master: role remote: cannot connect"),
        "{all}"
    );
    assert!(all.contains(t2.name()), "{all}");
    assert!(!all.contains("s3cret"), "{all}");
    // A role without a database, and a role the file lacks: errors naming them.
    let out = apply(dir.path(), "empty");
    let all = text(&out);
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(
        all.contains("role \"empty\" of pgdrift.toml resolves to no database"),
        "{all}"
    );
    let out = apply(dir.path(), "nope");
    let all = text(&out);
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(
        all.contains("no role \"nope\": use one of \"broken\", \"remote\", \"empty\""),
        "{all}"
    );
    // --config alone is refused: it says nothing without --role.
    let out = pgdrift_in(
        Some(dir.path()),
        &[
            "migrate",
            "apply",
            "--dir",
            "migrations",
            "--config",
            "pgdrift.toml",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(!has_users(&m).await);
}

/// With `--role`, `--verify` compares each database with the role's desired schema (as the
/// audit does), not with the directory: a directory that builds less than the role wants
/// is "applied but different".
#[tokio::test]
async fn verify_with_a_role_compares_with_the_roles_desired_schema() {
    let (t1, t2) = (TestDb::new().await, TestDb::new().await);
    let dir = tempfile::tempdir().unwrap();
    let roles = format!(
        "[role.tenant]\ndatabases = [{:?}]\ndesired = \"desired.sql\"\n\n[role.other]\ndatabases = [{:?}]\ndesired = \"migrations\"\n",
        t1.name(),
        t2.name()
    );
    setup(dir.path(), &[t1.name(), t2.name()], &roles);
    std::fs::write(
        dir.path().join("desired.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE audit_log (id bigint);\n",
    )
    .unwrap();
    let run = |role: &str| {
        let args = [
            "migrate",
            "apply",
            "--dir",
            "migrations",
            "--config",
            "pgdrift.toml",
            "--role",
            role,
            "--verify",
        ];
        pgdrift_in(Some(dir.path()), &args)
    };
    let out = run("tenant");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("applied but different"), "{t}");
    assert!(t.contains("audit_log"), "{t}");
    assert!(has_users(&t1).await, "the migration ran");
    let out = run("other");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("schema verified"), "{}", text(&out));
}
