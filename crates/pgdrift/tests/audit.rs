//! `pgdrift audit` on real servers: a broken server among good ones becomes a finding and
//! the others are audited; an audit by a role with nothing but CONNECT, whose sessions are
//! read-only by default, succeeds and writes nothing.

mod common;

use pgdrift::fleet::audit::{audit, AuditOptions, AuditReport};
use pgdrift::fleet::config::{parse, FleetConfig};
use pgdrift::pg::{connect, ConnInfo};
use pgdrift::source::LoadOptions;
use pgdrift::sql::Ident;
use pgdrift::testing::{admin_conninfo, TestDb};
use std::path::Path;
use std::time::Duration;

const DESIRED: &str = "CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);\n";

fn config(dir: &Path, text: &str) -> FleetConfig {
    std::fs::write(dir.join("desired.sql"), DESIRED).unwrap();
    let path = dir.join("pgdrift.toml");
    std::fs::write(&path, text).unwrap();
    parse(&path, text, &|_| None).unwrap_or_else(|e| panic!("{e}"))
}

async fn run(config: &FleetConfig) -> AuditReport {
    let options = AuditOptions {
        jobs: 4,
        statement_timeout: Duration::from_secs(60),
        load: LoadOptions::default(),
        lint: None,
        shard: None,
    };
    audit(config, &options, &|_| None, &mut |_| {}).await
}

fn url_without_password(info: &ConnInfo) -> String {
    ConnInfo {
        password: None,
        ..info.clone()
    }
    .to_string()
}

#[tokio::test]
async fn a_broken_server_is_a_finding_and_the_others_are_audited() {
    let good = TestDb::with_sql(DESIRED).await;
    let drifted = TestDb::with_sql("CREATE TABLE accounts (id bigint PRIMARY KEY);").await;
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[[server]]\nname = \"good\"\nurl = \"{}\"\nstage = \"test\"\ndatabases = [\"{}\", \"{}\"]\n\n\
         [[server]]\nname = \"down\"\nurl = \"postgres://audit:secret@127.0.0.1:1/postgres?connect_timeout=2\"\nstage = \"production\"\n\n\
         [role.app]\ndatabases = [\"pgdrift_test_*\"]\ndesired = \"desired.sql\"\n",
        url_without_password(&admin_conninfo()),
        good.name(),
        drifted.name(),
    );
    let report = run(&config(dir.path(), &text)).await;
    let down = report.servers.iter().find(|s| s.name == "down").unwrap();
    assert!(down.error.is_some(), "{down:?}");
    assert!(!down.target.contains("secret"), "{}", down.target);
    let codes: Vec<(&str, Option<&str>, Option<&str>)> = report
        .findings
        .iter()
        .map(|f| (f.code, f.database.as_deref(), f.object.as_deref()))
        .collect();
    assert!(codes.contains(&("PA001", None, None)), "{codes:?}");
    assert!(
        codes.contains(&(
            "PA020",
            Some(drifted.name()),
            Some("column public.accounts.email")
        )),
        "{codes:?}"
    );
    assert!(!codes.iter().any(|(_, db, _)| *db == Some(good.name())
        && codes
            .iter()
            .any(|c| c.0 == "PA020" && c.1 == Some(good.name()))));
    let names: Vec<&str> = report.databases.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, [drifted.name(), good.name()], "worst first");
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("secret"), "a password in the report");
}

