//! Real public schemas (pagila, adventureworks, danbooru): each loads, reads back complete,
//! reads the same through a file and from a database, in one connection or several, with
//! stored expressions deparsed by pgdrift or by the server, and survives a JSON round trip. The schemas live outside the project
//! (`PGDRIFT_CORPUS_DIR`, else `../shared/corpus` beside the workspace); where they are
//! absent the tests say so and pass, except under CI (`CI=true`), where they fail.
#![allow(clippy::print_stderr)]

mod common;

use pgdrift::model::Snapshot;
use pgdrift::source::{Deparse, InspectOptions, Loader, SourceSpec};
use pgdrift::testing::TestDb;
use std::path::PathBuf;

fn corpus(name: &str) -> Option<Vec<PathBuf>> {
    let root = std::env::var_os("PGDRIFT_CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
        });
    let dir = root.join(name);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    if files.is_empty() {
        None
    } else {
        Some(files)
    }
}

/// Counts per kind: schemas, extensions, types, sequences, tables, columns, constraints,
/// indexes (standing alone), views, functions, triggers.
type Counts = [usize; 11];

fn counts(s: &Snapshot) -> Counts {
    let c = &s.catalog;
    [
        c.schemas.len(),
        c.extensions.len(),
        c.types.len(),
        c.sequences.len(),
        c.tables.len(),
        c.tables.values().map(|t| t.columns.len()).sum(),
        c.constraints.len(),
        c.indexes.len(),
        c.views.len(),
        c.functions.len(),
        c.triggers.len(),
    ]
}

async fn check(name: &str, expected: Counts) {
    let Some(files) = corpus(name) else {
        let why = format!("the {name} corpus is not found (set PGDRIFT_CORPUS_DIR)");
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{why}: CI must run it");
        }
        eprintln!("skipping: {why}");
        return;
    };
    // Through the file source.
    let spec = SourceSpec::SqlFiles(files.clone());
    let from_files = Loader::new(common::no_cache())
        .load(&spec)
        .await
        .unwrap()
        .inspected
        .snapshot;
    assert_eq!(counts(&from_files), expected, "{name}");
    // From a database, on one connection and on four.
    let mut sql = String::new();
    for f in &files {
        sql.push_str(&std::fs::read_to_string(f).unwrap());
        sql.push('\n');
    }
    let db = TestDb::with_sql(&sql).await;
    let one = common::read(
        &db,
        &InspectOptions {
            jobs: 1,
            ..Default::default()
        },
    )
    .await;
    let many = common::read_in_parallel(&db).await;
    assert!(many.connections > 1);
    assert_eq!(
        one.catalog, from_files.catalog,
        "{name}: file and database differ"
    );
    assert_eq!(one, many.snapshot, "{name}: parallel read differs");
    // On four connections, as big catalogs are read.
    let read_with = |deparse| {
        let db = &db;
        async move {
            let opts = InspectOptions {
                deparse,
                jobs: 4,
                relations_per_connection: 1,
                ..Default::default()
            };
            common::read(db, &opts).await
        }
    };
    let by_client = read_with(Deparse::Client).await;
    let by_server = read_with(Deparse::Server).await;
    assert_eq!(
        by_client.catalog, by_server.catalog,
        "{name}: pgdrift's deparsing differs from the server's"
    );
    assert_eq!(one.catalog, by_server.catalog, "{name}");
    let text = serde_json::to_string_pretty(&one).unwrap();
    assert_eq!(serde_json::from_str::<Snapshot>(&text).unwrap(), one);
}

#[tokio::test]
async fn pagila() {
    check("pagila", [1, 0, 3, 13, 22, 129, 51, 34, 8, 10, 15]).await;
}

#[tokio::test]
async fn adventureworks() {
    check("adventureworks", [11, 2, 6, 36, 68, 456, 247, 2, 89, 0, 0]).await;
}

#[tokio::test]
async fn danbooru() {
    check("danbooru", [1, 5, 0, 58, 66, 641, 158, 391, 2, 3, 0]).await;
}
