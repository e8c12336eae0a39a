//! Rename hints as a user gives them: `--rename` and `-- pgdrift:renamed from=` comments in
//! SQL sources turn a drop and a creation into a `RENAME` that keeps the data, with a
//! rollback that renames back; without a hint the summary suggests one and the drop stays
//! gated; a hint that names nothing is an error that changes nothing.

use pgdrift::testing::TestDb;
use std::process::{Command, Output};

fn pgdrift(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pgdrift"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run pgdrift")
}

fn out(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

const PROD: &str = "
CREATE SCHEMA app;
CREATE TABLE app.users (id serial PRIMARY KEY, name text NOT NULL CHECK (name <> ''), email text);
CREATE INDEX users_name_idx ON app.users (lower(name));
CREATE TABLE app.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                         user_id int REFERENCES app.users (id), note text);
CREATE VIEW app.user_names AS SELECT id, name FROM app.users;
INSERT INTO app.users (name, email) VALUES ('Ada', 'ada@example.com');
INSERT INTO app.orders (user_id, note) VALUES (1, 'first');
";

const WANTED: &str = "
CREATE SCHEMA app;
CREATE TABLE app.customers ( -- pgdrift:renamed from=users
  id serial PRIMARY KEY,
  full_name text NOT NULL CHECK (full_name <> ''), -- pgdrift:renamed from=name
  email text
);
CREATE INDEX users_name_idx ON app.customers (lower(full_name));
CREATE TABLE app.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                         user_id int REFERENCES app.customers (id), remark text);
CREATE VIEW app.user_names AS SELECT id, full_name FROM app.customers;
";

fn wanted_file() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schema.sql");
    std::fs::write(&path, WANTED).unwrap();
    let path = path.to_str().unwrap().to_string();
    (dir, path)
}

