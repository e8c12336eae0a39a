//! How a catalog read behaves: deterministic, independent of statement order and of the
//! number of connections, filtered in SQL, read-only, and clear about what stops it.

mod common;

use common::{fixture_sql, read, server_major};
use pgdrift::model::{Catalog, ConstraintKind, QualName, Snapshot, SubName};
use pgdrift::source::{inspect, Deparse, InspectError, InspectOptions};
use pgdrift::testing::TestDb;
use std::time::Duration;

/// Every fixture at once: a catalog with every kind of object.
async fn everything() -> (TestDb, u32) {
    let db = TestDb::new().await;
    let major = server_major(&db).await;
    let mut sql = String::new();
    for (i, name) in [
        "tables",
        "constraints",
        "indexes",
        "views",
        "functions",
        "triggers",
        "policies",
        "operators",
        "types",
        "sequences",
        "rules",
        "statistics",
        "collations",
        "event_triggers",
        "foreign_data",
        "casts",
        "text_search",
        "publications",
        "subscriptions",
        "languages",
        "transforms",
        "conversions",
        "opclasses",
    ]
    .iter()
    .enumerate()
    {
        // Each fixture makes its own schema `app`; give each its own name.
        sql.push_str(
            &fixture_sql(name, major)
                .replace("app.", &format!("app{i}."))
                .replace("SCHEMA app;", &format!("SCHEMA app{i};")),
        );
    }
    sql = sql
        .replace(
            "CREATE EXTENSION file_fdw;",
            "CREATE EXTENSION IF NOT EXISTS file_fdw;",
        )
        .replace("CREATE SERVER files", "CREATE SERVER IF NOT EXISTS files")
        .replace(
            "CREATE EXTENSION btree_gist;",
            "CREATE EXTENSION IF NOT EXISTS btree_gist;",
        )
        .replace("CREATE SCHEMA other;", "CREATE SCHEMA IF NOT EXISTS other;");
    db.execute(&sql).await;
    (db, major)
}

fn single() -> InspectOptions {
    InspectOptions {
        jobs: 1,
        ..Default::default()
    }
}

#[tokio::test]
async fn same_database_twice_gives_the_same_bytes() {
    let (db, _) = everything().await;
    let a = serde_json::to_vec_pretty(&read(&db, &single()).await).unwrap();
    let b = serde_json::to_vec_pretty(&read(&db, &single()).await).unwrap();
    assert!(a == b, "two reads of one database differ");
    assert!(a.len() > 10_000);
}

#[tokio::test]
async fn parallel_reads_equal_a_single_connection() {
    let (db, _) = everything().await;
    let one = read(&db, &single()).await;
    let many = common::read_in_parallel(&db).await;
    assert_eq!(
        many.connections, 4,
        "the read should have used four connections"
    );
    assert!(
        !one.catalog.tables.is_empty() && !one.catalog.functions.is_empty(),
        "the schema read is empty"
    );
    assert_eq!(one, many.snapshot);
}

