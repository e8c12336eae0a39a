//! Tenants listed by a registry in the master database (`databases_from`), audited on real
//! servers: registered but missing, present but not registered, registered on another
//! server, a registry that fails; registered databases play the role, and `--shard` shares
//! the findings out exactly once.

use pgdrift::fleet::audit::{audit, AuditOptions, AuditReport};
use pgdrift::fleet::config::{parse, FleetConfig};
use pgdrift::fleet::shard::Shard;
use pgdrift::pg::ConnInfo;
use pgdrift::source::LoadOptions;
use pgdrift::testing::{admin_conninfo, TestDb};
use std::path::Path;
use std::time::Duration;

fn server_url() -> String {
    ConnInfo {
        password: None,
        ..admin_conninfo()
    }
    .to_string()
}

fn config(dir: &Path, text: &str) -> FleetConfig {
    let path = dir.join("pgdrift.toml");
    std::fs::write(&path, text).unwrap();
    parse(&path, text, &|_| None).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

async fn run(config: &FleetConfig, shard: Option<Shard>) -> AuditReport {
    let options = AuditOptions {
        jobs: 4,
        statement_timeout: Duration::from_secs(60),
        load: LoadOptions::default(),
        lint: None,
        shard,
    };
    audit(config, &options, &|_| None, &mut |_| {}).await
}

/// A master whose `tenant_databases` registers `rows` as (database, server, active).
async fn master(rows: &[(&str, Option<&str>, bool)]) -> TestDb {
    let mut sql = "CREATE TABLE tenant_databases (db_name text PRIMARY KEY, server_name text, active boolean NOT NULL);\n".to_string();
    for (db, server, active) in rows {
        let server = server.map_or("NULL".to_string(), |s| format!("'{s}'"));
        sql.push_str(&format!(
            "INSERT INTO tenant_databases VALUES ('{db}', {server}, {active});\n"
        ));
    }
    TestDb::with_sql(&sql).await
}

fn globs(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

/// (code, server, database) of every finding.
fn codes(report: &AuditReport) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = (report.findings.iter())
        .map(|f| {
            let db = f.database.clone().unwrap_or_default();
            (f.code.to_string(), f.server.clone(), db)
        })
        .collect();
    out.sort();
    out
}

fn has(report: &AuditReport, code: &str, server: &str, db: &str) -> bool {
    codes(report).contains(&(code.into(), server.into(), db.into()))
}

fn role_of<'r>(report: &'r AuditReport, server: &str, db: &str) -> Option<&'r str> {
    let entry = report
        .databases
        .iter()
        .find(|d| d.server == server && d.name == db);
    entry
        .unwrap_or_else(|| panic!("{server}/{db} not audited"))
        .role
        .as_deref()
}

