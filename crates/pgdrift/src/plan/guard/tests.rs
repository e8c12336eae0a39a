//! Each guard in both states: true on a database where its step is still to do, false once
//! the step ran; and the rendering of guarded steps.

use super::*;
use crate::model::{Kind, QualName, SubName};
use crate::testing::TestDb;

async fn holds(db: &TestDb, cond: &str) -> bool {
    let rows = db.strings(&format!("SELECT ({cond})::text")).await;
    rows.first().map(String::as_str) == Some("true")
}

/// `cond` holds before `step` runs and no longer after.
async fn flips(db: &TestDb, cond: &str, step: &str) {
    assert!(holds(db, cond).await, "to do before {step}: {cond}");
    db.execute(step).await;
    assert!(!holds(db, cond).await, "done after {step}: {cond}");
}

fn t() -> QualName {
    QualName::new("App s", "T\"1")
}

#[tokio::test]
async fn each_guard_says_to_do_before_its_step_and_done_after() {
    let db = TestDb::with_sql(
        "CREATE SCHEMA \"App s\"; CREATE TYPE \"App s\".mood AS ENUM ('ok');
         CREATE TABLE \"App s\".\"T\"\"1\" (id int, note text);",
    )
    .await;
    let qt = "\"App s\".\"T\"\"1\"";
    let table = Node::Table(t());
    let index = Node::Index(QualName::new("App s", "t_id"));
    let check = Node::Constraint(SubName {
        schema: "App s".into(),
        table: "T\"1".into(),
        name: "pos".into(),
    });
    let add = not(&column::exists(&t(), "n"));
    flips(&db, &add, &format!("ALTER TABLE {qt} ADD COLUMN n int")).await;
    let set_nn = column::not_null(&t(), "n", false);
    flips(
        &db,
        &set_nn,
        &format!("ALTER TABLE {qt} ALTER n SET NOT NULL"),
    )
    .await;
    let retype = not(&column::type_is(&t(), "n", "bigint"));
    flips(
        &db,
        &retype,
        &format!("ALTER TABLE {qt} ALTER n TYPE bigint"),
    )
    .await;
    let default = not(&column::default_is(&t(), "n", Some("7")));
    flips(
        &db,
        &default,
        &format!("ALTER TABLE {qt} ALTER n SET DEFAULT 7"),
    )
    .await;
    let label = not(&exists::enum_label(&QualName::new("App s", "mood"), "new"));
    flips(&db, &label, "ALTER TYPE \"App s\".mood ADD VALUE 'new'").await;
    let create = not(&exists::node(&index).expect("a test for indexes"));
    flips(&db, &create, &format!("CREATE INDEX t_id ON {qt} (id)")).await;
    let constraint = not(&exists::node(&check).expect("a test for constraints"));
    let add_check = format!("ALTER TABLE {qt} ADD CONSTRAINT pos CHECK (id > 0)");
    flips(&db, &constraint, &add_check).await;
    let comment = comment::differs(&table, Some("it's")).expect("a comment test");
    flips(&db, &comment, &format!("COMMENT ON TABLE {qt} IS 'it''s'")).await;
    let drop = exists::node(&table).expect("a test for tables");
    flips(&db, &drop, &format!("DROP TABLE {qt}")).await;
    let gone = column::exists(&t(), "n");
    assert!(!holds(&db, &gone).await, "a column of a dropped table");
}

#[tokio::test]
async fn a_sequence_an_identity_owns_is_not_the_one_a_step_drops() {
    let db = TestDb::with_sql("CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY)").await;
    let seq = Node::Sequence(QualName::new("public", "t_id_seq"));
    let cond = exists::node(&seq).expect("a test for sequences");
    assert!(!holds(&db, &cond).await);
    db.execute("ALTER TABLE t ALTER id DROP IDENTITY; CREATE SEQUENCE t_id_seq")
        .await;
    assert!(holds(&db, &cond).await);
}

fn step(sql: &str, guard: Option<Guard>) -> Step {
    let mut s = Step::new(sql, Kind::Table, Op::Alter, "app.t");
    s.guard = guard;
    s
}

#[test]
fn do_blocks_quote_with_tags_the_statement_does_not_hold() {
    let s = step(
        "COMMENT ON TABLE t IS $sql$ $pgdrift$ $$",
        Some(Guard::When("true".into())),
    );
    let sql = render(&s, false).expect("a guarded step");
    assert!(
        sql.starts_with("DO $pgdrift1$ BEGIN\n  IF true THEN\n"),
        "{sql}"
    );
    assert!(
        sql.contains("EXECUTE $sql1$COMMENT ON TABLE t IS $sql$ $pgdrift$ $$$sql1$;"),
        "{sql}"
    );
    assert!(sql.ends_with("END $pgdrift1$"), "{sql}");
}

#[test]
fn steps_without_a_guard_of_their_own_need_a_transaction_that_can_tell() {
    let unguarded = step("GRANT SELECT ON t TO x", None);
    assert_eq!(render(&unguarded, false), None);
    let tied = render(&unguarded, true).expect("tied to its transaction");
    assert!(tied.contains("current_setting('pgdrift.pending') = 'true'"));
    let drop = step(
        "DROP VIEW v",
        Some(Guard::Tied {
            cond: "x".into(),
            anchor: None,
        }),
    );
    assert_eq!(render(&drop, false), None);
    let mut outside = step("CREATE INDEX CONCURRENTLY i ON t (a)", None);
    outside.transactional = false;
    assert_eq!(render(&outside, true), None);
    let when = step("ALTER TABLE t ADD b int", Some(Guard::When("c1".into())));
    let after = step("COMMENT ON TABLE t IS 'x'", Some(Guard::After("c2".into())));
    let decided = pending(&[&when, &after, &drop]).expect("one step can tell");
    assert!(decided.contains("(c1)::text"), "{decided}");
    assert_eq!(pending(&[&after, &drop]), None);
}