#[tokio::test]
async fn statement_order_does_not_matter() {
    // The same schema built two ways: inline versus ALTER, different creation order, a column
    // dropped and added again, objects created then renamed.
    let first = TestDb::with_sql(
        "CREATE SCHEMA s;
         CREATE TYPE s.color AS ENUM ('red', 'green');
         CREATE TABLE s.parent (id int PRIMARY KEY, name text NOT NULL DEFAULT '');
         CREATE TABLE s.child (id int PRIMARY KEY, parent_id int REFERENCES s.parent (id), c s.color,
                               CONSTRAINT child_c_check CHECK (c <> 'red'));
         CREATE INDEX child_parent ON s.child (parent_id);
         COMMENT ON TABLE s.child IS 'kids';
         CREATE VIEW s.v AS SELECT id FROM s.child;
         GRANT SELECT ON s.child TO PUBLIC;",
    )
    .await;
    let second = TestDb::with_sql(
        "CREATE SCHEMA s;
         CREATE TYPE s.color AS ENUM ('red');
         ALTER TYPE s.color ADD VALUE 'green';
         CREATE TABLE s.child (id int, parent_id int, dropped text, c s.color);
         CREATE TABLE s.parent (id int, name text);
         ALTER TABLE s.child DROP COLUMN dropped;
         ALTER TABLE s.parent ALTER COLUMN name SET NOT NULL, ALTER COLUMN name SET DEFAULT '';
         ALTER TABLE s.parent ADD PRIMARY KEY (id);
         GRANT SELECT ON s.child TO PUBLIC;
         CREATE VIEW s.v AS SELECT id FROM s.child;
         ALTER TABLE s.child ADD CONSTRAINT child_c_check CHECK (c <> 'red');
         ALTER TABLE s.child ADD PRIMARY KEY (id);
         ALTER TABLE s.child ADD FOREIGN KEY (parent_id) REFERENCES s.parent (id);
         CREATE INDEX tmp_name ON s.child (parent_id);
         ALTER INDEX s.tmp_name RENAME TO child_parent;
         COMMENT ON TABLE s.child IS 'kids';",
    )
    .await;
    let a: Catalog = read(&first, &single()).await.catalog;
    let b: Catalog = read(&second, &single()).await.catalog;
    // Two empty reads would be equal too: both must hold what was built.
    for c in [&a, &b] {
        assert_eq!(
            (
                c.types.len(),
                c.tables.len(),
                c.constraints.len(),
                c.indexes.len(),
                c.views.len()
            ),
            (1, 2, 4, 1, 1),
            "{c:#?}"
        );
    }
    assert_eq!(a, b);
}

#[tokio::test]
async fn snapshots_round_trip_through_json() {
    let (db, _) = everything().await;
    let snapshot = read(&db, &single()).await;
    let text = serde_json::to_string_pretty(&snapshot).unwrap();
    let back: Snapshot = serde_json::from_str(&text).unwrap();
    assert_eq!(snapshot, back);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["format_version"], 1);
    for key in [
        "schemas",
        "extensions",
        "types",
        "sequences",
        "tables",
        "constraints",
        "indexes",
        "views",
        "functions",
        "triggers",
        "policies",
        "rules",
        "extended_statistics",
        "collations",
    ] {
        let items = value[key]
            .as_array()
            .unwrap_or_else(|| panic!("no array {key}"));
        assert!(!items.is_empty(), "{key} is empty");
        for item in items {
            assert!(
                item["schema"].is_string() && item["name"].is_string(),
                "{key} item without schema and name: {item}"
            );
        }
    }
    assert!(value["tables"][0]["columns"].is_array());
}

#[tokio::test]
async fn schema_filters_apply() {
    let db = TestDb::with_sql(
        "CREATE SCHEMA tenant_1; CREATE SCHEMA tenant_2; CREATE SCHEMA master;
         CREATE TABLE tenant_1.t (id int); CREATE TABLE tenant_2.t (id int); CREATE TABLE master.t (id int);
         CREATE FUNCTION master.f() RETURNS int LANGUAGE sql AS 'SELECT 1';",
    )
    .await;
    let schemas = |s: &Snapshot| s.catalog.schemas.keys().cloned().collect::<Vec<_>>();
    let tenants = read(
        &db,
        &InspectOptions {
            schemas: vec!["tenant_*".into()],
            ..single()
        },
    )
    .await;
    assert_eq!(schemas(&tenants), ["tenant_1", "tenant_2"]);
    assert_eq!(tenants.catalog.tables.len(), 2);
    assert!(tenants.catalog.functions.is_empty());
    let not_tenants = read(
        &db,
        &InspectOptions {
            exclude_schemas: vec!["tenant_?".into(), "public".into()],
            ..single()
        },
    )
    .await;
    assert_eq!(schemas(&not_tenants), ["master"]);
    assert!(not_tenants
        .catalog
        .tables
        .contains_key(&QualName::new("master", "t")));
    assert_eq!(not_tenants.catalog.functions.len(), 1);
}