#[tokio::test]
async fn registry_and_servers_side_by_side() {
    let (t1, t2, t3, t4, t5) = (
        TestDb::new().await,
        TestDb::new().await,
        TestDb::new().await,
        TestDb::new().await,
        TestDb::new().await,
    );
    let gone = format!("{}_gone", t1.name());
    let m = master(&[
        (t1.name(), Some("east"), true),
        (t2.name(), Some("east"), true),
        (t3.name(), Some("east"), true),
        (&gone, Some("east"), true),
        (t5.name(), Some("east"), false),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[[server]]\nname = \"east\"\nurl = \"{url}\"\nstage = \"test\"\ndatabases = {east}\n\n\
         [[server]]\nname = \"west\"\nurl = \"{url}\"\nstage = \"test\"\ndatabases = {west}\n\n\
         [role.master]\ndatabases = [{master:?}]\n\n\
         [role.tenant]\ndatabases = [{t4:?}]\n\
         databases_from = {{ server = \"east\", database = {master:?}, query = \"select db_name, server_name from tenant_databases where active\" }}\n",
        url = server_url(),
        east = globs(&[m.name(), t1.name(), t2.name(), t4.name(), t5.name()]),
        west = globs(&[t3.name()]),
        master = m.name(),
        t4 = t4.name(),
    );
    let report = run(&config(dir.path(), &text), None).await;
    let found = codes(&report);
    assert!(has(&report, "PA041", "east", &gone), "{found:#?}");
    assert!(has(&report, "PA043", "west", t3.name()), "{found:#?}");
    assert!(has(&report, "PA042", "east", t4.name()), "{found:#?}");
    assert!(
        has(&report, "PA010", "east", t5.name()),
        "inactive: {found:#?}"
    );
    let registry: Vec<_> = found.iter().filter(|c| c.0.starts_with("PA04")).collect();
    assert_eq!(registry.len(), 3, "nothing else disagrees: {registry:#?}");
    for (server, db) in [
        ("east", t1.name()),
        ("east", t2.name()),
        ("west", t3.name()),
        ("east", t4.name()),
    ] {
        assert_eq!(
            role_of(&report, server, db),
            Some("tenant"),
            "{server}/{db}"
        );
    }
    assert_eq!(role_of(&report, "east", m.name()), Some("master"));
    assert_eq!(role_of(&report, "east", t5.name()), None);
    let elsewhere = report.findings.iter().find(|f| f.code == "PA043").unwrap();
    assert!(
        elsewhere.message.contains("registered on server east"),
        "{}",
        elsewhere.message
    );
    assert!(
        elsewhere.message.contains("lives on west"),
        "{}",
        elsewhere.message
    );
    let missing = report.findings.iter().find(|f| f.code == "PA041").unwrap();
    assert!(
        missing.message.contains("server east has no such database"),
        "{}",
        missing.message
    );
    assert!(
        missing.fix.contains(&format!("east/{}", m.name())),
        "{}",
        missing.fix
    );
    let tenant = report.roles.iter().find(|r| r.name == "tenant").unwrap();
    assert_eq!(tenant.databases, 4);

    // Two shards hold every registry finding once between them, and only their own.
    let mut shared = Vec::new();
    for index in 1..=2 {
        let part = run(&config(dir.path(), &text), Some(Shard { index, count: 2 })).await;
        for f in part.findings.iter().filter(|f| f.code.starts_with("PA04")) {
            let db = f.database.as_deref().unwrap_or("");
            assert_eq!(Shard::of(&f.server, db, 2), index, "{f:?}");
            shared.push((f.code.to_string(), f.server.clone(), db.to_string()));
        }
    }
    shared.sort();
    let all: Vec<_> = registry.into_iter().cloned().collect();
    assert_eq!(shared, all);
}

#[tokio::test]
async fn a_registry_only_role_a_failing_registry_and_an_unreachable_master() {
    let (t1, t6) = (TestDb::new().await, TestDb::new().await);
    let gone = format!("{}_gone", t1.name());
    let m = master(&[(t1.name(), None, true), (&gone, None, true)]).await;
    let dir = tempfile::tempdir().unwrap();
    let registry = |server: &str, query: &str| {
        format!(
            "databases_from = {{ server = {server:?}, database = {:?}, query = {query:?} }}\n",
            m.name()
        )
    };
    let text = format!(
        "[[server]]\nname = \"s\"\nurl = \"{url}\"\nstage = \"test\"\ndatabases = {dbs}\n\n\
         [[server]]\nname = \"down\"\nurl = \"postgres://x@127.0.0.1:1/postgres?connect_timeout=2\"\nstage = \"test\"\n\n\
         [role.broken]\n{broken}\n[role.typed]\n{typed}\n[role.remote]\n{remote}\n[role.tenant]\n{tenant}",
        url = server_url(),
        dbs = globs(&[m.name(), t1.name(), t6.name()]),
        broken = registry("s", "select db_name from no_such_table"),
        typed = registry("s", "select 1"),
        remote = registry("down", "select db_name from tenant_databases"),
        tenant = registry("s", "select db_name from tenant_databases"),
    );
    let report = run(&config(dir.path(), &text), None).await;
    let found = codes(&report);
    let failed: Vec<_> = found.iter().filter(|c| c.0 == "PA040").collect();
    assert_eq!(failed.len(), 3, "{found:#?}");
    let message = |role: &str| {
        let f = report
            .findings
            .iter()
            .find(|f| f.code == "PA040" && f.message.starts_with(&format!("role {role}:")));
        f.unwrap_or_else(|| panic!("no PA040 for {role}: {found:#?}"))
            .clone()
    };
    let broken = message("broken");
    assert_eq!(
        (broken.server.as_str(), broken.database.as_deref()),
        ("s", Some(m.name()))
    );
    assert!(
        broken.message.contains("no_such_table"),
        "{}",
        broken.message
    );
    assert!(
        message("typed").message.contains("not text"),
        "{}",
        message("typed").message
    );
    let remote = message("remote");
    assert_eq!(remote.server, "down");
    // The registry-only role goes on: its tenant plays it, the unregistered one is said
    // once (not also as playing no role), the master is not a tenant.
    assert_eq!(role_of(&report, "s", t1.name()), Some("tenant"));
    assert!(has(&report, "PA042", "s", t6.name()), "{found:#?}");
    assert!(!has(&report, "PA010", "s", t6.name()), "{found:#?}");
    assert!(has(&report, "PA010", "s", m.name()), "{found:#?}");
    assert!(
        !found.iter().any(|c| c.0 == "PA042" && c.2 == m.name()),
        "{found:#?}"
    );
    // While a server is down, a registered database it might hold is not called missing.
    assert!(!found.iter().any(|c| c.0 == "PA041"), "{found:#?}");
    assert!(has(&report, "PA001", "down", ""), "{found:#?}");
}
