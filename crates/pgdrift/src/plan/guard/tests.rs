//! Each guard in both states: true on a database where its step is still to do, false once
//! the step ran; and the rendering of guarded steps.

use super::*;
use crate::model::{Kind, QualName, SubName};
use crate::plan::graph::Node;
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
    let sql = do_block("true", "COMMENT ON TABLE t IS $sql$ $pgdrift$ $$");
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
fn a_step_in_a_transaction_runs_only_while_the_transaction_is_still_to_do() {
    let pending = "current_setting('pgdrift.pending') = 'true'";
    let unguarded = in_unit(&step("GRANT SELECT ON t TO x", None));
    assert!(
        unguarded.contains(&format!("IF pg_catalog.{pending} THEN")),
        "{unguarded}"
    );
    let when = in_unit(&step(
        "ALTER TABLE t ADD b int",
        Some(Guard::When("c1".into())),
    ));
    assert!(
        when.contains(&format!("{pending}\n    AND c1 THEN")),
        "{when}"
    );
    let check = step("SELECT 1", Some(Guard::Check));
    assert_eq!(in_unit(&check), "SELECT 1");
}

#[test]
fn a_step_outside_a_transaction_is_a_unit_of_its_own_or_takes_postgres_own_test() {
    let mut plain = step("ALTER TABLE t CLUSTER ON i", None);
    plain.transactional = false;
    let sql = own_unit(&plain, "abc", 4).expect("a journaled step");
    assert!(
        sql.contains(
            "IF NOT EXISTS (SELECT FROM pgdrift.script_units WHERE script = 'abc' AND unit = 4)"
        ),
        "{sql}"
    );
    assert!(
        sql.contains("INSERT INTO pgdrift.script_units (script, unit) VALUES ('abc', 4)"),
        "{sql}"
    );
    let mut build = step("CREATE INDEX CONCURRENTLY i ON t (a)", None);
    build.transactional = false;
    assert_eq!(
        own_unit(&build, "abc", 5),
        None,
        "a DO block cannot build it"
    );
    build.guard = Some(Guard::Form {
        before: vec!["DO $$ BEGIN END $$".into()],
        sql: "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a)".into(),
    });
    assert_eq!(
        own_unit(&build, "abc", 5).as_deref(),
        Some("DO $$ BEGIN END $$;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a)")
    );
    let mut drop = step("DROP INDEX CONCURRENTLY i", None);
    drop.transactional = false;
    drop.guard = Some(Guard::Instead {
        cond: "c".into(),
        sql: "DROP INDEX i".into(),
    });
    let sql = own_unit(&drop, "abc", 6).expect("the plain drop in a DO block");
    assert!(
        sql.contains("IF c THEN\n      EXECUTE $sql$DROP INDEX i$sql$;"),
        "{sql}"
    );
}

/// Runs `stmts` in order on one session of `db`.
async fn run_all(db: &TestDb, stmts: &[String]) {
    let conn = db.connect().await;
    for s in stmts {
        if let Err(e) = conn.client.batch_execute(s).await {
            panic!("{s}: {e:?}");
        }
    }
}

#[tokio::test]
async fn a_journaled_script_runs_each_unit_once() {
    let db = TestDb::new().await;
    // Steps that fail when run twice: only the journal keeps a second run from them.
    let mut first = step("CREATE TABLE once_a ()", None);
    first.transactional = false;
    let second = step("CREATE TABLE once_b ()", None);
    let script = vec![
        journal_setup(),
        own_unit(&first, "s1", 1).expect("a journaled step"),
        "BEGIN".to_string(),
        open_unit("s1", 2),
        in_unit(&second),
        close_unit("s1", 2),
        "COMMIT".to_string(),
    ];
    run_all(&db, &script).await;
    run_all(&db, &script).await;
    let done = db
        .strings("SELECT string_agg(unit::text, ',' ORDER BY unit) FROM pgdrift.script_units")
        .await;
    assert_eq!(done, vec!["1,2".to_string()]);
    // Another script (another id) is not taken for this one.
    let other: Vec<String> = script.iter().map(|s| s.replace("'s1'", "'s2'")).collect();
    let conn = db.connect().await;
    let mut failed = false;
    for s in &other {
        if conn.client.batch_execute(s).await.is_err() {
            failed = true;
            break;
        }
    }
    assert!(failed, "a script with another id runs its steps");
}

#[tokio::test]
async fn online_guards_say_to_do_before_their_step_and_done_after() {
    let db = TestDb::with_sql(
        "CREATE TABLE t (id int); INSERT INTO t VALUES (-1);
         ALTER TABLE t ADD CONSTRAINT pos CHECK (id <> 0) NOT VALID;
         CREATE INDEX broken ON t (id);
         UPDATE pg_catalog.pg_index SET indisvalid = false
           WHERE indexrelid = 'broken'::regclass;",
    )
    .await;
    let pos = SubName {
        schema: "public".into(),
        table: "t".into(),
        name: "pos".into(),
    };
    let validate = exists::constraint_not_validated(&pos);
    flips(&db, &validate, "ALTER TABLE t VALIDATE CONSTRAINT pos").await;
    let leftover = exists::invalid_index(&QualName::new("public", "broken"));
    flips(&db, &leftover, "REINDEX INDEX broken").await;
}

