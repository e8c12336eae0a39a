//! Evidence for a baseline against real databases: a live database built from the same
//! migrations holds every one of them; a missing table, a column of another type, a missing
//! index are found and charged to the migration that made them; what a later migration drops
//! does not count; a migration that does not replay is named at its line; nothing is left
//! behind on the shadow server.
#![allow(clippy::print_stderr)]

mod common;

use common::no_cache;
use pgdrift::migrate::evidence::{
    gather, Evidence, EvidenceError, EvidenceStatus,
    EvidenceStatus::{Missing, NoSchemaObjects, Partial, Present},
    MigrationEvidence, ObjectEvidence, ObjectState,
};
use pgdrift::migrate::Migration;
use pgdrift::model::Kind;
use pgdrift::report::evidence::render_text;
use pgdrift::source::dir::read_dir;
use pgdrift::source::dir::Ignore;
use pgdrift::source::LoadOptions;
use pgdrift::testing::TestDb;
use std::path::{Path, PathBuf};

fn app_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/evidence/app")
}

fn app() -> Vec<Migration> {
    read_dir(&app_dir(), None, &Ignore::none())
        .unwrap()
        .migrations
}

/// A live database built by running `files` of the app directory one by one (as their tool
/// would: each on its own), then `extra`.
async fn live(files: &[&str], extra: &str) -> TestDb {
    let db = TestDb::new().await;
    for file in files {
        let sql = std::fs::read_to_string(app_dir().join(file)).unwrap();
        db.execute(&sql).await;
    }
    if !extra.is_empty() {
        db.execute(extra).await;
    }
    db
}

const ALL: &[&str] = &[
    "001_users.sql",
    "002_orders.sql",
    "003_data.sql",
    "004_drop_legacy.sql",
    "005_email_length.sql",
    "006_orders_total.sql",
];

async fn evidence(migrations: &[Migration], db: &TestDb) -> Evidence {
    gather(migrations, db.conninfo(), &no_cache())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn statuses(e: &Evidence) -> Vec<(&str, EvidenceStatus)> {
    e.migrations
        .iter()
        .map(|m| (m.version.as_str(), m.status))
        .collect()
}

fn objects(m: &MigrationEvidence) -> Vec<(Kind, &str, &ObjectState)> {
    m.objects
        .iter()
        .map(|o: &ObjectEvidence| (o.kind, o.name.as_str(), &o.state))
        .collect()
}

fn migration<'a>(e: &'a Evidence, version: &str) -> &'a MigrationEvidence {
    e.migrations
        .iter()
        .find(|m| m.version == version)
        .unwrap_or_else(|| panic!("no migration {version}"))
}

fn superseded() -> ObjectState {
    ObjectState::Superseded {
        by: "004_drop_legacy.sql".into(),
    }
}

fn differs(field: &str) -> ObjectState {
    ObjectState::Differs {
        fields: vec![field.to_string()],
    }
}

/// The line `render_text` writes for `version`.
fn line(e: &Evidence, version: &str) -> String {
    render_text(e)
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some(version))
        .unwrap_or_else(|| panic!("no line for {version}"))
        .to_string()
}

