//! `pgdrift audit` with what a production audit role really has: the README's minimal
//! grants (a tracking table it may not read is a finding with the GRANT, never "0 applied"
//! or "pending migrations"), and a database where another session holds a table in
//! `ACCESS EXCLUSIVE` (the audit takes no table lock; what only the server can deparse names
//! the locked table, as a read failure, never "unreachable").

mod common;

use pgdrift::fleet::audit::{audit, AuditOptions, AuditReport};
use pgdrift::fleet::config::{parse, FleetConfig};
use pgdrift::pg::{connect, ConnInfo, Connection};
use pgdrift::source::LoadOptions;
use pgdrift::sql::Ident;
use pgdrift::testing::{admin_conninfo, TestDb};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations/plain")
}

async fn run(dir: &Path, text: &str) -> AuditReport {
    let path = dir.join("pgdrift.toml");
    std::fs::write(&path, text).unwrap();
    let config: FleetConfig = parse(&path, text, &|_| None).unwrap_or_else(|e| panic!("{e}"));
    let options = AuditOptions {
        jobs: 2,
        statement_timeout: Duration::from_secs(60),
        load: LoadOptions::default(),
        lint: None,
        shard: None,
    };
    audit(&config, &options, &|_| None, &mut |_| {}).await
}

/// A login role with nothing but CONNECT on `db`, read-only by default (the README's role
/// before its tracker grants).
async fn connect_only_role(admin: &Connection, role: &str, db: &str) -> ConnInfo {
    admin
        .client
        .batch_execute(&format!(
            "DROP ROLE IF EXISTS {r};
             CREATE ROLE {r} LOGIN;
             ALTER ROLE {r} SET default_transaction_read_only = on;
             REVOKE ALL ON DATABASE {db} FROM PUBLIC;
             GRANT CONNECT ON DATABASE {db} TO {r};",
            r = Ident(role),
            db = Ident(db),
        ))
        .await
        .unwrap();
    ConnInfo {
        user: Some(role.to_string()),
        password: None,
        ..admin_conninfo()
    }
}

fn config_text(url: &ConnInfo, db: &str, migrations: &Path) -> String {
    let url = ConnInfo {
        password: None,
        ..url.clone()
    };
    format!(
        "[[server]]\nname = \"s\"\nurl = \"{url}\"\nstage = \"production\"\ndatabases = [\"{db}\"]\n\n\
         [role.app]\ndatabases = [\"*\"]\ndesired = \"{d}\"\nmigrations = \"{d}\"\n",
        d = migrations.display(),
    )
}

/// The statements of the README's block of grants for the audit role, for `role` on `db`.
fn readme_grants(role: &str, db: &str) -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let start = readme
        .find("The role needs no more than:")
        .expect("the audit role's grants");
    let block = &readme[start..];
    let block = &block[block.find("```sql\n").unwrap() + 7..];
    let block = &block[..block.find("```").unwrap()];
    block
        .lines()
        .map(|l| l.split("--").next().unwrap().trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.replace("pgdrift_audit", &Ident(role).to_string())
                .replace("tenant_1, tenant_2", &Ident(db).to_string())
        })
        .collect()
}

