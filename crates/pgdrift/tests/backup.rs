//! Destructive plans keep what they delete: dropped tables, columns, sequences and
//! materialized views are copied into the backup schema first, and the rollback plan made
//! with the same tag puts rows, values and sequence positions back — or, when it cannot
//! match values to their rows, stops with an error instead of restoring NULLs.

mod common;

use pgdrift::diff::{diff, DiffOptions};
use pgdrift::model::Snapshot;
use pgdrift::pg::apply::apply_plan;
use pgdrift::pipeline::Target;
use pgdrift::plan::{plan, Backup, HazardKind, Plan, PlanOptions};
use pgdrift::source::InspectOptions;
use pgdrift::testing::TestDb;

const TAG: &str = "20261121T120000";

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

/// A database holding `from`, the catalogs of both sides, and the forward plan (with
/// backups) from one to the other.
struct Trip {
    db: TestDb,
    from: Snapshot,
    forward: Plan,
}

async fn trip(from_sql: &str, to_sql: &str) -> Trip {
    let db = TestDb::with_sql(from_sql).await;
    let target = TestDb::with_sql(to_sql).await;
    let opts = InspectOptions::default();
    let from = common::read(&db, &opts).await;
    let to = common::read(&target, &opts).await;
    let options = PlanOptions {
        backup: Some(Backup::new(TAG)),
        ..PlanOptions::default()
    };
    let forward = plan(
        &diff(&from.catalog, &to.catalog, &DiffOptions::default()),
        &options,
    );
    let left = diff(&to.catalog, &to.catalog, &DiffOptions::default());
    assert!(left.is_empty());
    Trip { db, from, forward }
}

impl Trip {
    /// Runs the forward plan, destructive steps included, and checks it reached `to`.
    async fn forward(&self) {
        let conn = self.db.connect().await;
        apply_plan(&conn.client, &self.forward, true)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// The rollback from where the database is now back to `from`.
    async fn rollback(&self) -> Plan {
        let now = common::read(&self.db, &InspectOptions::default()).await;
        let options = PlanOptions {
            restore: Some(Backup::new(TAG)),
            ..PlanOptions::default()
        };
        let r = diff(&now.catalog, &self.from.catalog, &DiffOptions::default());
        plan(&r, &options)
    }

    /// Runs the rollback and checks that the schema is `from` again.
    async fn roll_back(&self) {
        let rollback = self.rollback().await;
        assert!(rollback.manual.is_empty(), "{:?}", rollback.manual);
        let conn = self.db.connect().await;
        let (inspect, diff_options) = (InspectOptions::default(), DiffOptions::default());
        let target = Target::new(&conn, self.db.conninfo(), &inspect, &diff_options);
        let done = target
            .run(&rollback, &self.from.catalog)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(done.remaining.is_empty(), "{:?}", done.remaining);
    }

    fn backups(&self) -> Vec<&str> {
        let list = self
            .forward
            .steps
            .iter()
            .filter_map(|s| s.backup.as_deref());
        list.collect()
    }

    async fn snapshot(&self, queries: &[&str]) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        for q in queries {
            out.push(rows(&self.db, q).await);
        }
        out
    }
}

const FROM: &str = "
CREATE SCHEMA app;
CREATE TABLE app.keep (id int PRIMARY KEY, name text, legacy text NOT NULL, score int);
CREATE TABLE app.gone (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text,
                       twice text GENERATED ALWAYS AS (v || v) STORED);
CREATE TABLE app.ser (id serial PRIMARY KEY, x int);
CREATE TABLE app.child (id int PRIMARY KEY, gone_id bigint REFERENCES app.gone (id));
INSERT INTO app.keep VALUES (1, 'a', 'old one', 10), (2, 'b', 'old two', NULL);
INSERT INTO app.gone (v) VALUES ('x'), ('y'), ('it''s'), ('deleted');
DELETE FROM app.gone WHERE v = 'deleted';
INSERT INTO app.ser (x) VALUES (7), (8);
SELECT setval('app.ser_id_seq', 50);
INSERT INTO app.child VALUES (1, 2);
";

const TO: &str = "
CREATE SCHEMA app;
CREATE TABLE app.keep (id int PRIMARY KEY, name text, score int);
";

const DATA: &[&str] = &[
    // A restored column comes back last: PostgreSQL cannot put it in its old place.
    "SELECT id, name, legacy, score FROM app.keep ORDER BY id",
    "SELECT * FROM app.gone ORDER BY id",
    "SELECT * FROM app.ser ORDER BY id",
    "SELECT * FROM app.child ORDER BY id",
];