#[tokio::test]
async fn a_database_built_from_the_same_migrations_holds_every_one() {
    // pgdrift's own tracking table and another tool's are in the live database only.
    let db = live(
        ALL,
        "CREATE SCHEMA pgdrift;
         CREATE TABLE pgdrift.migrations (version text PRIMARY KEY);
         CREATE TABLE public.schema_migrations (version bigint PRIMARY KEY);",
    )
    .await;
    let e = evidence(&app(), &db).await;
    assert_eq!(
        statuses(&e),
        [
            ("001_users.sql", Present),
            ("002_orders.sql", Present),
            ("003_data.sql", NoSchemaObjects),
            ("004_drop_legacy.sql", NoSchemaObjects),
            ("005_email_length.sql", Present),
            ("006_orders_total.sql", Present),
        ]
    );
    assert!(e.supports_baseline());
    assert_eq!(e.unsupported().count(), 0);
    let present = &ObjectState::Present;
    assert_eq!(
        objects(migration(&e, "001_users.sql")),
        [
            (Kind::Table, "public.legacy_sessions", &superseded()),
            (Kind::Column, "public.legacy_sessions.token", &superseded()),
            (
                Kind::Column,
                "public.legacy_sessions.user_id",
                &superseded()
            ),
            (Kind::Table, "public.users", present),
            (Kind::Column, "public.users.id", present),
            (Kind::Column, "public.users.email", present),
            (Kind::Column, "public.users.name", present),
            (
                Kind::Constraint,
                "public.legacy_sessions_pkey on public.legacy_sessions",
                &superseded()
            ),
            (
                Kind::Constraint,
                "public.users_pkey on public.users",
                present
            ),
            (Kind::Index, "public.users_email", present),
        ]
    );
    assert_eq!(
        objects(migration(&e, "002_orders.sql")),
        [
            (Kind::Table, "public.orders", present),
            (Kind::Column, "public.orders.id", present),
            (Kind::Column, "public.orders.user_id", present),
            (Kind::Column, "public.orders.total", present),
            (
                Kind::Constraint,
                "public.orders_pkey on public.orders",
                present
            ),
            (
                Kind::Constraint,
                "public.orders_user_id_fkey on public.orders",
                present
            ),
            (Kind::Index, "public.orders_user_id", present),
        ]
    );
    assert_eq!(
        objects(migration(&e, "005_email_length.sql")),
        [(Kind::Column, "public.users.email", present)]
    );
    // Run outside a transaction, as its first line asks.
    assert_eq!(
        objects(migration(&e, "006_orders_total.sql")),
        [(Kind::Index, "public.orders_total", present)]
    );
    assert_eq!(
        render_text(&e),
        "✓ 001_users.sql         present (6 objects; 4 dropped later by 004_drop_legacy.sql)\n\
         ✓ 002_orders.sql        present (7 objects)\n\
         · 003_data.sql          no schema objects (it creates or alters none)\n\
         · 004_drop_legacy.sql   no schema objects (it creates or alters none)\n\
         ✓ 005_email_length.sql  present (1 object)\n\
         ✓ 006_orders_total.sql  present (1 object)\n"
    );
    assert_eq!(
        e.summary(),
        "6 migrations: 4 present, 2 without schema objects"
    );
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["migrations"][0]["version"], "001_users.sql");
    assert_eq!(
        json["migrations"][0]["path"],
        app_dir().join("001_users.sql").display().to_string()
    );
    assert_eq!(
        json["migrations"][0]["objects"][0],
        serde_json::json!({
            "kind": "table",
            "name": "public.legacy_sessions",
            "state": "superseded",
            "by": "004_drop_legacy.sql",
        })
    );
    assert_eq!(json["migrations"][2]["status"], "no_schema_objects");
}

#[tokio::test]
async fn a_missing_table_makes_its_migration_missing() {
    let db = live(
        &[
            "001_users.sql",
            "003_data.sql",
            "004_drop_legacy.sql",
            "005_email_length.sql",
        ],
        "",
    )
    .await;
    let e = evidence(&app()[..5], &db).await;
    assert_eq!(
        statuses(&e),
        [
            ("001_users.sql", Present),
            ("002_orders.sql", Missing),
            ("003_data.sql", NoSchemaObjects),
            ("004_drop_legacy.sql", NoSchemaObjects),
            ("005_email_length.sql", Present),
        ]
    );
    assert!(!e.supports_baseline());
    assert_eq!(
        e.unsupported()
            .map(|m| m.version.as_str())
            .collect::<Vec<_>>(),
        ["002_orders.sql"]
    );
    let orders = migration(&e, "002_orders.sql");
    assert_eq!(orders.objects.len(), 7);
    assert!(orders
        .objects
        .iter()
        .all(|o| o.state == ObjectState::Missing));
    assert_eq!(
        line(&e, "002_orders.sql"),
        "✗ 002_orders.sql        missing (none of 7 objects: table public.orders, \
         constraint public.orders_pkey on public.orders, \
         constraint public.orders_user_id_fkey on public.orders, index public.orders_user_id)"
    );
    assert_eq!(
        e.summary(),
        "5 migrations: 2 present, 1 missing, 2 without schema objects"
    );
}

