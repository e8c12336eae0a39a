//! Destructive plans keep what they delete: dropped tables and columns are copied into the
//! backup schema first, and the rollback plan made with the same tag puts the rows back.

mod common;

use pgdrift::diff::{diff, DiffOptions};
use pgdrift::migrate::apply_plan;
use pgdrift::plan::{plan, Backup, PlanOptions};
use pgdrift::source::InspectOptions;
use pgdrift::testing::TestDb;

const FROM: &str = "
CREATE SCHEMA app;
CREATE TABLE app.keep (id int PRIMARY KEY, name text, legacy text NOT NULL, score int);
CREATE TABLE app.gone (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text,
                       twice text GENERATED ALWAYS AS (v || v) STORED);
CREATE TABLE app.ser (id serial PRIMARY KEY, x int);
CREATE TABLE app.child (id int PRIMARY KEY, gone_id bigint REFERENCES app.gone (id));
INSERT INTO app.keep VALUES (1, 'a', 'old one', 10), (2, 'b', 'old two', NULL);
INSERT INTO app.gone (v) VALUES ('x'), ('y'), ('it''s');
INSERT INTO app.ser (x) VALUES (7), (8);
INSERT INTO app.child VALUES (1, 2);
";

const TO: &str = "
CREATE SCHEMA app;
CREATE TABLE app.keep (id int PRIMARY KEY, name text, score int);
";

async fn rows(db: &TestDb, sql: &str) -> Vec<String> {
    let conn = db.connect().await;
    conn.client
        .simple_query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => Some(
                (0..r.len())
                    .map(|i| r.get(i).unwrap_or("NULL").to_string())
                    .collect::<Vec<_>>()
                    .join("|"),
            ),
            _ => None,
        })
        .collect()
}

const DATA: &[&str] = &[
    // A restored column comes back last: PostgreSQL cannot put it in its old place.
    "SELECT id, name, legacy, score FROM app.keep ORDER BY id",
    "SELECT * FROM app.gone ORDER BY id",
    "SELECT * FROM app.ser ORDER BY id",
    "SELECT * FROM app.child ORDER BY id",
];

#[tokio::test]
async fn dropped_data_is_backed_up_and_the_rollback_restores_it() {
    let db = TestDb::with_sql(FROM).await;
    let target = TestDb::with_sql(TO).await;
    let opts = InspectOptions::default();
    let from = common::read(&db, &opts).await;
    let to = common::read(&target, &opts).await;
    let mut before = Vec::new();
    for q in DATA {
        before.push(rows(&db, q).await);
    }

    let tag = "20261121T120000";
    let forward_options = PlanOptions {
        backup: Some(Backup::new(tag)),
        ..PlanOptions::default()
    };
    let d = diff(&from.catalog, &to.catalog, &DiffOptions::default());
    let forward = plan(&d, &forward_options);
    let backups: Vec<&str> = forward
        .steps
        .iter()
        .filter_map(|s| s.backup.as_deref())
        .collect();
    assert_eq!(
        backups.len(),
        4,
        "a backup per dropped table and column: {backups:?}"
    );
    // Without --allow-destructive nothing runs that deletes or copies data.
    let conn = db.connect().await;
    apply_plan(&conn.client, &forward, false).await.unwrap();
    assert_eq!(rows(&db, DATA[0]).await, before[0]);
    apply_plan(&conn.client, &forward, true).await.unwrap();

    // The database now matches TO; the backups are there but not part of the schema.
    let after = common::read(&db, &opts).await;
    assert!(diff(&after.catalog, &to.catalog, &DiffOptions::default()).is_empty());
    assert_eq!(
        rows(
            &db,
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'pgdrift_backup'"
        )
        .await,
        ["4"]
    );
    assert_eq!(
        rows(
            &db,
            &format!("SELECT * FROM pgdrift_backup.\"app.keep.legacy@{tag}\" ORDER BY id")
        )
        .await,
        ["1|old one", "2|old two"]
    );

    // The rollback, made with the same tag, brings the schema and the rows back.
    let back_options = PlanOptions {
        restore: Some(Backup::new(tag)),
        ..PlanOptions::default()
    };
    let r = diff(&after.catalog, &from.catalog, &DiffOptions::default());
    let rollback = plan(&r, &back_options);
    assert!(rollback.manual.is_empty(), "{:?}", rollback.manual);
    apply_plan(&conn.client, &rollback, true)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let restored = common::read(&db, &opts).await;
    let left = diff(&restored.catalog, &from.catalog, &DiffOptions::default());
    assert!(left.is_empty(), "{:?}", left.changes);
    for (q, expected) in DATA.iter().zip(&before) {
        assert_eq!(&rows(&db, q).await, expected, "{q}");
    }
    // Sequences continue after the restored values.
    assert_eq!(
        rows(&db, "INSERT INTO app.gone (v) VALUES ('z') RETURNING id").await,
        ["4"]
    );
    assert_eq!(
        rows(&db, "INSERT INTO app.ser (x) VALUES (9) RETURNING id").await,
        ["3"]
    );
}