#[tokio::test]
async fn dropped_data_is_backed_up_and_the_rollback_restores_it() {
    let t = trip(FROM, TO).await;
    let before = t.snapshot(DATA).await;
    let mut backups = t.backups();
    backups.sort_unstable();
    assert_eq!(
        backups,
        [
            "app.child@20261121T120000",
            "app.gone.id:sequence@20261121T120000",
            "app.gone@20261121T120000",
            "app.keep.legacy@20261121T120000",
            "app.ser@20261121T120000",
            "app.ser_id_seq@20261121T120000",
        ],
        "a backup per dropped table, column and sequence"
    );
    // Without --allow-destructive nothing runs that deletes or copies data.
    let conn = t.db.connect().await;
    apply_plan(&conn.client, &t.forward, false).await.unwrap();
    assert_eq!(rows(&t.db, DATA[0]).await, before[0]);
    t.forward().await;
    assert_eq!(
        rows(
            &t.db,
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'pgdrift_backup'"
        )
        .await,
        ["6"]
    );
    assert_eq!(
        rows(
            &t.db,
            &format!("SELECT * FROM pgdrift_backup.\"app.keep.legacy@{TAG}\" ORDER BY id")
        )
        .await,
        ["1|old one", "2|old two"]
    );

    // The rollback, made with the same tag, brings the schema and the rows back.
    t.roll_back().await;
    assert_eq!(t.snapshot(DATA).await, before);
    // Sequences continue where they were, not after the highest value left in the table.
    assert_eq!(
        rows(&t.db, "INSERT INTO app.gone (v) VALUES ('z') RETURNING id").await,
        ["5"]
    );
    assert_eq!(
        rows(&t.db, "INSERT INTO app.ser (x) VALUES (9) RETURNING id").await,
        ["51"]
    );
}

#[tokio::test]
async fn a_dropped_sequence_is_destructive_backed_up_and_restored_with_is_called() {
    let t = trip(
        "CREATE SEQUENCE s; SELECT setval('s', 4242);
         CREATE SEQUENCE fresh; SELECT setval('fresh', 10, false);",
        "SELECT 1",
    )
    .await;
    for s in t
        .forward
        .steps
        .iter()
        .filter(|s| s.sql.starts_with("DROP SEQUENCE"))
    {
        assert!(s.destructive, "{}", s.sql);
        assert!(s.hazards.iter().any(|h| h.kind == HazardKind::DeletesData));
    }
    let conn = t.db.connect().await;
    apply_plan(&conn.client, &t.forward, false).await.unwrap();
    assert_eq!(rows(&t.db, "SELECT last_value FROM s").await, ["4242"]);
    t.forward().await;
    t.roll_back().await;
    assert_eq!(rows(&t.db, "SELECT nextval('s')").await, ["4243"]);
    assert_eq!(rows(&t.db, "SELECT nextval('fresh')").await, ["10"]);
}

const TYPED: &str = "
CREATE SCHEMA app;
CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN app.posint AS integer CHECK (VALUE > 0);
CREATE TYPE app.pair AS (a int, b text);
CREATE TABLE app.t (id int PRIMARY KEY, m app.mood, ms app.mood[], p app.posint, c app.pair);
CREATE TABLE app.u (id int PRIMARY KEY, m app.mood NOT NULL, note text);
INSERT INTO app.t VALUES (1, 'happy', '{sad,ok}', 7, '(1,\"x y\")'), (2, NULL, NULL, NULL, NULL);
INSERT INTO app.u VALUES (1, 'ok', 'a'), (2, 'sad', 'b');
";

#[tokio::test]
async fn backups_hold_user_types_as_text_so_the_plan_can_drop_the_types() {
    let t = trip(
        TYPED,
        "CREATE SCHEMA app; CREATE TABLE app.u (id int PRIMARY KEY, note text);",
    )
    .await;
    let queries = [
        "SELECT * FROM app.t ORDER BY id",
        "SELECT id, note, m FROM app.u ORDER BY id",
    ];
    let before = t.snapshot(&queries).await;
    // The types go in the same plan as the table and the column that use them.
    t.forward().await;
    assert_eq!(
        rows(
            &t.db,
            "SELECT count(*) FROM pg_type WHERE typname IN ('mood', 'posint', 'pair')"
        )
        .await,
        ["0"]
    );
    t.roll_back().await;
    assert_eq!(t.snapshot(&queries).await, before);
}