/// Sessions ever opened in the database (`pg_stat_database.sessions`), once settled.
async fn sessions(admin: &pgdrift::pg::Connection, name: &str) -> i64 {
    admin
        .client
        .query_one(
            "SELECT sessions FROM pg_stat_database WHERE datname = $1",
            &[&name],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn an_audit_by_a_connect_only_read_only_role_writes_nothing() {
    let db = TestDb::with_sql(&format!(
        "{DESIRED}CREATE TABLE extra (id int); INSERT INTO extra VALUES (1);
         CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);
         INSERT INTO schema_migrations VALUES ('001');"
    ))
    .await;
    let reader = format!("audit_reader_{}", std::process::id());
    let admin = connect(&admin_conninfo()).await.unwrap();
    admin
        .client
        .batch_execute(&format!(
            "DROP ROLE IF EXISTS {r};
             CREATE ROLE {r} LOGIN;
             ALTER ROLE {r} SET default_transaction_read_only = on;
             REVOKE ALL ON DATABASE {db} FROM PUBLIC;
             GRANT CONNECT ON DATABASE {db} TO {r};",
            r = Ident(&reader),
            db = Ident(db.name()),
        ))
        .await
        .unwrap();
    let as_reader = ConnInfo {
        user: Some(reader.clone()),
        password: None,
        ..admin_conninfo()
    };
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[[server]]\nname = \"s\"\nurl = \"{}\"\nstage = \"production\"\ndatabases = [\"{}\"]\n\n\
         [role.app]\ndatabases = [\"*\"]\ndesired = \"desired.sql\"\n",
        url_without_password(&as_reader),
        db.name(),
    );
    let config = config(dir.path(), &text);
    let before = common::settled_writes(&admin, db.name()).await;
    let sessions_before = sessions(&admin, db.name()).await;
    let report = run(&config).await;
    let after = common::settled_writes(&admin, db.name()).await;
    let sessions_after = sessions(&admin, db.name()).await;
    let codes: Vec<(&str, Option<&str>)> = report
        .findings
        .iter()
        .map(|f| (f.code, f.object.as_deref()))
        .collect();
    // Without the README's optional grant, dbmate's table is a finding with that grant.
    assert_eq!(
        codes,
        [
            ("PA021", Some("table public.extra")),
            ("PA034", Some("table public.schema_migrations"))
        ],
        "{:?}",
        report.findings
    );
    let entry = &report.databases[0];
    assert!(entry.facts.as_ref().unwrap().read_only);
    assert_eq!(entry.trackers[0].table, "public.schema_migrations");
    assert_eq!(after, before, "the audit wrote rows in {}", db.name());
    // Facts, trackers and catalog are read in one session (one snapshot).
    assert_eq!(
        sessions_after - sessions_before,
        1,
        "sessions the audit opened in {}",
        db.name()
    );
    admin
        .client
        .batch_execute(&format!(
            "DROP OWNED BY {r}; DROP ROLE {r};",
            r = Ident(&reader)
        ))
        .await
        .unwrap();
}