#[tokio::test]
async fn hints_rename_instead_of_dropping_and_the_data_stays() {
    let prod = TestDb::with_sql(PROD).await;
    let (dir, wanted) = wanted_file();

    // Without a hint for orders.note, the summary suggests one and the drop stays gated.
    let summary = pgdrift(&["diff", &prod.url(), &wanted, "-f", "text"]);
    assert_eq!(summary.status.code(), Some(1), "{}", out(&summary));
    let text = out(&summary);
    for expected in [
        "→ table app.users → app.customers",
        "→ column app.customers.name → full_name",
        "--rename app.orders.note=remark",
        "PD114 renames",
        "left out without --allow-destructive",
    ] {
        assert!(text.contains(expected), "{expected:?} not in\n{text}");
    }

    // On a new database the comments name nothing: they are left out, not an error.
    let empty = TestDb::new().await;
    let fresh = pgdrift(&["diff", &empty.url(), &wanted, "-f", "text"]);
    assert_eq!(fresh.status.code(), Some(1), "{}", out(&fresh));
    assert!(!out(&fresh).contains("Renamed"), "{}", out(&fresh));

    let plan = dir.path().join("plan.sql");
    let rollback = dir.path().join("rollback.sql");
    let run = pgdrift(&[
        "diff",
        &prod.url(),
        &wanted,
        "--rename",
        "app.orders.note=remark",
        "--verify",
        "-o",
        plan.to_str().unwrap(),
        "--reverse",
        rollback.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", out(&run));
    let script = std::fs::read_to_string(&plan).unwrap();
    for expected in [
        "ALTER TABLE app.users RENAME TO customers;",
        "ALTER SEQUENCE app.users_id_seq RENAME TO customers_id_seq;",
        "ALTER TABLE app.customers RENAME COLUMN name TO full_name;",
        "ALTER TABLE app.orders RENAME COLUMN note TO remark;",
    ] {
        assert!(script.contains(expected), "{expected:?} not in\n{script}");
    }
    assert!(!script.contains("DROP TABLE"), "{script}");
    assert!(!script.contains("DROP COLUMN"), "{script}");
    prod.execute(&script).await;

    let conn = prod.connect().await;
    let row = conn
        .client
        .query_one(
            "SELECT c.full_name, o.remark, nextval('app.customers_id_seq')::int \
             FROM app.customers c JOIN app.orders o ON o.user_id = c.id",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "Ada");
    assert_eq!(row.get::<_, String>(1), "first");
    assert_eq!(row.get::<_, i32>(2), 2, "the sequence kept its position");

    // The comment hints are carried out now: they are skipped, and nothing differs.
    let after = pgdrift(&["diff", &prod.url(), &wanted, "-f", "text"]);
    assert_eq!(after.status.code(), Some(0), "{}", out(&after));

    // The rollback renames back, and the data is still there.
    let back = std::fs::read_to_string(&rollback).unwrap();
    assert!(
        back.contains("ALTER TABLE app.customers RENAME TO users;"),
        "{back}"
    );
    prod.execute(&back).await;
    let row = conn
        .client
        .query_one("SELECT name FROM app.users", &[])
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "Ada");
}

#[tokio::test]
async fn a_hint_that_names_nothing_is_an_error_that_names_it() {
    let prod = TestDb::with_sql(PROD).await;
    let (_dir, wanted) = wanted_file();
    for (hint, says) in [
        ("app.nosuch=customers", "FROM has no table app.nosuch"),
        ("app.orders.nosuch=remark", "has no column nosuch in FROM"),
        ("app.orders.note=other", "has no column other in TO"),
        ("a.b.c.d=e", "write schema.table=new_name"),
    ] {
        let run = pgdrift(&["diff", &prod.url(), &wanted, "--rename", hint]);
        assert_eq!(run.status.code(), Some(2), "{hint}: {}", out(&run));
        assert!(
            out(&run).contains(says),
            "{hint}: {says:?} not in {}",
            out(&run)
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.sql");
    std::fs::write(
        &bad,
        "CREATE SCHEMA app;\nCREATE TABLE app.t (a int);\nCREATE INDEX ON app.t (a); -- pgdrift:renamed from=x\n",
    )
    .unwrap();
    let run = pgdrift(&["diff", &prod.url(), bad.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2), "{}", out(&run));
    assert!(out(&run).contains("bad.sql:3"), "{}", out(&run));
}

#[tokio::test]
async fn renames_show_in_json_and_markdown() {
    let prod = TestDb::with_sql(PROD).await;
    let (_dir, wanted) = wanted_file();
    let json = pgdrift(&["diff", &prod.url(), &wanted, "-f", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    let renames = v["renames"].as_array().expect("renames");
    assert_eq!(renames.len(), 2, "{v}");
    assert_eq!(renames[0]["kind"], "table");
    assert_eq!(renames[1]["to"], "full_name");
    assert_eq!(v["suggested_renames"][0]["from"], "note");
    let md = pgdrift(&["diff", &prod.url(), &wanted, "-f", "markdown"]);
    let md = out(&md);
    assert!(md.contains("`app.users → customers`"), "{md}");
    assert!(md.contains("--rename app.orders.note=remark"), "{md}");
}

/// Each case: FROM, TO and hints; the plan, run on a copy of FROM, must give TO and its
/// rollback FROM again, with no drop.
const VERIFIED: &[(&str, &str, &[&str])] = &[
    (
        // An identity whose sequence follows the table's name.
        "CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text);",
        "CREATE TABLE u (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text);",
        &["t=u"],
    ),
    (
        // A column referenced by a foreign key, a partial index and a policy.
        "CREATE TABLE a (k int UNIQUE, o text);
         CREATE TABLE b (k int REFERENCES a (k));
         CREATE INDEX a_o ON a (o) WHERE k > 0;
         ALTER TABLE a ENABLE ROW LEVEL SECURITY;
         CREATE POLICY p ON a USING (k > 0 AND o <> '');",
        "CREATE TABLE a (key int UNIQUE, o text);
         CREATE TABLE b (k int REFERENCES a (key));
         CREATE INDEX a_o ON a (o) WHERE key > 0;
         ALTER TABLE a ENABLE ROW LEVEL SECURITY;
         CREATE POLICY p ON a USING (key > 0 AND o <> '');",
        &["public.a.k=key"],
    ),
    (
        // A partitioned table and a generated column that names the renamed one.
        "CREATE TABLE m (d date NOT NULL, x int, y int GENERATED ALWAYS AS (x * 2) STORED)
           PARTITION BY RANGE (d);
         CREATE TABLE m_2026 PARTITION OF m FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');",
        "CREATE TABLE measures (d date NOT NULL, amount int, y int GENERATED ALWAYS AS (amount * 2) STORED)
           PARTITION BY RANGE (d);
         CREATE TABLE m_2026 PARTITION OF measures FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');",
        &["m=measures", "measures.x=amount"],
    ),
];

#[test]
fn renamed_plans_verify_both_ways() {
    for (from, to, hints) in VERIFIED {
        let dir = tempfile::tempdir().unwrap();
        let (f, t) = (dir.path().join("from.sql"), dir.path().join("to.sql"));
        std::fs::write(&f, from).unwrap();
        std::fs::write(&t, to).unwrap();
        let rollback = dir.path().join("back.sql");
        let mut args = vec![
            "diff",
            f.to_str().unwrap(),
            t.to_str().unwrap(),
            "--verify",
            "-f",
            "sql",
            "--reverse",
            rollback.to_str().unwrap(),
        ];
        for h in *hints {
            args.extend(["--rename", h]);
        }
        let run = pgdrift(&args);
        assert_eq!(run.status.code(), Some(1), "{hints:?}: {}", out(&run));
        let script = String::from_utf8_lossy(&run.stdout).into_owned();
        assert!(script.contains(" RENAME "), "{hints:?}: {script}");
        assert!(!script.contains("DROP TABLE"), "{hints:?}: {script}");
        assert!(!script.contains("DROP COLUMN"), "{hints:?}: {script}");
    }
}