#[tokio::test]
async fn backups_take_the_default_collation_so_the_plan_can_drop_a_user_collation() {
    let t = trip(
        "CREATE SCHEMA app; CREATE COLLATION app.bytes (provider = libc, locale = 'C');
         CREATE TABLE app.u (id int PRIMARY KEY, sku text COLLATE app.bytes, keep text);
         CREATE TABLE app.gone (id int PRIMARY KEY, code text COLLATE app.bytes);
         INSERT INTO app.u VALUES (1, 'B-2', 'x'), (2, 'a-1', NULL);
         INSERT INTO app.gone VALUES (1, 'Z');",
        "CREATE SCHEMA app; CREATE TABLE app.u (id int PRIMARY KEY, keep text);",
    )
    .await;
    let queries = [
        "SELECT id, keep, sku FROM app.u ORDER BY id",
        "SELECT * FROM app.gone ORDER BY id",
    ];
    let before = t.snapshot(&queries).await;
    // The collation goes in the same plan as the column and the table that use it.
    t.forward().await;
    assert_eq!(
        rows(
            &t.db,
            "SELECT count(*) FROM pg_collation WHERE collname = 'bytes'"
        )
        .await,
        ["0"]
    );
    t.roll_back().await;
    assert_eq!(t.snapshot(&queries).await, before);
}

#[tokio::test]
async fn without_a_primary_key_a_unique_not_null_key_matches_the_rows() {
    let from = "
        CREATE TABLE by_constraint (code text NOT NULL UNIQUE, v int, gone text);
        CREATE TABLE by_index (a int NOT NULL, b int NOT NULL, nullable int UNIQUE, gone text);
        CREATE UNIQUE INDEX by_index_ab ON by_index (a, b);
        INSERT INTO by_constraint VALUES ('x', 1, 'one'), ('y', 2, 'two');
        INSERT INTO by_index VALUES (1, 1, NULL, 'p'), (1, 2, NULL, 'q');";
    let to = "
        CREATE TABLE by_constraint (code text NOT NULL UNIQUE, v int);
        CREATE TABLE by_index (a int NOT NULL, b int NOT NULL, nullable int UNIQUE);
        CREATE UNIQUE INDEX by_index_ab ON by_index (a, b);";
    let t = trip(from, to).await;
    assert!(
        t.forward.steps.iter().all(|s| s
            .hazards
            .iter()
            .all(|h| h.kind != HazardKind::NotRestorable)),
        "both tables have a key"
    );
    let queries = [
        "SELECT code, v, gone FROM by_constraint ORDER BY code",
        "SELECT a, b, gone FROM by_index ORDER BY a, b",
    ];
    let before = t.snapshot(&queries).await;
    t.forward().await;
    t.roll_back().await;
    assert_eq!(t.snapshot(&queries).await, before);
}

#[tokio::test]
async fn without_any_key_the_plan_warns_and_the_rollback_stops() {
    let t = trip(
        "CREATE TABLE t (a int, b text); INSERT INTO t VALUES (1, 'one'), (1, 'uno');",
        "CREATE TABLE t (a int);",
    )
    .await;
    let drop = t
        .forward
        .steps
        .iter()
        .find(|s| s.sql.contains("DROP COLUMN"))
        .expect("the drop");
    assert!(
        drop.hazards
            .iter()
            .any(|h| h.kind == HazardKind::NotRestorable),
        "{:?}",
        drop.hazards
    );
    t.forward().await;
    let rollback = t.rollback().await;
    assert!(!rollback.manual.is_empty());
    let conn = t.db.connect().await;
    let err = apply_plan(&conn.client, &rollback, true)
        .await
        .expect_err("the rollback cannot restore public.t.b and must fail");
    assert!(
        err.to_string().contains("cannot restore column public.t.b"),
        "{err}"
    );
    // Nothing of the rollback stays: the column is not back, empty.
    let gone = "SELECT count(*) FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'b'";
    assert_eq!(rows(&t.db, gone).await, ["0"]);

    // A column replaced by a generated one: its old values cannot come back either.
    let t = trip(
        "CREATE TABLE t (a int, c int); INSERT INTO t VALUES (1, 5), (1, 6);",
        "CREATE TABLE t (a int, c int GENERATED ALWAYS AS (a) STORED);",
    )
    .await;
    t.forward().await;
    let rollback = t.rollback().await;
    let conn = t.db.connect().await;
    let err = apply_plan(&conn.client, &rollback, true)
        .await
        .expect_err("the rollback cannot restore public.t.c and must fail");
    assert!(
        err.to_string().contains("cannot restore column public.t.c"),
        "{err}"
    );
    assert_eq!(rows(&t.db, "SELECT a, c FROM t").await, ["1|1", "1|1"]);
}

