//! The small-database read the audit uses (`inspect_small_in_transaction`: one statement over
//! the raw catalogs finds the kinds a database holds none of, whose queries are then not
//! sent) gives byte for byte the snapshot of the full read, on every catalog fixture and
//! on the corpus schemas (pagila, adventureworks, danbooru: `PGDRIFT_CORPUS_DIR`, else
//! `../shared/corpus` beside the workspace; absent, they are skipped, except under
//! `CI=true`, where that fails); and it does leave queries out where kinds are absent.
#![allow(clippy::print_stderr)]

mod common;

use pgdrift::source::{
    inspect_in_transaction, inspect_small_in_transaction, Deparse, InspectOptions, Inspected,
};
use pgdrift::testing::TestDb;
use std::path::PathBuf;

/// Both reads of `db`, in one read-only transaction (one snapshot), with `deparse`.
async fn both(db: &TestDb, deparse: Deparse) -> (Inspected, Inspected) {
    let conn = db.connect().await;
    conn.client
        .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .await
        .unwrap();
    let opts = InspectOptions {
        jobs: 1,
        deparse,
        ..InspectOptions::default()
    };
    let full = inspect_in_transaction(&conn, &opts)
        .await
        .unwrap_or_else(|e| panic!("full read of {}: {e}", db.name()));
    let small = inspect_small_in_transaction(&conn, &opts)
        .await
        .unwrap_or_else(|e| panic!("small read of {}: {e}", db.name()));
    conn.client.batch_execute("ROLLBACK").await.unwrap();
    (full, small)
}

/// Asserts both reads give the same JSON snapshot, byte for byte, as the audit reads
/// (pgdrift deparses) and as `inspect` does by default.
async fn assert_same(db: &TestDb, what: &str) {
    for deparse in [Deparse::Client, Deparse::Auto] {
        let (full, small) = both(db, deparse).await;
        let full_json = serde_json::to_string_pretty(&full.snapshot).unwrap();
        let small_json = serde_json::to_string_pretty(&small.snapshot).unwrap();
        assert!(
            full_json == small_json,
            "{what} ({deparse:?}): the small read differs from the full one:\n{}",
            first_difference(&full_json, &small_json)
        );
        assert!(full_json.len() > 100, "{what}: nothing read");
    }
}

/// The first differing line of two texts, with its number.
fn first_difference(a: &str, b: &str) -> String {
    let mut lines = a.lines().zip(b.lines()).enumerate();
    match lines.find(|(_, (x, y))| x != y) {
        Some((i, (x, y))) => format!("line {}: full {x:?}, small {y:?}", i + 1),
        None => format!("lengths {} and {}", a.len(), b.len()),
    }
}

/// The catalog fixtures' names (`name.sql`, without the per-version additions and roles).
fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(common::fixture_dir())
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|f| f.strip_suffix(".sql").map(str::to_string))
        .filter(|n| !n.starts_with('_') && !n.contains(".pg"))
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn every_catalog_fixture_reads_the_same() {
    let names = fixture_names();
    assert!(names.len() >= 25, "only {} fixtures found", names.len());
    for name in names {
        let db = TestDb::new().await;
        let major = common::server_major(&db).await;
        db.execute(&common::fixture_sql(&name, major)).await;
        assert_same(&db, &format!("fixture {name}")).await;
    }
}

/// The queries a read ran, by name.
fn ran(inspected: &Inspected) -> Vec<&'static str> {
    inspected.timings.iter().map(|t| t.query).collect()
}

#[tokio::test]
async fn absent_kinds_are_not_queried_and_present_ones_are() {
    let db = TestDb::with_sql(
        "CREATE TABLE public.t (id int PRIMARY KEY, name text DEFAULT 'x' CHECK (name <> ''));",
    )
    .await;
    let (full, small) = both(&db, Deparse::Client).await;
    for query in ["operator_families", "publications", "rules", "casts"] {
        assert!(ran(&full).contains(&query), "the full read ran no {query}");
        assert!(!ran(&small).contains(&query), "the small read ran {query}");
    }
    assert!(ran(&small).contains(&"columns"));
    // A database that has them: their queries run, and find them.
    let major = common::server_major(&db).await;
    let with = TestDb::new().await;
    with.execute(&common::fixture_sql("opclasses", major)).await;
    let (full, small) = both(&with, Deparse::Client).await;
    assert!(ran(&small).contains(&"operator_families"));
    assert!(!small.snapshot.catalog.operator_families.is_empty());
    assert_eq!(small.snapshot, full.snapshot);
}

fn corpus(name: &str) -> Option<Vec<PathBuf>> {
    let root = std::env::var_os("PGDRIFT_CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
        });
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(name))
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    (!files.is_empty()).then_some(files)
}

async fn check_corpus(name: &str) {
    let Some(files) = corpus(name) else {
        let why = format!("the {name} corpus is not found (set PGDRIFT_CORPUS_DIR)");
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{why}: CI must run it");
        }
        eprintln!("skipping: {why}");
        return;
    };
    let mut sql = String::new();
    for f in &files {
        sql.push_str(&std::fs::read_to_string(f).unwrap());
        sql.push('\n');
    }
    let db = TestDb::with_sql(&sql).await;
    assert_same(&db, name).await;
}

#[tokio::test]
async fn pagila_reads_the_same() {
    check_corpus("pagila").await;
}

#[tokio::test]
async fn adventureworks_reads_the_same() {
    check_corpus("adventureworks").await;
}

#[tokio::test]
async fn danbooru_reads_the_same() {
    check_corpus("danbooru").await;
}
