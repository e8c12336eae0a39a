//! `pgdrift diff` as a user runs it: summaries, scripts that run, rollbacks, verification,
//! filters, formats, exit codes and errors.

use pgdrift::testing::TestDb;
use std::path::Path;
use std::process::{Command, Output};

fn pgdrift(args: &[&str]) -> Output {
    pgdrift_in(None, args)
}

fn pgdrift_in(cache: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pgdrift"));
    cmd.args(args).env_remove("PGPASSWORD").env("NO_COLOR", "1");
    if let Some(cache) = cache {
        cmd.env("PGDRIFT_CACHE_DIR", cache);
    }
    cmd.output().expect("run pgdrift")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const PROD: &str = "
CREATE SCHEMA shop;
CREATE TYPE shop.state AS ENUM ('open', 'closed');
CREATE TABLE shop.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                          state shop.state NOT NULL, total integer);
CREATE VIEW shop.totals AS SELECT state, sum(total) AS total FROM shop.orders GROUP BY state;
CREATE TABLE shop.legacy_export (id int PRIMARY KEY, payload text);
INSERT INTO shop.orders (state, total) VALUES ('open', 10), ('closed', 20);
INSERT INTO shop.legacy_export VALUES (1, 'keep me');
";

const WANTED: &str = "
CREATE SCHEMA shop;
CREATE TYPE shop.state AS ENUM ('open', 'paid', 'closed');
CREATE TABLE shop.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                          state shop.state NOT NULL DEFAULT 'open', total bigint,
                          note text);
CREATE VIEW shop.totals AS SELECT state, sum(total) AS total FROM shop.orders GROUP BY state;
CREATE INDEX orders_state ON shop.orders (state);
COMMENT ON TABLE shop.orders IS 'customer orders';
";