#[tokio::test]
async fn a_column_of_another_type_or_a_missing_index_makes_its_migration_partial() {
    let db = live(
        ALL,
        "ALTER TABLE users ALTER COLUMN name TYPE varchar(100);
         DROP INDEX users_email;",
    )
    .await;
    let e = evidence(&app(), &db).await;
    assert_eq!(
        statuses(&e),
        [
            ("001_users.sql", Partial),
            ("002_orders.sql", Present),
            ("003_data.sql", NoSchemaObjects),
            ("004_drop_legacy.sql", NoSchemaObjects),
            ("005_email_length.sql", Present),
            ("006_orders_total.sql", Present),
        ]
    );
    assert!(!e.supports_baseline());
    let users = migration(&e, "001_users.sql");
    let counted: Vec<_> = objects(users)
        .into_iter()
        .filter(|(_, _, s)| s.counts())
        .collect();
    let present = &ObjectState::Present;
    assert_eq!(
        counted,
        [
            (Kind::Table, "public.users", present),
            (Kind::Column, "public.users.id", present),
            (Kind::Column, "public.users.email", present),
            (Kind::Column, "public.users.name", &differs("type")),
            (
                Kind::Constraint,
                "public.users_pkey on public.users",
                present
            ),
            (Kind::Index, "public.users_email", &ObjectState::Missing),
        ]
    );
    assert_eq!(users.present_of_counted(), (4, 6));
    assert_eq!(
        line(&e, "001_users.sql"),
        "~ 001_users.sql         partly present (4 of 6 objects; missing: index public.users_email; \
         differs: column public.users.name (type); 4 dropped later by 004_drop_legacy.sql)"
    );
}

#[tokio::test]
async fn a_later_change_the_database_lacks_is_charged_to_the_migration_that_makes_it() {
    // 005 changes the type of the column 001 made; the live database never got 005.
    let db = live(
        &[
            "001_users.sql",
            "002_orders.sql",
            "003_data.sql",
            "004_drop_legacy.sql",
            "006_orders_total.sql",
        ],
        "",
    )
    .await;
    let e = evidence(&app(), &db).await;
    assert_eq!(
        statuses(&e),
        [
            ("001_users.sql", Present),
            ("002_orders.sql", Present),
            ("003_data.sql", NoSchemaObjects),
            ("004_drop_legacy.sql", NoSchemaObjects),
            ("005_email_length.sql", Partial),
            ("006_orders_total.sql", Present),
        ]
    );
    assert_eq!(
        objects(migration(&e, "005_email_length.sql")),
        [(Kind::Column, "public.users.email", &differs("type"))]
    );
    assert_eq!(
        line(&e, "005_email_length.sql"),
        "~ 005_email_length.sql  partly present (0 of 1 object; differs: column public.users.email (type))"
    );
}

#[tokio::test]
async fn what_a_later_migration_drops_counts_only_up_to_that_migration() {
    // The live database still has the table 004 drops: an extra, no evidence against.
    let db = live(
        &[
            "001_users.sql",
            "002_orders.sql",
            "003_data.sql",
            "005_email_length.sql",
            "006_orders_total.sql",
        ],
        "",
    )
    .await;
    let e = evidence(&app(), &db).await;
    assert!(e.supports_baseline(), "{}", render_text(&e));
    // A database without it, against a baseline before 004: the table is missing there.
    let db = live(
        &[
            "001_users.sql",
            "002_orders.sql",
            "003_data.sql",
            "004_drop_legacy.sql",
        ],
        "",
    )
    .await;
    let e = evidence(&app()[..3], &db).await;
    assert_eq!(
        statuses(&e),
        [
            ("001_users.sql", Partial),
            ("002_orders.sql", Present),
            ("003_data.sql", NoSchemaObjects),
        ]
    );
    let missing: Vec<&str> = migration(&e, "001_users.sql")
        .objects
        .iter()
        .filter(|o| o.state == ObjectState::Missing)
        .map(|o| o.name.as_str())
        .collect();
    assert_eq!(
        missing,
        [
            "public.legacy_sessions",
            "public.legacy_sessions.token",
            "public.legacy_sessions.user_id",
            "public.legacy_sessions_pkey on public.legacy_sessions",
        ]
    );
    assert_eq!(
        line(&e, "001_users.sql"),
        "~ 001_users.sql   partly present (6 of 10 objects; missing: table public.legacy_sessions, \
         constraint public.legacy_sessions_pkey on public.legacy_sessions)"
    );
}