#[tokio::test]
async fn materialized_views_and_replaced_columns_come_back() {
    let from = "
        CREATE TABLE t (id int PRIMARY KEY, v int, w int);
        INSERT INTO t VALUES (1, 10, 100), (2, 20, 7);
        CREATE MATERIALIZED VIEW mv AS SELECT id, v * 2 AS v2 FROM t;
        CREATE MATERIALIZED VIEW empty AS SELECT id FROM t WITH NO DATA;";
    let to = "
        CREATE TABLE t (id int PRIMARY KEY, v int, w int GENERATED ALWAYS AS (v + 1) STORED);";
    let t = trip(from, to).await;
    let mv = t
        .forward
        .steps
        .iter()
        .find(|s| s.sql == "DROP MATERIALIZED VIEW public.mv");
    assert!(mv.is_some_and(|s| s.destructive), "{:?}", t.forward.steps);
    let before = t
        .snapshot(&[
            "SELECT * FROM t ORDER BY id",
            "SELECT * FROM mv ORDER BY id",
        ])
        .await;
    t.forward().await;
    assert_eq!(
        rows(
            &t.db,
            &format!("SELECT * FROM pgdrift_backup.\"public.mv@{TAG}\" ORDER BY id")
        )
        .await,
        ["1|20", "2|40"]
    );
    t.roll_back().await;
    let after = t
        .snapshot(&[
            "SELECT * FROM t ORDER BY id",
            "SELECT * FROM mv ORDER BY id",
        ])
        .await;
    assert_eq!(after, before);
}

/// An identity dropped from a column that stays: the sequence and the position it reached
/// go with it. The drop is destructive, its position is backed up, and the rollback's new
/// identity continues exactly where the old one was (not after the column's highest value).
#[tokio::test]
async fn a_dropped_identity_keeps_its_position_through_the_rollback() {
    let t = trip(
        "CREATE TABLE t (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v text);
         INSERT INTO t (v) SELECT 'x' FROM generate_series(1, 40);
         DELETE FROM t WHERE id > 5;",
        "CREATE TABLE t (id int PRIMARY KEY, v text);",
    )
    .await;
    let drop = t
        .forward
        .steps
        .iter()
        .find(|s| s.sql.contains("DROP IDENTITY"))
        .expect("a DROP IDENTITY step");
    assert!(drop.destructive, "{}", drop.sql);
    assert!(drop
        .hazards
        .iter()
        .any(|h| h.kind == HazardKind::DeletesData));
    assert_eq!(t.backups().len(), 1, "{:?}", t.backups());
    // Without --allow-destructive the identity stays.
    let conn = t.db.connect().await;
    apply_plan(&conn.client, &t.forward, false).await.unwrap();
    assert_eq!(
        rows(
            &t.db,
            "SELECT pg_get_serial_sequence('t', 'id') IS NOT NULL"
        )
        .await,
        ["t"]
    );
    t.forward().await;
    t.roll_back().await;
    assert_eq!(
        rows(&t.db, "INSERT INTO t (v) VALUES ('y') RETURNING id").await,
        ["41"]
    );
}

/// A type change that rounds values away (a smaller numeric scale, a timestamp made a date)
/// deletes what the lost digits held: it is destructive, the values are backed up, and the
/// rollback puts them back exactly.
#[tokio::test]
async fn a_type_change_that_rounds_is_destructive_and_the_rollback_restores_the_digits() {
    let t = trip(
        "CREATE TABLE t (id int PRIMARY KEY, price numeric(10,3), at timestamp(3), n int);
         INSERT INTO t VALUES (1, 1.234, '2026-01-02 03:04:05.678', 1),
                              (2, 2.999, '2026-12-31 23:59:59.999', 2);",
        "CREATE TABLE t (id int PRIMARY KEY, price numeric(10,1), at date, n bigint);",
    )
    .await;
    let retypes: Vec<_> = t
        .forward
        .steps
        .iter()
        .filter(|s| s.sql.contains(" TYPE "))
        .collect();
    assert_eq!(retypes.len(), 3, "{retypes:#?}");
    for s in &retypes {
        let lossy = !s.sql.contains("bigint");
        assert_eq!(s.destructive, lossy, "{}", s.sql);
        assert_eq!(
            s.hazards.iter().any(|h| h.kind == HazardKind::DeletesData),
            lossy,
            "{}",
            s.sql
        );
    }
    assert_eq!(t.backups().len(), 2, "{:?}", t.backups());
    let data = ["SELECT id, price, at, n FROM t ORDER BY id"];
    let before = t.snapshot(&data).await;
    let conn = t.db.connect().await;
    apply_plan(&conn.client, &t.forward, false).await.unwrap();
    assert_eq!(
        t.snapshot(&data).await,
        before,
        "without --allow-destructive nothing is rounded"
    );
    t.forward().await;
    assert_eq!(
        rows(
            &t.db,
            "SELECT price::text || ' ' || at::text FROM t ORDER BY id"
        )
        .await,
        ["1.2 2026-01-02", "3.0 2026-12-31"]
    );
    t.roll_back().await;
    assert_eq!(t.snapshot(&data).await, before);
}