#[tokio::test]
async fn a_tracker_the_role_may_not_read_is_a_grant_to_make_never_pending_migrations() {
    use pgdrift::migrate::runner::{apply, ApplyOptions};
    use pgdrift::source::dir::Ignore;
    let read = pgdrift::source::dir::read_dir(&fixtures(), None, &Ignore::none()).unwrap();
    let files = pgdrift::migrate::files::files(&read).unwrap();
    let db = TestDb::new().await;
    apply(
        &db.connect().await,
        &files,
        &ApplyOptions::default(),
        &mut |_| {},
    )
    .await
    .unwrap();
    let admin = connect(&admin_conninfo()).await.unwrap();
    let role = format!("audit_tracker_{}", std::process::id());
    let as_role = connect_only_role(&admin, &role, db.name()).await;
    let dir = tempfile::tempdir().unwrap();
    let text = config_text(&as_role, db.name(), &fixtures());

    let report = run(dir.path(), &text).await;
    let findings: Vec<(&str, Option<&str>, &str)> = report
        .findings
        .iter()
        .map(|f| (f.code, f.object.as_deref(), f.fix.as_str()))
        .collect();
    let grant = format!(
        "GRANT USAGE ON SCHEMA pgdrift TO {r}; GRANT SELECT ON pgdrift.migrations TO {r}",
        r = Ident(&role)
    );
    assert_eq!(
        findings,
        [("PA034", Some("table pgdrift.migrations"), grant.as_str())],
        "{:#?}",
        report.findings
    );
    let tracker = &report.databases[0].trackers[0];
    assert_eq!(tracker.applied, None, "{tracker:?}");
    assert!(
        tracker
            .unreadable
            .as_deref()
            .unwrap()
            .contains("no USAGE on schema pgdrift")
            || tracker
                .unreadable
                .as_deref()
                .unwrap()
                .contains("neither USAGE")
    );
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.contains("\"applied\":null"), "{json}");
    for format in [
        pgdrift::report::audit::render_text(&report, false),
        pgdrift::report::audit::render_markdown(&report),
        pgdrift::report::audit::render_html(&report),
    ] {
        assert!(!format.contains("0 applied"), "{format}");
        assert!(format.contains("PA034"), "{format}");
    }

    // With the README's grants, the tracker is read and nothing is pending.
    let db_admin = db.connect().await;
    for statement in readme_grants(&role, db.name()) {
        if statement.starts_with("CREATE ROLE") {
            continue;
        }
        let result = db_admin.client.batch_execute(&statement).await;
        // The grant on another tool's table is optional: that table is not here.
        if statement.contains("public.schema_migrations") {
            continue;
        }
        result.unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
    let report = run(dir.path(), &text).await;
    assert_eq!(report.findings, [], "{:#?}", report.findings);
    assert_eq!(report.databases[0].trackers[0].applied, Some(files.len()));
    let owned = format!("DROP OWNED BY {}", Ident(&role));
    db_admin.client.batch_execute(&owned).await.unwrap();
    drop(db_admin);
    drop(db);
    admin
        .client
        .batch_execute(&format!("DROP ROLE {}", Ident(&role)))
        .await
        .ok();
}

/// A table whose definition pgdrift writes back itself (defaults, a check, an index
/// expression and predicate), and one a view reads (a view only the server can write).
const LOCKABLE: &str = "
CREATE TABLE calm (id int PRIMARY KEY, n int NOT NULL DEFAULT 0 CHECK (n >= 0),
                   s text DEFAULT 'x', at timestamptz DEFAULT now());
CREATE INDEX calm_lower ON calm (lower(s)) WHERE n > 0;
CREATE TABLE watched (id int PRIMARY KEY, a int DEFAULT 1);
CREATE VIEW watched_ids AS SELECT id FROM watched;
";

/// Another session holding `table` in ACCESS EXCLUSIVE until it is dropped; its pid.
async fn hold(db: &TestDb, table: &str) -> (Connection, i32) {
    let locker = db.connect().await;
    locker
        .client
        .batch_execute(&format!(
            "BEGIN; LOCK TABLE {} IN ACCESS EXCLUSIVE MODE",
            Ident(table)
        ))
        .await
        .unwrap();
    let pid: i32 = locker
        .client
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .unwrap()
        .get(0);
    (locker, pid)
}

fn lock_config(dir: &Path, db: &TestDb) -> String {
    std::fs::write(dir.join("desired.sql"), LOCKABLE).unwrap();
    let url = ConnInfo {
        password: None,
        ..admin_conninfo()
    };
    format!(
        "[[server]]\nname = \"s\"\nurl = \"{url}\"\nstage = \"production\"\ndatabases = [\"{}\"]\n\n\
         [role.app]\ndatabases = [\"*\"]\ndesired = \"desired.sql\"\n",
        db.name()
    )
}

#[tokio::test]
async fn an_audit_reads_past_a_table_another_session_holds_in_access_exclusive() {
    let db = TestDb::with_sql(LOCKABLE).await;
    let dir = tempfile::tempdir().unwrap();
    let text = lock_config(dir.path(), &db);
    let (_locker, _) = hold(&db, "calm").await;
    let started = std::time::Instant::now();
    let report = run(dir.path(), &text).await;
    let elapsed = started.elapsed();
    let codes: Vec<&str> = report.findings.iter().map(|f| f.code).collect();
    // Untracked (PA033) is all: the catalog was read whole, and equals the desired one.
    assert_eq!(codes, ["PA033"], "{:#?}", report.findings);
    // The audit never waited for the lock (lock_timeout is 10 s).
    assert!(
        elapsed < Duration::from_secs(8),
        "the audit took {elapsed:?}"
    );
}

