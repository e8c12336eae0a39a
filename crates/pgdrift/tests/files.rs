//! SQL files as a source: replayed into a shadow database, read back, and the shadow dropped
//! whatever happens; a broken statement is reported at its line.

mod common;

use pgdrift::model::QualName;
use pgdrift::source::{InspectOptions, LoadError, LoadOptions, Loader, SourceSpec};
use pgdrift::testing::TestDb;
use std::path::PathBuf;

fn spec(path: &std::path::Path) -> SourceSpec {
    SourceSpec::parse(path.to_str().unwrap(), &|_| None).unwrap()
}

async fn shadow_databases(db: &TestDb) -> Vec<String> {
    let conn = db.connect().await;
    conn.client
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

#[tokio::test]
async fn a_file_reads_like_the_database_it_makes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schema.sql");
    let sql = common::fixture_sql("tables", 14);
    std::fs::write(&file, &sql).unwrap();
    let from_file = Loader::new(common::no_cache())
        .load(&spec(&file))
        .await
        .unwrap();
    assert_eq!(
        from_file.inspected.snapshot.source.database,
        file.display().to_string()
    );
    let db = TestDb::with_sql(&sql).await;
    let from_db = common::read(&db, &InspectOptions::default()).await;
    assert_eq!(from_file.inspected.snapshot.catalog, from_db.catalog);
    assert!(from_file
        .inspected
        .snapshot
        .catalog
        .tables
        .contains_key(&QualName::new("app", "orders")));
}

#[tokio::test]
async fn a_broken_statement_is_reported_at_its_line_and_nothing_is_left_behind() {
    let witness = TestDb::new().await;
    let dev = ConnInfoOf::admin(&witness);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.sql");
    let mut sql = String::new();
    for i in 1..40 {
        sql.push_str(&format!("CREATE TABLE t{i} (id int);\n"));
    }
    sql.push_str("CREATE TABLE t40 (id int,, name text);\n");
    std::fs::write(&file, &sql).unwrap();
    let mut loader = Loader::new(LoadOptions {
        dev_url: Some(dev.clone()),
        ..common::no_cache()
    });
    let err = loader.load(&spec(&file)).await.unwrap_err();
    let LoadError::Replay(_) = &err else {
        panic!("{err:?}")
    };
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("{}:40:", file.display())),
        "{text}"
    );
    assert!(
        text.starts_with(&format!(
            "{}:40:26: syntax error at or near \",\"",
            file.display()
        )),
        "{text}"
    );
    assert!(
        text.contains("40 | CREATE TABLE t40 (id int,, name text);"),
        "{text}"
    );
    assert!(
        shadow_databases(&witness).await.is_empty(),
        "a shadow database was left behind after a failure"
    );
    // And after a success.
    let good = dir.path().join("good.sql");
    std::fs::write(&good, "CREATE TABLE ok (id int);").unwrap();
    let loaded = loader.load(&spec(&good)).await.unwrap();
    assert!(loaded
        .inspected
        .snapshot
        .catalog
        .tables
        .contains_key(&QualName::new("public", "ok")));
    assert!(
        shadow_databases(&witness).await.is_empty(),
        "a shadow database was left behind after a success"
    );
}

#[tokio::test]
async fn missing_files_are_named() {
    let err = SourceSpec::parse("/nonexistent/schema.sql", &|_| None).unwrap_err();
    assert!(err.to_string().contains("/nonexistent/schema.sql"), "{err}");
    let _ = PathBuf::new();
}

/// The test server's admin connection, as a development server for shadow databases.
struct ConnInfoOf;

impl ConnInfoOf {
    fn admin(db: &TestDb) -> pgdrift::pg::ConnInfo {
        db.conninfo().with_dbname("postgres")
    }
}
