//! Privileges as PostgreSQL applies them: for every case in `tests/fixtures/grants`, plan
//! `from` -> `to` and `to` -> `from`, run each plan on a database holding its first side, and
//! require the privileges the server then reports — `information_schema.table_privileges`
//! and `column_privileges`, and the raw ACLs of relations, columns, schemas, sequences,
//! routines and types — to be exactly those of the other side. A GRANT whose column list
//! binds to its last privilege only, or a table-level REVOKE that also takes column
//! privileges away, shows up here as a privilege too many or too few.

mod common;

use pgdrift::diff::DiffOptions;
use pgdrift::pipeline::Target;
use pgdrift::plan::PlanOptions;
use pgdrift::source::InspectOptions;
use pgdrift::testing::TestDb;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/grants")
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The SQL of one side of a case: the roles, the shared table unless the case says
/// `-- no table`, then the case's file.
fn side(case: &str, file: &str) -> String {
    let own = read(dir().join(case).join(file));
    let mut sql = read(dir().join("_roles.sql"));
    if !own.starts_with("-- no table") {
        sql.push_str(&read(dir().join("_table.sql")));
    }
    sql.push_str(&own);
    sql
}

/// Every privilege on the objects of schema `app`, one sorted line each.
const PRIVILEGES: &str = "
SELECT 'table ' || table_name || ' ' || grantee || ' ' || privilege_type || ' ' || is_grantable
       || ' by ' || grantor
  FROM information_schema.table_privileges WHERE table_schema = 'app'
UNION ALL
SELECT 'column ' || table_name || '.' || column_name || ' ' || grantee || ' ' || privilege_type
       || ' ' || is_grantable || ' by ' || grantor
  FROM information_schema.column_privileges WHERE table_schema = 'app'
UNION ALL
SELECT 'relacl ' || c.relname || ' ' || a.grantee::regrole || ' ' || a.privilege_type || ' '
       || a.is_grantable || ' by ' || a.grantor::regrole
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
       aclexplode(coalesce(c.relacl, acldefault((CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END)::\"char\",
                                                c.relowner))) a
 WHERE n.nspname = 'app' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
UNION ALL
SELECT 'attacl ' || c.relname || '.' || t.attname || ' ' || a.grantee::regrole || ' '
       || a.privilege_type || ' ' || a.is_grantable || ' by ' || a.grantor::regrole
  FROM pg_attribute t JOIN pg_class c ON c.oid = t.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace,
       aclexplode(t.attacl) a
 WHERE n.nspname = 'app' AND t.attnum > 0 AND NOT t.attisdropped
   AND cardinality(t.attacl) > 0
UNION ALL
SELECT 'nspacl ' || n.nspname || ' ' || a.grantee::regrole || ' ' || a.privilege_type || ' '
       || a.is_grantable || ' by ' || a.grantor::regrole
  FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n'::\"char\", n.nspowner))) a
 WHERE n.nspname = 'app'
UNION ALL
SELECT 'proacl ' || p.oid::regprocedure || ' ' || a.grantee::regrole || ' ' || a.privilege_type
       || ' ' || a.is_grantable || ' by ' || a.grantor::regrole
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
       aclexplode(coalesce(p.proacl, acldefault('f'::\"char\", p.proowner))) a
 WHERE n.nspname = 'app'
UNION ALL
SELECT 'typacl ' || t.typname || ' ' || a.grantee::regrole || ' ' || a.privilege_type || ' '
       || a.is_grantable || ' by ' || a.grantor::regrole
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace,
       aclexplode(coalesce(t.typacl, acldefault('T'::\"char\", t.typowner))) a
 WHERE n.nspname = 'app' AND t.typtype IN ('e', 'd', 'c', 'r') AND t.typrelid = 0
ORDER BY 1";

async fn privileges(db: &TestDb) -> Vec<String> {
    let conn = db.connect().await;
    conn.client
        .query(PRIVILEGES, &[])
        .await
        .unwrap_or_else(|e| panic!("reading privileges: {e:?}"))
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect()
}

async fn load(sql: &str, what: &str) -> TestDb {
    let db = TestDb::new().await;
    let conn = db.connect().await;
    if let Err(e) = conn.client.batch_execute(sql).await {
        panic!("{what}: {e:?}");
    }
    db
}

/// Plans `db`'s schema into `target`'s, runs the plan on `db`, and returns what differs
/// from `expected` afterwards (empty when the privileges are exactly the same), with what
/// pgdrift itself still finds different.
async fn converge(case: &str, db: &TestDb, target: &TestDb, expected: &[String]) -> String {
    let opts = InspectOptions::default();
    let (from, to) = (
        common::read(db, &opts).await,
        common::read(target, &opts).await,
    );
    let conn = db.connect().await;
    let diff_options = DiffOptions::default();
    let on = Target::new(&conn, db.conninfo(), &opts, &diff_options);
    let c = on
        .converge(&from.catalog, &to.catalog, &PlanOptions::default())
        .await;
    let statements: Vec<&str> = c.plan.steps.iter().map(|s| s.sql.as_str()).collect();
    let left = match c.outcome {
        Ok(done) => done.remaining,
        Err(e) => return format!("{case}: {e}\n  plan: {statements:#?}"),
    };
    let got = privileges(db).await;
    let missing: Vec<&String> = expected.iter().filter(|x| !got.contains(x)).collect();
    let extra: Vec<&String> = got.iter().filter(|x| !expected.contains(x)).collect();
    if missing.is_empty() && extra.is_empty() {
        return String::new();
    }
    format!("{case}:\n  missing: {missing:#?}\n  extra: {extra:#?}\n  plan: {statements:#?}\n  left: {left:#?}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_generated_privilege_statement_gives_exactly_the_target_privileges() {
    let mut cases: Vec<String> = std::fs::read_dir(dir())
        .expect("the grant fixtures")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("from.sql").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "grant fixtures missing: {cases:?}");
    let mut failures = Vec::new();
    for case in &cases {
        let (from, to) = (side(case, "from.sql"), side(case, "to.sql"));
        let a = load(&from, &format!("{case}/from.sql")).await;
        let b = load(&to, &format!("{case}/to.sql")).await;
        let (pa, pb) = (privileges(&a).await, privileges(&b).await);
        assert_ne!(pa, pb, "{case}: from.sql and to.sql grant the same");
        // The reversed plan runs on `b` towards an untouched copy of `from`.
        let a_copy = load(&from, &format!("{case}/from.sql")).await;
        let forward = converge(case, &a, &b, &pb).await;
        let backward = converge(&format!("{case} (reversed)"), &b, &a_copy, &pa).await;
        failures.extend([forward, backward].into_iter().filter(|f| !f.is_empty()));
    }
    assert!(
        failures.is_empty(),
        "{} of {} plans left other privileges than the target's:\n{}",
        failures.len(),
        cases.len() * 2,
        failures.join("\n\n")
    );
}