#[tokio::test]
async fn a_summary_then_a_script_that_makes_the_databases_agree() {
    let prod = TestDb::with_sql(PROD).await;
    let wanted = TestDb::with_sql(WANTED).await;

    let summary = pgdrift(&["diff", &prod.url(), &wanted.url(), "-f", "text"]);
    assert_eq!(summary.status.code(), Some(1), "{}", stderr(&summary));
    let text = stdout(&summary);
    for expected in [
        "~ shop.state  labels:",
        "- shop.legacy_export",
        "+ shop.orders.note",
        "~ shop.orders.total  type: integer → bigint",
        "+ shop.orders_state",
        "PD101 deletes-data",
        "left out without --allow-destructive",
    ] {
        assert!(text.contains(expected), "{expected:?} not in\n{text}");
    }

    // Without --allow-destructive the drop is in the script, commented out.
    let safe = pgdrift(&["diff", &prod.url(), &wanted.url(), "-f", "sql"]);
    let script = stdout(&safe);
    assert!(
        script.contains("-- DROP TABLE shop.legacy_export;"),
        "{script}"
    );
    assert!(script.contains("ADD VALUE 'paid' AFTER 'open'"), "{script}");
    assert!(script.contains("DROP VIEW shop.totals;"), "{script}");

    // With it, and a rollback script; the plan is verified on a copy first.
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.sql");
    let rollback = dir.path().join("rollback.sql");
    let run = pgdrift(&[
        "diff",
        &prod.url(),
        &wanted.url(),
        "--allow-destructive",
        "--verify",
        "-o",
        plan.to_str().unwrap(),
        "--reverse",
        rollback.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(stderr(&run).contains("verified"), "{}", stderr(&run));
    let script = std::fs::read_to_string(&plan).unwrap();
    assert!(script.contains("CREATE TABLE pgdrift_backup."), "{script}");
    prod.execute(&script).await;
    let after = pgdrift(&["diff", &prod.url(), &wanted.url(), "-f", "text"]);
    assert_eq!(after.status.code(), Some(0), "{}", stdout(&after));
    assert!(stdout(&after).contains("No differences."));

    // The rollback brings back the dropped table with its row.
    let back = std::fs::read_to_string(&rollback).unwrap();
    assert!(back.contains("-- pgdrift"), "{back}");
    prod.execute(&back).await;
    let conn = prod.connect().await;
    let row = conn
        .client
        .query_one("SELECT payload FROM shop.legacy_export WHERE id = 1", &[])
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "keep me");
}

#[tokio::test]
async fn json_and_markdown_describe_changes_and_steps() {
    let prod = TestDb::with_sql(PROD).await;
    let wanted = TestDb::with_sql(WANTED).await;
    let json = pgdrift(&["diff", &prod.url(), &wanted.url(), "-f", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["allow_destructive"], false);
    let changes = v["changes"].as_array().unwrap();
    let retype = changes
        .iter()
        .find(|c| c["name"] == "shop.orders.total")
        .unwrap();
    assert_eq!(retype["op"], "alter");
    assert_eq!(retype["fields"][0]["field"], "type");
    assert_eq!(retype["fields"][0]["from"], "integer");
    let steps = v["plan"]["steps"].as_array().unwrap();
    let drop = steps
        .iter()
        .find(|s| s["sql"] == "DROP TABLE shop.legacy_export")
        .unwrap();
    assert_eq!(drop["destructive"], true);
    assert_eq!(drop["hazards"][0]["code"], "PD101");
    assert_eq!(drop["hazards"][0]["slug"], "deletes-data");
    let add_value = steps
        .iter()
        .find(|s| s["sql"].as_str().unwrap().contains("ADD VALUE"))
        .unwrap();
    assert_eq!(add_value["transactional"], false);

    let md = pgdrift(&["diff", &prod.url(), &wanted.url(), "-f", "markdown"]);
    let text = stdout(&md);
    assert!(text.starts_with("### Schema drift:"), "{text}");
    assert!(
        text.contains("| - | table | `shop.legacy_export` |"),
        "{text}"
    );
    assert!(text.contains("```sql"), "{text}");
}

#[tokio::test]
async fn the_same_schema_exits_0_and_exclusions_hide_objects() {
    let a = TestDb::with_sql(PROD).await;
    let b = TestDb::with_sql(PROD).await;
    let same = pgdrift(&["diff", &a.url(), &b.url(), "-f", "sql"]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert!(stdout(&same).contains("nothing to do"));
    b.execute("CREATE TABLE shop.tmp_scratch (x int); CREATE SCHEMA scratch; CREATE TABLE scratch.t (x int);")
        .await;
    let drift = pgdrift(&["diff", &a.url(), &b.url()]);
    assert_eq!(drift.status.code(), Some(1));
    let excluded = pgdrift(&[
        "diff",
        &a.url(),
        &b.url(),
        "--exclude",
        "tmp_*",
        "--exclude-schema",
        "scratch",
    ]);
    assert_eq!(excluded.status.code(), Some(0), "{}", stdout(&excluded));
}

#[tokio::test]
async fn owners_are_compared_only_when_asked() {
    let a = TestDb::with_sql(
        "DO $$ BEGIN CREATE ROLE pgdrift_cli_owner NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
         CREATE TABLE public.t (x int);",
    )
    .await;
    let b = TestDb::with_sql(
        "CREATE TABLE public.t (x int); ALTER TABLE public.t OWNER TO pgdrift_cli_owner;",
    )
    .await;
    assert_eq!(
        pgdrift(&["diff", &a.url(), &b.url()]).status.code(),
        Some(0)
    );
    let strict = pgdrift(&["diff", &a.url(), &b.url(), "--compare-owners", "-f", "text"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(stdout(&strict).contains("owner:"), "{}", stdout(&strict));
}

#[test]
fn sql_files_are_compared_through_the_private_server() {
    let dir = tempfile::tempdir().unwrap();
    let from = dir.path().join("from.sql");
    let to = dir.path().join("to.sql");
    std::fs::write(
        &from,
        "CREATE TABLE public.users (id int PRIMARY KEY, email text);",
    )
    .unwrap();
    std::fs::write(
        &to,
        "CREATE TABLE public.users (id int PRIMARY KEY, email text NOT NULL, name text);\n\
         CREATE UNIQUE INDEX users_email ON public.users (lower(email));",
    )
    .unwrap();
    let cache = dir.path().join("cache");
    let out = pgdrift_in(
        Some(&cache),
        &[
            "diff",
            from.to_str().unwrap(),
            to.to_str().unwrap(),
            "-f",
            "sql",
            "--verify",
            "--online",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let script = stdout(&out);
    assert!(
        script.contains("ALTER TABLE public.users ADD COLUMN name text;"),
        "{script}"
    );
    assert!(script.contains("SET NOT NULL"), "{script}");
    assert!(
        script.contains("CREATE UNIQUE INDEX CONCURRENTLY users_email ON public.users"),
        "{script}"
    );
    assert!(
        script.contains("runs outside a transaction (after the commit)"),
        "{script}"
    );
    assert!(stderr(&out).contains("verified"), "{}", stderr(&out));
}

/// With --online, a primary key or a unique index that a foreign key of the plan references
/// is built in the transaction, before the foreign key, and not concurrently after the commit.
#[test]
fn an_online_plan_builds_a_referenced_key_before_its_foreign_key() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../pgdrift/tests/fixtures/diff/constraint_pk_referenced_change");
    let cache = tempfile::tempdir().unwrap();
    let (from, to) = (case.join("from.sql"), case.join("to.sql"));
    let out = pgdrift_in(
        Some(cache.path()),
        &[
            "diff",
            from.to_str().unwrap(),
            to.to_str().unwrap(),
            "-f",
            "sql",
            "--verify",
            "--online",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("verified"), "{}", stderr(&out));
    let script = stdout(&out);
    let key = script.find("ADD CONSTRAINT member_pkey PRIMARY KEY");
    let fk = script.find("ADD CONSTRAINT session_member_fkey");
    assert!(key.is_some() && key < fk, "{script}");

    // A new unique index that a new foreign key references.
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (dir.path().join("from.sql"), dir.path().join("to.sql"));
    let base = "CREATE TABLE public.p (id int NOT NULL); CREATE TABLE public.c (pid int);";
    std::fs::write(&from, base).unwrap();
    std::fs::write(
        &to,
        format!(
            "{base} CREATE UNIQUE INDEX p_id ON public.p (id);
             ALTER TABLE public.c ADD CONSTRAINT c_pid_fkey FOREIGN KEY (pid) REFERENCES public.p (id);"
        ),
    )
    .unwrap();
    let (from, to) = (from.to_str().unwrap(), to.to_str().unwrap());
    let args = ["diff", from, to, "-f", "sql", "--verify", "--online"];
    let out = pgdrift_in(Some(cache.path()), &args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("verified"), "{}", stderr(&out));
    let script = stdout(&out);
    let index = script.find("CREATE UNIQUE INDEX p_id");
    let fk = script.find("ADD CONSTRAINT c_pid_fkey");
    assert!(index.is_some() && index < fk, "{script}");
}

/// The README's diff example: the example shop and its next version.
#[test]
fn the_readme_example_differs_and_its_plan_verifies() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let from = root.join("examples/shop.sql");
    let to = root.join("examples/shop-next.sql");
    let cache = tempfile::tempdir().unwrap();
    let (from, to) = (from.to_str().unwrap(), to.to_str().unwrap());
    let text = pgdrift_in(Some(cache.path()), &["diff", from, to, "-f", "text"]);
    assert_eq!(text.status.code(), Some(1), "{}", stderr(&text));
    let summary = stdout(&text);
    for expected in [
        "+ shop.coupons",
        "- shop.products.attributes",
        "PD101 deletes-data",
        "left out without --allow-destructive",
    ] {
        assert!(summary.contains(expected), "{expected}: {summary}");
    }
    let verified = pgdrift_in(
        Some(cache.path()),
        &[
            "diff",
            from,
            to,
            "-f",
            "sql",
            "--allow-destructive",
            "--verify",
        ],
    );
    assert_eq!(verified.status.code(), Some(1), "{}", stderr(&verified));
    let script = stdout(&verified);
    assert!(
        script.contains("ALTER TYPE shop.order_state ADD VALUE 'refunded' AFTER 'paid';"),
        "{script}"
    );
    assert!(
        script.contains("-- back up column shop.products.attributes"),
        "{script}"
    );
    // The new column holds only NULLs: its foreign key cannot fail on existing rows.
    assert!(
        !script.contains("may violate orders_coupon_fkey"),
        "{script}"
    );
    assert!(
        stderr(&verified).contains("verified"),
        "{}",
        stderr(&verified)
    );
}

#[test]
fn errors_name_the_side_at_fault_and_never_a_password() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.sql");
    let ok = dir.path().join("ok.sql");
    std::fs::write(&ok, "CREATE TABLE public.t (x int);").unwrap();
    let out = pgdrift_in(
        Some(dir.path()),
        &["diff", ok.to_str().unwrap(), missing.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("loading TO"), "{}", stderr(&out));
    assert!(stderr(&out).contains("nope.sql"), "{}", stderr(&out));

    let out = pgdrift(&[
        "diff",
        "postgres://someone:sekrit-pw@127.0.0.1:1/db?connect_timeout=2",
        ok.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("loading FROM"), "{err}");
    assert!(!err.contains("sekrit-pw"), "{err}");

    let out = pgdrift(&[
        "diff",
        ok.to_str().unwrap(),
        ok.to_str().unwrap(),
        "--lock-timeout=-1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--lock-timeout"), "{}", stderr(&out));
}

/// A FROM and TO as files in a fresh directory, with the cache inside it.
fn files(from: &str, to: &str) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let (f, t) = (dir.path().join("from.sql"), dir.path().join("to.sql"));
    std::fs::write(&f, from).unwrap();
    std::fs::write(&t, to).unwrap();
    let path = |p: std::path::PathBuf| p.to_str().unwrap().to_string();
    (dir, path(f), path(t))
}

#[test]
fn a_plan_that_fails_verification_is_written_nowhere_and_the_error_gives_the_servers_detail() {
    // The source's own rows break the unique key the target adds, which the copy shows.
    let (dir, from, to) = files(
        "CREATE TABLE t (a int);\n\
         INSERT INTO t VALUES (1), (1);",
        "CREATE TABLE t (a int, CONSTRAINT t_a_key UNIQUE (a));",
    );
    let (plan, rollback) = (dir.path().join("plan.sql"), dir.path().join("undo.sql"));
    std::fs::write(&plan, "-- an older plan\n").unwrap();
    let out = pgdrift_in(
        Some(&dir.path().join("cache")),
        &[
            "diff",
            &from,
            &to,
            "-f",
            "sql",
            "--allow-destructive",
            "--verify",
            "-o",
            plan.to_str().unwrap(),
            "--reverse",
            rollback.to_str().unwrap(),
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("could not create unique index \"t_a_key\""),
        "{err}"
    );
    assert!(err.contains("DETAIL: Key (a)=(1) is duplicated."), "{err}");
    assert!(err.contains("Nothing was written to"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&plan).unwrap(),
        "-- an older plan\n"
    );
    assert!(
        !rollback.exists(),
        "the rollback of an unverified plan was written"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(
        !left
            .iter()
            .any(|n| n.to_string_lossy().contains("pgdrift-tmp")),
        "{left:?}"
    );
}

#[test]
fn a_table_dropped_with_its_enum_verifies_both_ways() {
    let (dir, from, to) = files(
        "CREATE TYPE mood AS ENUM ('sad', 'happy');\n\
         CREATE TABLE t (id int PRIMARY KEY, m mood, ms mood[]);\n\
         CREATE TABLE u (id int PRIMARY KEY, m mood NOT NULL, keep text);\n\
         CREATE SEQUENCE s;",
        "CREATE TABLE u (id int PRIMARY KEY, keep text);",
    );
    let rollback = dir.path().join("undo.sql");
    let out = pgdrift_in(
        Some(&dir.path().join("cache")),
        &[
            "diff",
            &from,
            &to,
            "-f",
            "sql",
            "--allow-destructive",
            "--verify",
            "--reverse",
            rollback.to_str().unwrap(),
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("verified") && err.contains("the rollback then gives FROM again"),
        "{err}"
    );
    let script = stdout(&out);
    assert!(script.contains("m::text AS m"), "{script}");
    assert!(
        script.contains("SELECT last_value, is_called FROM public.s"),
        "{script}"
    );
    let back = std::fs::read_to_string(&rollback).unwrap();
    assert!(back.contains("b.m::public.mood"), "{back}");
    assert!(
        back.contains("pg_catalog.setval('public.s', b.last_value, b.is_called)"),
        "{back}"
    );
}

#[test]
fn a_rollback_without_backups_says_that_the_data_does_not_come_back() {
    let (dir, from, to) = files(
        "CREATE TABLE t (id int PRIMARY KEY, gone text);",
        "CREATE TABLE t (id int PRIMARY KEY);",
    );
    let rollback = dir.path().join("undo.sql");
    let out = pgdrift_in(
        Some(&dir.path().join("cache")),
        &[
            "diff",
            &from,
            &to,
            "-f",
            "sql",
            "--allow-destructive",
            "--no-backup",
            "--reverse",
            rollback.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!stdout(&out).contains("pgdrift_backup"), "{}", stdout(&out));
    let back = std::fs::read_to_string(&rollback).unwrap();
    assert!(back.contains("made with --no-backup"), "{back}");
}
