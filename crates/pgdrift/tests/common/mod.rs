//! Shared by the integration tests: loading fixture SQL into a fresh database and reading
//! it back, and snapshotting catalogs per server major version.
#![allow(dead_code)]

use pgdrift::model::{Catalog, Snapshot};
use pgdrift::source::{inspect, InspectOptions};
use pgdrift::testing::TestDb;
use std::path::PathBuf;

pub fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/catalog")
}

/// The fixture `name.sql`, then every `name.pgNN.sql` with NN <= the server's major version.
pub fn fixture_sql(name: &str, major: u32) -> String {
    let dir = fixture_dir();
    let read = |file: &str| {
        std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
    };
    let mut sql = read("_roles.sql");
    sql.push_str(&read(&format!("{name}.sql")));
    for v in 14..=major {
        let extra = dir.join(format!("{name}.pg{v}.sql"));
        if extra.exists() {
            sql.push_str(&read(&format!("{name}.pg{v}.sql")));
        }
    }
    sql
}

/// A loaded fixture: its database, the server's major version, and what pgdrift read.
pub struct Loaded {
    pub db: TestDb,
    pub major: u32,
    pub snapshot: Snapshot,
}

impl Loaded {
    pub fn catalog(&self) -> &Catalog {
        &self.snapshot.catalog
    }
}

pub async fn server_major(db: &TestDb) -> u32 {
    db.connect().await.version.major()
}

/// Creates a database, runs the fixture in it and inspects it.
pub async fn load(name: &str) -> Loaded {
    let db = TestDb::new().await;
    let major = server_major(&db).await;
    db.execute(&fixture_sql(name, major)).await;
    let snapshot = read(&db, &InspectOptions::default()).await;
    Loaded {
        db,
        major,
        snapshot,
    }
}

pub async fn read(db: &TestDb, opts: &InspectOptions) -> Snapshot {
    inspect(db.conninfo(), opts)
        .await
        .unwrap_or_else(|e| panic!("inspect {}: {e}", db.name()))
        .snapshot
}

/// Load options that neither read nor write the replay cache (tests must replay), with
/// shadow databases on the test server.
pub fn no_cache() -> pgdrift::source::LoadOptions {
    pgdrift::source::LoadOptions {
        no_cache: true,
        dev_url: Some(pgdrift::testing::admin_conninfo()),
        ..Default::default()
    }
}

/// Load options that replay on pgdrift's own private server, as a user's default.
pub fn on_private_server() -> pgdrift::source::LoadOptions {
    pgdrift::source::LoadOptions {
        no_cache: true,
        ..Default::default()
    }
}

/// Reads with four connections whatever the catalog's size.
pub async fn read_in_parallel(db: &TestDb) -> pgdrift::source::Inspected {
    let opts = InspectOptions {
        jobs: 4,
        relations_per_connection: 1,
        ..Default::default()
    };
    inspect(db.conninfo(), &opts)
        .await
        .unwrap_or_else(|e| panic!("inspect {}: {e}", db.name()))
}

/// The snapshot as JSON without what differs between runs (database name, exact version).
pub fn stable_json(snapshot: &Snapshot) -> String {
    let mut value = serde_json::to_value(snapshot).unwrap();
    let obj = value.as_object_mut().unwrap();
    for key in ["database", "server_version", "server_version_num"] {
        obj.remove(key);
    }
    serde_json::to_string_pretty(&value).unwrap()
}

/// Asserts the catalog JSON against the stored snapshot for this server major version.
#[macro_export]
macro_rules! assert_catalog_snapshot {
    ($name:expr, $loaded:expr) => {{
        let json = common::stable_json(&$loaded.snapshot);
        insta::with_settings!({
            snapshot_suffix => format!("pg{}", $loaded.major),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!($name, json);
        });
    }};
}

/// The number of rows written in database `name` (inserted, updated or deleted), once no
/// session is connected to it and the count has stood still for a second: statistics are
/// flushed asynchronously, so a read-only proof compares settled counts.
pub async fn settled_writes(admin: &pgdrift::pg::Connection, name: &str) -> i64 {
    use std::time::{Duration, Instant};
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut last: Option<i64> = None;
    loop {
        admin
            .client
            .batch_execute("SELECT pg_stat_clear_snapshot()")
            .await
            .unwrap();
        let row = admin
            .client
            .query_one(
                "SELECT numbackends, tup_inserted + tup_updated + tup_deleted
                 FROM pg_stat_database WHERE datname = $1",
                &[&name],
            )
            .await
            .unwrap();
        let (backends, writes): (i32, i64) = (row.get(0), row.get(1));
        if backends == 0 && last == Some(writes) {
            return writes;
        }
        last = (backends == 0).then_some(writes);
        assert!(
            Instant::now() < deadline,
            "the statistics of {name} never settled ({backends} sessions, {writes} rows written)"
        );
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
}

/// The proptest settings of the fuzz properties: `PGDRIFT_FUZZ_CASES` cases per property
/// (1000 by default), no failure files written into the tree.
pub fn fuzz_config() -> proptest::test_runner::Config {
    let cases = std::env::var("PGDRIFT_FUZZ_CASES")
        .ok()
        .map(|v| {
            v.trim()
                .parse()
                .unwrap_or_else(|_| panic!("PGDRIFT_FUZZ_CASES={v}: not a number"))
        })
        .unwrap_or(1000);
    proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}

/// The diff fixture corpus: `tests/fixtures/diff/<case>/{from,to}.sql`.
pub fn diff_case_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff")
}

/// The diff fixture cases, sorted; `PGDRIFT_DIFF_CASES=glob` keeps the matching ones.
pub fn diff_cases() -> Vec<String> {
    let filter = std::env::var("PGDRIFT_DIFF_CASES").ok();
    let mut cases: Vec<String> = std::fs::read_dir(diff_case_dir())
        .expect("the diff fixtures")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("from.sql").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            filter
                .as_deref()
                .is_none_or(|f| pgdrift::diff::glob_match(f, name))
        })
        .collect();
    cases.sort();
    cases
}

/// The server version a case needs, from a `_pgNN` suffix of its name (`..._pg15`: 15+).
pub fn case_needs_major(case: &str) -> Option<u32> {
    case.rsplit_once("_pg").and_then(|(_, v)| v.parse().ok())
}