#[tokio::test]
async fn what_only_the_server_can_write_names_the_locked_table_as_a_read_failure() {
    let db = TestDb::with_sql(LOCKABLE).await;
    let dir = tempfile::tempdir().unwrap();
    let text = lock_config(dir.path(), &db);
    let (_locker, pid) = hold(&db, "watched").await;
    let report = run(dir.path(), &text).await;
    let codes: Vec<&str> = report.findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, ["PA004"], "{:#?}", report.findings);
    let message = &report.findings[0].message;
    for expected in [
        "public.watched",
        "ACCESS EXCLUSIVE",
        &format!("pid {pid}"),
        "once that transaction ends",
    ] {
        assert!(message.contains(expected), "{expected:?} not in {message}");
    }
    assert!(!message.contains("lock on the catalog"), "{message}");
}

#[tokio::test]
async fn a_server_side_read_that_gives_up_on_a_lock_names_the_table() {
    use pgdrift::source::{inspect, Deparse, InspectError, InspectOptions};
    let db = TestDb::with_sql(LOCKABLE).await;
    let (_locker, pid) = hold(&db, "calm").await;
    let options = InspectOptions {
        deparse: Deparse::Server,
        lock_timeout: Duration::from_millis(500),
        jobs: 1,
        ..InspectOptions::default()
    };
    let e = inspect(db.conninfo(), &options).await.unwrap_err();
    let InspectError::Locked { tables, .. } = &e else {
        panic!("not a lock timeout: {e}");
    };
    assert_eq!(tables.len(), 1, "{tables:?}");
    assert_eq!(
        (tables[0].name.as_str(), tables[0].pid),
        ("public.calm", pid)
    );
    assert!(tables[0].granted);
    assert!(e.to_string().contains("public.calm (held by pid"), "{e}");
    // Client deparse reads the same database without waiting.
    let options = InspectOptions {
        deparse: Deparse::Client,
        ..options
    };
    let read = inspect(db.conninfo(), &options).await.unwrap();
    assert!(read.snapshot.catalog.tables.len() >= 2);
}

#[tokio::test]
async fn a_desired_schema_read_from_a_live_database_takes_no_table_lock_either() {
    let desired = TestDb::with_sql(LOCKABLE).await;
    let audited = TestDb::with_sql(LOCKABLE).await;
    let dir = tempfile::tempdir().unwrap();
    let url = ConnInfo {
        password: None,
        ..admin_conninfo()
    };
    let desired_url = ConnInfo {
        password: None,
        ..desired.conninfo().clone()
    };
    let text = format!(
        "[[server]]\nname = \"s\"\nurl = \"{url}\"\nstage = \"production\"\ndatabases = [\"{}\"]\n\n\
         [role.app]\ndatabases = [\"*\"]\ndesired = \"{desired_url}\"\n",
        audited.name()
    );
    let (_locker, _) = hold(&desired, "calm").await;
    let started = std::time::Instant::now();
    let report = run(dir.path(), &text).await;
    let codes: Vec<&str> = report.findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, ["PA033"], "{:#?}", report.findings);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn any_count_of_jobs_a_library_caller_passes_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        "[[server]]\nname = \"down\"\nurl = \"postgres://u@127.0.0.1:1/db?connect_timeout=2\"\n\
                stage = \"test\"\n\n[role.app]\ndatabases = [\"*\"]\n";
    let path = dir.path().join("pgdrift.toml");
    std::fs::write(&path, text).unwrap();
    let config = parse(&path, text, &|_| None).unwrap();
    let options = AuditOptions {
        jobs: usize::MAX,
        statement_timeout: Duration::from_secs(5),
        load: LoadOptions::default(),
        lint: None,
        shard: None,
    };
    let report = audit(&config, &options, &|_| None, &mut |_| {}).await;
    let codes: Vec<&str> = report.findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, ["PA001"], "{:#?}", report.findings);
}