/// A fleet migrated correctly — by pgdrift, by a team's own runner that keeps a log, and by
/// a tool whose tracker lives in a schema of its own — has no finding about tracking tables:
/// none of them is extra, leaked, changed or untracked.
#[tokio::test]
async fn a_correctly_migrated_fleet_has_no_finding_about_trackers() {
    use pgdrift::migrate::runner::{apply, ApplyOptions};
    use pgdrift::source::dir::Ignore;
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations/plain");
    let read = pgdrift::source::dir::read_dir(&fixtures, None, &Ignore::none()).unwrap();
    let files = pgdrift::migrate::files::files(&read).unwrap();
    let by_pgdrift = TestDb::new().await;
    apply(
        &by_pgdrift.connect().await,
        &files,
        &ApplyOptions::default(),
        &mut |_| {},
    )
    .await
    .unwrap();
    // The same schema, and the logs other runners keep of it.
    let replayed = || async {
        let db = TestDb::new().await;
        for f in &files {
            db.execute(&std::fs::read_to_string(&f.migration.path).unwrap())
                .await;
        }
        db
    };
    let versions: Vec<String> = files
        .iter()
        .map(|f| format!("('{}')", f.version.trim_end_matches(".sql")))
        .collect();
    let by_runner = replayed().await;
    by_runner
        .execute(&format!(
            "CREATE TABLE migration_log (filename text PRIMARY KEY, applied_at timestamptz DEFAULT now());
             INSERT INTO migration_log (filename) VALUES {};",
            versions.join(", ")
        ))
        .await;
    let by_tool = replayed().await;
    by_tool
        .execute(
            "CREATE SCHEMA drizzle;
             CREATE TABLE drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);
             INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('x', 1709294400000);",
        )
        .await;
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[[server]]\nname = \"s\"\nurl = \"{}\"\nstage = \"test\"\ndatabases = [\"{}\", \"{}\", \"{}\"]\n\n\
         [role.app]\ndatabases = [\"*\"]\ndesired = \"{d}\"\nmigrations = \"{d}\"\n",
        url_without_password(&admin_conninfo()),
        by_pgdrift.name(),
        by_runner.name(),
        by_tool.name(),
        d = fixtures.display(),
    );
    let report = run(&config(dir.path(), &text)).await;
    let findings: Vec<(&str, Option<&str>, &str)> = report
        .findings
        .iter()
        .map(|f| (f.code, f.database.as_deref(), f.message.as_str()))
        .collect();
    assert_eq!(findings, [], "{findings:#?}");
    let managers: Vec<(&str, Option<&str>)> = report
        .databases
        .iter()
        .map(|d| (d.name.as_str(), d.managed_by.as_deref()))
        .collect();
    assert!(
        managers.contains(&(by_runner.name(), Some("homegrown"))),
        "{managers:?}"
    );
    assert!(
        managers.contains(&(by_tool.name(), Some("drizzle"))),
        "{managers:?}"
    );
    assert!(
        managers.contains(&(by_pgdrift.name(), Some("pgdrift"))),
        "{managers:?}"
    );
    let matrix = serde_json::to_string(&report.matrix).unwrap();
    for tracker in [
        "pgdrift.migrations",
        "migration_log",
        "__drizzle_migrations",
        "schema drizzle",
    ] {
        assert!(
            !matrix.contains(tracker),
            "{tracker} in the matrix: {matrix}"
        );
    }
}

/// A homegrown runner that stopped early: the audit reads its log as the tracker it is and
/// names the files it never applied (PA030), with no "untracked" or "extra table" finding.
#[tokio::test]
async fn a_homegrown_runner_behind_its_directory_has_pending_migrations() {
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("migrations");
    std::fs::create_dir(&migrations).unwrap();
    for i in 1..=4 {
        std::fs::write(
            migrations.join(format!("{i:03}_t{i}.sql")),
            format!("CREATE TABLE t{i} (id int);\n"),
        )
        .unwrap();
    }
    let db = TestDb::with_sql(
        "CREATE TABLE t1 (id int); CREATE TABLE t2 (id int);
         CREATE TABLE schema_version (version integer PRIMARY KEY, applied_on date);
         INSERT INTO schema_version VALUES (1, '2025-01-01'), (2, '2025-01-02');",
    )
    .await;
    let text = format!(
        "[[server]]\nname = \"s\"\nurl = \"{}\"\nstage = \"test\"\ndatabases = [\"{}\"]\n\n\
         [role.app]\ndatabases = [\"*\"]\ndesired = \"{d}\"\nmigrations = \"{d}\"\n",
        url_without_password(&admin_conninfo()),
        db.name(),
        d = migrations.display(),
    );
    let report = run(&config(dir.path(), &text)).await;
    let codes: Vec<&str> = report.findings.iter().map(|f| f.code).collect();
    assert!(
        !codes.contains(&"PA033") && !codes.contains(&"PA021"),
        "{codes:?}"
    );
    let pending = report
        .findings
        .iter()
        .find(|f| f.code == "PA030")
        .unwrap_or_else(|| panic!("no PA030 in {:#?}", report.findings));
    assert!(
        pending.message.contains("2 migration(s)")
            && pending.message.contains("homegrown tracker")
            && pending.message.contains("003_t3.sql, 004_t4.sql"),
        "{}",
        pending.message
    );
}