#[tokio::test]
async fn privilege_guards_say_to_do_before_their_grant_or_revoke_and_done_after() {
    use super::acl::{object_acl, still_to_do, AclMove};
    let db = TestDb::with_sql(
        "DO $$ BEGIN CREATE ROLE \"Guard Reader\" NOLOGIN;
           EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
         CREATE SCHEMA \"App s\";
         CREATE TABLE \"App s\".\"T\"\"1\" (id int, \"a b\" text);
         CREATE SEQUENCE \"App s\".seq;
         CREATE FUNCTION \"App s\".f(integer) RETURNS int LANGUAGE sql AS 'SELECT 1';
         CREATE TYPE \"App s\".mood AS ENUM ('ok');",
    )
    .await;
    let acl = |object: &str, column: Option<&str>| {
        object_acl(object, column).unwrap_or_else(|| panic!("a lookup for {object}"))
    };
    let table = acl("TABLE \"App s\".\"T\"\"1\"", None);
    let grant = AclMove::Grant { grantable: false };
    let cases: Vec<(String, String)> =
        vec![
        (
            still_to_do(&table, "Guard Reader", &["SELECT", "INSERT"], grant),
            "GRANT SELECT, INSERT ON TABLE \"App s\".\"T\"\"1\" TO \"Guard Reader\"".into(),
        ),
        (
            still_to_do(&table, "Guard Reader", &["SELECT"], AclMove::Grant { grantable: true }),
            "GRANT SELECT ON TABLE \"App s\".\"T\"\"1\" TO \"Guard Reader\" WITH GRANT OPTION"
                .into(),
        ),
        (
            still_to_do(&table, "Guard Reader", &["SELECT"], AclMove::RevokeOption),
            "REVOKE GRANT OPTION FOR SELECT ON TABLE \"App s\".\"T\"\"1\" FROM \"Guard Reader\""
                .into(),
        ),
        (
            still_to_do(&table, "Guard Reader", &["SELECT", "INSERT"], AclMove::Revoke),
            "REVOKE SELECT, INSERT ON TABLE \"App s\".\"T\"\"1\" FROM \"Guard Reader\"".into(),
        ),
        (
            still_to_do(
                &acl("TABLE \"App s\".\"T\"\"1\"", Some("a b")),
                "PUBLIC",
                &["UPDATE"],
                grant,
            ),
            "GRANT UPDATE (\"a b\") ON TABLE \"App s\".\"T\"\"1\" TO PUBLIC".into(),
        ),
        (
            still_to_do(&acl("SEQUENCE \"App s\".seq", None), "Guard Reader", &["USAGE"], grant),
            "GRANT USAGE ON SEQUENCE \"App s\".seq TO \"Guard Reader\"".into(),
        ),
        (
            // PUBLIC holds EXECUTE by default: the NULL ACL reads as its default.
            still_to_do(
                &acl("FUNCTION \"App s\".f(integer)", None),
                "PUBLIC",
                &["EXECUTE"],
                AclMove::Revoke,
            ),
            "REVOKE EXECUTE ON FUNCTION \"App s\".f(integer) FROM PUBLIC".into(),
        ),
        (
            still_to_do(&acl("SCHEMA \"App s\"", None), "Guard Reader", &["USAGE"], grant),
            "GRANT USAGE ON SCHEMA \"App s\" TO \"Guard Reader\"".into(),
        ),
        (
            still_to_do(
                &acl("TYPE \"App s\".mood", None),
                "PUBLIC",
                &["USAGE"],
                AclMove::Revoke,
            ),
            "REVOKE USAGE ON TYPE \"App s\".mood FROM PUBLIC".into(),
        ),
        (
            still_to_do(&acl("LANGUAGE sql", None), "Guard Reader", &["USAGE"], grant),
            "GRANT USAGE ON LANGUAGE sql TO \"Guard Reader\"".into(),
        ),
    ];
    for (cond, step) in &cases {
        flips(&db, cond, step).await;
    }
    // An object that is not there reads as still to do: a test never skips a statement.
    let missing = still_to_do(
        &acl("TABLE app.nothing", None),
        "PUBLIC",
        &["SELECT"],
        AclMove::Revoke,
    );
    assert!(holds(&db, &missing).await);
    assert_eq!(object_acl("TABLES", None), None);
    assert_eq!(object_acl("FUNCTION app.count(*)", None), None);
    db.execute("REVOKE USAGE ON LANGUAGE sql FROM \"Guard Reader\"")
        .await;
}