async fn shadow_databases(server: &pgdrift::pg::ConnInfo) -> Vec<String> {
    pgdrift::pg::connect(server)
        .await
        .unwrap()
        .client
        .query(
            "SELECT datname::text FROM pg_database WHERE datname LIKE 'pgdrift_shadow_%'",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn write(dir: &Path, files: &[(&str, &str)]) -> Vec<Migration> {
    for (name, sql) in files {
        std::fs::write(dir.join(name), sql).unwrap();
    }
    read_dir(dir, None, &Ignore::none()).unwrap().migrations
}

/// `count` migrations `NNN_tN.sql`, each creating table tN with an index.
fn numbered(dir: &Path, count: usize) -> Vec<(String, String)> {
    let files: Vec<(String, String)> = (1..=count)
        .map(|i| {
            (
                format!("{i:03}_t{i}.sql"),
                format!("CREATE TABLE t{i} (id int PRIMARY KEY, v text);\nCREATE INDEX t{i}_v ON t{i} (v);\n"),
            )
        })
        .collect();
    for (name, sql) in &files {
        std::fs::write(dir.join(name), sql).unwrap();
    }
    files
}

#[tokio::test]
async fn a_migration_that_does_not_replay_is_named_at_its_line_and_nothing_is_left_behind() {
    // A development server of its own, so that no other test's shadow databases are on it.
    let server = tokio::task::spawn_blocking(pgdrift::pg::embedded::EmbeddedServer::start)
        .await
        .unwrap()
        .unwrap();
    let witness = server.conninfo("postgres");
    // Forty migrations are read on three shadow databases at once.
    let mut options = LoadOptions {
        dev_url: Some(witness.clone()),
        ..no_cache()
    };
    options.inspect.jobs = 3;
    let dir = tempfile::tempdir().unwrap();
    let files = numbered(dir.path(), 40);
    let all: String = files.iter().map(|(_, sql)| sql.as_str()).collect();
    let db = TestDb::with_sql(&all).await;
    let good = read_dir(dir.path(), None, &Ignore::none())
        .unwrap()
        .migrations;
    let e = gather(&good, db.conninfo(), &options)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.summary(), "40 migrations: 40 present");
    assert_eq!(
        objects(&e.migrations[39]),
        [
            (Kind::Table, "public.t40", &ObjectState::Present),
            (Kind::Column, "public.t40.id", &ObjectState::Present),
            (Kind::Column, "public.t40.v", &ObjectState::Present),
            (
                Kind::Constraint,
                "public.t40_pkey on public.t40",
                &ObjectState::Present
            ),
            (Kind::Index, "public.t40_v", &ObjectState::Present),
        ]
    );
    assert!(
        shadow_databases(&witness).await.is_empty(),
        "a shadow database was left behind after a success"
    );
    // Migration 15 fails: in the second run, and before the third.
    let bad = dir.path().join("015_t15.sql");
    std::fs::write(
        &bad,
        "-- a typo\nCREATE TABLE t15 (id int);\nALTER TABLE t15 ADD COLUMN x nosuchtype;\n",
    )
    .unwrap();
    let migrations = read_dir(dir.path(), None, &Ignore::none())
        .unwrap()
        .migrations;
    let err = gather(&migrations, db.conninfo(), &options)
        .await
        .unwrap_err();
    match &err {
        EvidenceError::Replay { version, path, .. } => {
            assert_eq!(version, "015_t15.sql");
            assert_eq!(path, &bad);
        }
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "migration 015_t15.sql does not replay on an empty database: {}:3:30: type \"nosuchtype\" does not exist",
            bad.display()
        )),
        "{text}"
    );
    assert!(
        text.contains("3 | ALTER TABLE t15 ADD COLUMN x nosuchtype;"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "applied before it: 9 more, then {}",
            dir.path().join("010_t10.sql").display()
        )) && text.ends_with(&format!("{}", dir.path().join("014_t14.sql").display())),
        "{text}"
    );
    assert!(
        shadow_databases(&witness).await.is_empty(),
        "a shadow database was left behind after a failure"
    );
}