#[tokio::test]
async fn reads_with_a_least_privileged_role_in_a_read_only_database() {
    let db = TestDb::with_sql(&format!(
        "{}
         DO $$ BEGIN CREATE ROLE pgdrift_inspector LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
         CREATE SCHEMA private; CREATE TABLE private.t (id int CHECK (id > 0));
         {}",
        fixture_sql("tables", 14),
        fixture_sql("subscriptions", 14)
    ))
    .await;
    let admin = db.connect().await;
    admin
        .client
        .batch_execute(&format!(
            "ALTER DATABASE \"{}\" SET default_transaction_read_only = on",
            db.name()
        ))
        .await
        .unwrap();
    let as_inspector = pgdrift::pg::ConnInfo {
        user: Some("pgdrift_inspector".into()),
        ..db.conninfo().clone()
    };
    let snapshot = inspect(&as_inspector, &single()).await.unwrap().snapshot;
    assert!(snapshot
        .catalog
        .tables
        .contains_key(&QualName::new("private", "t")));
    assert!(snapshot
        .catalog
        .tables
        .contains_key(&QualName::new("app", "orders")));
    // A subscription's connection string is for superusers only: left out, not an error.
    let sub = &snapshot.catalog.subscriptions["orders_sub"];
    assert_eq!((sub.connection.as_deref(), sub.enabled), (None, false));
}

#[tokio::test]
async fn a_catalog_the_role_cannot_read_is_a_clear_error() {
    let db = TestDb::with_sql(
        "DO $$ BEGIN CREATE ROLE pgdrift_inspector LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
         REVOKE SELECT ON pg_catalog.pg_proc FROM PUBLIC;",
    )
    .await;
    let as_inspector = pgdrift::pg::ConnInfo {
        user: Some("pgdrift_inspector".into()),
        ..db.conninfo().clone()
    };
    let err = inspect(&as_inspector, &single()).await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, InspectError::Query { .. }), "{err:?}");
    assert!(
        text.contains("permission denied for table pg_proc"),
        "{text}"
    );
    assert!(
        text.contains(db.name()),
        "the message names the database: {text}"
    );
    assert!(
        text.contains("system catalogs"),
        "the message says what to do: {text}"
    );
}

#[tokio::test]
async fn a_locked_table_does_not_stop_the_read() {
    let db = TestDb::with_sql(
        "CREATE TABLE t (id int DEFAULT 1 CHECK (id > 0), x int GENERATED ALWAYS AS (id * 2) STORED);
         CREATE INDEX t_expr ON t ((id + 1)) WHERE id > 5;",
    )
    .await;
    let locker = db.connect().await;
    locker
        .client
        .batch_execute("BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE;")
        .await
        .unwrap();
    // The catalog read takes no lock on the table, even to write its expressions.
    let snapshot = inspect(
        db.conninfo(),
        &InspectOptions {
            lock_timeout: Duration::from_millis(300),
            deparse: Deparse::Client,
            ..single()
        },
    )
    .await
    .unwrap()
    .snapshot;
    let c = &snapshot.catalog;
    let check = &c.constraints[&SubName {
        schema: "public".into(),
        table: "t".into(),
        name: "t_id_check".into(),
    }];
    assert!(
        matches!(&check.kind, ConstraintKind::Check { expression, .. } if expression == "(id > 0)")
    );
    assert_eq!(
        c.indexes[&QualName::new("public", "t_expr")]
            .predicate
            .as_deref(),
        Some("(id > 5)")
    );
    // Asked to deparse on the server (which opens the table), it stops after lock_timeout
    // instead of waiting for ever.
    let started = std::time::Instant::now();
    let err = inspect(
        db.conninfo(),
        &InspectOptions {
            lock_timeout: Duration::from_millis(300),
            deparse: Deparse::Server,
            ..single()
        },
    )
    .await
    .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(err.to_string().contains("lock"), "{err}");
    locker.client.batch_execute("ROLLBACK").await.unwrap();
}

#[tokio::test]
async fn bad_schema_patterns_are_refused() {
    let db = TestDb::new().await;
    let err = inspect(
        db.conninfo(),
        &InspectOptions {
            schemas: vec!["".into()],
            ..single()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, InspectError::Pattern { .. }), "{err:?}");
}