#[tokio::test]
async fn a_live_database_that_cannot_be_read_is_named() {
    let live = pgdrift::testing::admin_conninfo().with_dbname("pgdrift_evidence_nowhere");
    let err = gather(&app(), &live, &no_cache()).await.unwrap_err();
    assert!(matches!(err, EvidenceError::Live(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with("reading the live database: ")
            && text.contains("pgdrift_evidence_nowhere"),
        "{text}"
    );
}

#[tokio::test]
async fn grants_replay_on_the_private_server_and_a_missing_grant_is_a_difference() {
    let roles = "DO $$ BEGIN
                   IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'evidence_reader') THEN
                     CREATE ROLE evidence_reader NOLOGIN;
                   END IF;
                 END $$;";
    let table = "CREATE TABLE reports (id int PRIMARY KEY);\n";
    let dir = tempfile::tempdir().unwrap();
    let migrations = write(
        dir.path(),
        &[
            ("001_reports.sql", table),
            (
                "002_grant.sql",
                "GRANT SELECT ON reports TO evidence_reader;\n",
            ),
        ],
    );
    // The private server has no role evidence_reader until pgdrift creates it there.
    let options = common::on_private_server();
    let granted = TestDb::with_sql(&format!(
        "{roles}{table}GRANT SELECT ON reports TO evidence_reader;"
    ))
    .await;
    let e = gather(&migrations, granted.conninfo(), &options)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        statuses(&e),
        [("001_reports.sql", Present), ("002_grant.sql", Present)]
    );
    assert_eq!(
        objects(migration(&e, "002_grant.sql")),
        [(Kind::Table, "public.reports", &ObjectState::Present)]
    );
    let ungranted = TestDb::with_sql(&format!("{roles}{table}")).await;
    let e = gather(&migrations, ungranted.conninfo(), &no_cache())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        statuses(&e),
        [("001_reports.sql", Present), ("002_grant.sql", Partial)]
    );
    assert_eq!(
        objects(migration(&e, "002_grant.sql")),
        [(Kind::Table, "public.reports", &differs("privileges"))]
    );
}

#[tokio::test]
async fn two_hundred_small_migrations() {
    let dir = tempfile::tempdir().unwrap();
    let files = numbered(dir.path(), 200);
    let migrations = read_dir(dir.path(), None, &Ignore::none())
        .unwrap()
        .migrations;
    // The live database lacks the index of migration 150.
    let all: String = files.iter().map(|(_, sql)| sql.as_str()).collect();
    let db = TestDb::with_sql(&format!("{all}DROP INDEX t150_v;")).await;
    let started = std::time::Instant::now();
    let e = evidence(&migrations, &db).await;
    eprintln!("evidence for 200 migrations in {:?}", started.elapsed());
    assert_eq!(e.migrations.len(), 200);
    assert_eq!(
        e.unsupported()
            .map(|m| m.version.as_str())
            .collect::<Vec<_>>(),
        ["150_t150.sql"]
    );
    assert_eq!(
        line(&e, "150_t150.sql"),
        "~ 150_t150.sql  partly present (4 of 5 objects; missing: index public.t150_v)"
    );
    assert_eq!(e.summary(), "200 migrations: 199 present, 1 partly present");
}
