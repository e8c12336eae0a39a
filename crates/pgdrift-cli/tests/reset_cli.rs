//! `pgdrift reset` as a user runs it: a drifted development database rebuilt from its
//! migrations (the result compared with the directory's replay), `public` made again as it
//! was, `--all-schemas`, `--create`, the change log, the runners' lock, and every guard: a
//! staging or production server (never passed), a big database, a busy one, the name typed on
//! a terminal, no terminal without `--yes`.

mod common;

use common::text;
use pgdrift::pg::ConnInfo;
use pgdrift::testing::TestDb;
use std::path::Path;
use std::process::{Command, Output};

const MIGRATIONS: &[(&str, &str)] = &[
    (
        "001_accounts.sql",
        "CREATE EXTENSION citext;\n\
         CREATE TABLE accounts (id bigint PRIMARY KEY, email citext NOT NULL);\n",
    ),
    (
        "002_app.sql",
        "CREATE SCHEMA app;\n\
         CREATE TABLE app.orders (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts);\n",
    ),
    (
        "003_seed.sql",
        "INSERT INTO accounts VALUES (1, 'a@example.com');\n",
    ),
];

/// A migrations directory holding `MIGRATIONS`.
fn migrations() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, sql) in MIGRATIONS {
        std::fs::write(dir.path().join(name), sql).unwrap();
    }
    dir
}

/// Runs `pgdrift args` in `cwd` with `$USER` set, as a user would.
fn pgdrift(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pgdrift"))
        .args(args)
        .current_dir(cwd)
        .env_remove("PGPASSWORD")
        .env("NO_COLOR", "1")
        .env("USER", "reset-tester")
        .output()
        .expect("run pgdrift")
}

/// `pgdrift reset URL --dir DIR` with `extra` flags, in DIR.
fn reset(dir: &Path, url: &str, extra: &[&str]) -> Output {
    let mut args = vec!["reset", url, "--dir", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    pgdrift(dir, &args)
}

/// A development database that ran the migrations, then drifted: a table the migrations do
/// not create in each of their schemas, an extra schema, data, and a history row of a file
/// that is gone.
async fn drifted(dir: &Path) -> TestDb {
    let db = TestDb::new().await;
    let url = db.url();
    let d = dir.to_str().unwrap();
    let out = pgdrift(dir, &["migrate", "apply", "--dir", d, "--url", &url]);
    assert!(out.status.success(), "{}", text(&out));
    db.execute(
        "CREATE TABLE public.leftover (id int);
         CREATE TABLE app.scratch_copy AS SELECT * FROM app.orders;
         ALTER TABLE app.orders ADD COLUMN note text;
         CREATE SCHEMA scratch; CREATE TABLE scratch.t (x int);
         INSERT INTO accounts SELECT g, 'u' || g || '@example.com' FROM generate_series(2, 40) g;
         INSERT INTO pgdrift.migrations (version, description, checksum, execution_ms, pgdrift_version)
           VALUES ('000_gone', 'gone', 'x', 1, 'test');",
    )
    .await;
    db
}

async fn exists(db: &TestDb, name: &str) -> bool {
    let sql = format!("SELECT (to_regclass('{name}') IS NOT NULL)::text");
    db.strings(&sql).await == ["true"]
}

async fn scalar(db: &TestDb, sql: &str) -> String {
    db.strings(sql).await.join(",")
}

fn diff_is_empty(dir: &Path, url: &str, extra: &[&str]) {
    let mut args = vec!["diff", url, dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = pgdrift(dir, &args);
    assert_eq!(out.status.code(), Some(0), "diff:\n{}", text(&out));
}

#[tokio::test]
async fn a_drifted_database_is_rebuilt_from_its_migrations() {
    let dir = migrations();
    let db = drifted(dir.path()).await;
    let out = reset(dir.path(), &db.url(), &["--yes", "--quiet-for", "0"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("dropped schema app"), "{t}");
    assert!(t.contains("dropped extension citext"), "{t}");
    assert!(t.contains("3 migrations applied"), "{t}");
    assert!(!exists(&db, "public.leftover").await);
    assert!(!exists(&db, "app.scratch_copy").await);
    assert_eq!(
        scalar(&db, "SELECT count(*)::text FROM accounts").await,
        "1"
    );
    assert_eq!(
        db.strings("SELECT version FROM pgdrift.migrations ORDER BY version")
            .await,
        ["001_accounts.sql", "002_app.sql", "003_seed.sql"]
    );
    // A schema the migrations do not create is left alone without --all-schemas.
    assert!(exists(&db, "scratch.t").await);
    diff_is_empty(dir.path(), &db.url(), &["--exclude-schema", "scratch"]);
}

#[tokio::test]
async fn all_schemas_drops_every_schema_and_the_change_log_stays() {
    let dir = migrations();
    let db = drifted(dir.path()).await;
    let url = db.url();
    for _ in 0..2 {
        let out = reset(
            dir.path(),
            &url,
            &["-y", "--quiet-for", "0", "--all-schemas"],
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    assert!(!exists(&db, "scratch.t").await);
    diff_is_empty(dir.path(), &url, &[]);
    // Both resets are in the change log, with who ran them and what they applied.
    let rows = db
        .strings(
            "SELECT concat_ws(' ', action, subject, outcome, os_user, detail->'applied')
             FROM pgdrift.changes ORDER BY id",
        )
        .await;
    let want = format!(
        "reset {} applied reset-tester [\"001_accounts.sql\", \"002_app.sql\", \"003_seed.sql\"]",
        db.name()
    );
    assert_eq!(rows, [want.clone(), want]);
    let dropping = scalar(
        &db,
        "SELECT detail->'dropping'->>'schemas' FROM pgdrift.changes ORDER BY id LIMIT 1",
    )
    .await;
    assert!(
        dropping.contains("scratch") && dropping.contains("app"),
        "{dropping}"
    );
}

#[tokio::test]
async fn public_is_made_again_with_its_owner_privileges_and_comment() {
    let dir = migrations();
    let db = drifted(dir.path()).await;
    let role = format!("{}_reader", db.name());
    db.execute(&format!(
        "CREATE ROLE {role} NOLOGIN;
         COMMENT ON SCHEMA public IS 'the team''s public schema';
         GRANT CREATE ON SCHEMA public TO {role} WITH GRANT OPTION;
         REVOKE CREATE ON SCHEMA public FROM PUBLIC;"
    ))
    .await;
    let state = "SELECT concat_ws(' | ', nspowner::regrole::text, nspacl::text,
                        obj_description(oid, 'pg_namespace'))
                 FROM pg_namespace WHERE nspname = 'public'";
    let before = scalar(&db, state).await;
    assert!(before.contains(&role), "{before}");
    let out = reset(
        dir.path(),
        &db.url(),
        &["--yes", "--quiet-for", "0", "-f", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["dropped"]["public"], true);
    assert_eq!(json["applied"].as_array().map(Vec::len), Some(3));
    assert!(!exists(&db, "public.leftover").await);
    assert_eq!(scalar(&db, state).await, before);
    db.execute(&format!("DROP OWNED BY {role}; DROP ROLE {role}"))
        .await;
}

/// A pgdrift.toml (in `dir`, not the migrations directory) listing the test server as
/// `stage`.
fn config(dir: &Path, db: &TestDb, stage: &str) -> String {
    let server = ConnInfo {
        password: None,
        ..db.conninfo().with_dbname("postgres")
    };
    let path = dir.join(format!("{stage}.toml"));
    let toml = format!("[[server]]\nname = \"main\"\nurl = \"{server}\"\nstage = \"{stage}\"\n");
    std::fs::write(&path, toml).unwrap();
    path.display().to_string()
}

#[tokio::test]
async fn staging_and_production_servers_are_refused_even_with_force() {
    let dir = migrations();
    let db = drifted(dir.path()).await;
    let configs = tempfile::tempdir().unwrap();
    for stage in ["production", "staging"] {
        let config = config(configs.path(), &db, stage);
        let flags = ["--yes", "--force", "--quiet-for", "0", "--config", &config];
        let out = reset(dir.path(), &db.url(), &flags);
        let t = text(&out);
        assert_eq!(out.status.code(), Some(2), "{t}");
        assert!(t.contains(db.name()) && t.contains("stage guard"), "{t}");
        assert!(t.contains(&format!("stage = \"{stage}\"")), "{t}");
        assert!(
            exists(&db, "public.leftover").await,
            "{stage}: something was dropped"
        );
    }
    let config = config(configs.path(), &db, "development");
    let out = reset(
        dir.path(),
        &db.url(),
        &["-y", "--quiet-for", "0", "-c", &config],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!exists(&db, "public.leftover").await);
}

#[tokio::test]
async fn a_big_database_is_refused_unless_forced() {
    let dir = migrations();
    let db = drifted(dir.path()).await;
    db.execute("CREATE TABLE app.events AS SELECT g AS id FROM generate_series(1, 50) g")
        .await;
    let flags = ["--yes", "--quiet-for", "0", "--max-rows", "60"];
    // 40 accounts and 50 events, counted (never analyzed), then estimated once analyzed.
    for _ in 0..2 {
        let out = reset(dir.path(), &db.url(), &flags);
        let t = text(&out);
        assert_eq!(out.status.code(), Some(2), "{t}");
        assert!(t.contains(db.name()) && t.contains("size guard"), "{t}");
        assert!(t.contains("--max-rows 60"), "{t}");
        assert!(exists(&db, "app.events").await);
        db.execute("ANALYZE").await;
    }
    let out = reset(
        dir.path(),
        &db.url(),
        &["--yes", "--quiet-for", "0", "--max-rows", "100"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let db2 = drifted(dir.path()).await;
    let out = reset(
        dir.path(),
        &db2.url(),
        &["-y", "--quiet-for", "0", "--max-rows", "5", "--force"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!exists(&db2, "public.leftover").await);
}

#[tokio::test]
async fn a_busy_database_is_refused_unless_forced() {
    let dir = migrations();
    let db = drifted(dir.path()).await;
    let other = db.connect().await;
    // A session connected a moment ago, idle: busy within the default ten minutes only.
    let out = reset(dir.path(), &db.url(), &["--yes"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains(db.name()) && t.contains("busy guard"), "{t}");
    // Inside a transaction: busy whatever the window.
    other.client.batch_execute("BEGIN; SELECT 1").await.unwrap();
    let out = reset(dir.path(), &db.url(), &["--yes", "--quiet-for", "0"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("idle in transaction"), "{t}");
    assert!(exists(&db, "public.leftover").await);
    let out = reset(
        dir.path(),
        &db.url(),
        &["--yes", "--quiet-for", "0", "--force"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!exists(&db, "public.leftover").await);
    other.client.batch_execute("COMMIT").await.unwrap();
}

#[tokio::test]
async fn without_a_terminal_yes_is_required() {
    let dir = migrations();
    let db = drifted(dir.path()).await;
    let out = reset(dir.path(), &db.url(), &["--quiet-for", "0"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains(db.name()) && t.contains("--yes"), "{t}");
    assert!(exists(&db, "public.leftover").await);
    assert!(exists(&db, "app.scratch_copy").await);
}

#[tokio::test]
async fn create_makes_a_missing_database() {
    let dir = migrations();
    let db = TestDb::new().await;
    let name = format!("{}_created", db.name());
    let info = ConnInfo {
        password: None,
        ..db.conninfo().with_dbname(&name)
    };
    let url = info.to_string();
    let out = reset(dir.path(), &url, &["--yes", "--quiet-for", "0"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("--create"), "{t}");
    let out = reset(dir.path(), &url, &["--yes", "--quiet-for", "0", "--create"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("(created)"), "{t}");
    diff_is_empty(dir.path(), &url, &[]);
    let admin = pgdrift::pg::connect(&pgdrift::testing::admin_conninfo())
        .await
        .unwrap();
    let drop = format!("DROP DATABASE {}", pgdrift::sql::Ident(&name));
    admin.client.batch_execute(&drop).await.unwrap();
}

#[tokio::test]
async fn recent_table_scans_count_as_use_on_postgresql_16_and_newer() {
    let dir = migrations();
    let db = drifted(dir.path()).await;
    let major = db.connect().await.version.major();
    {
        let reader = db.connect().await;
        reader
            .client
            .batch_execute("SELECT count(*) FROM scratch.t")
            .await
            .unwrap();
    }
    // The reader's statistics reach pg_stat_user_tables when its backend ends.
    let seen = "SELECT (last_seq_scan IS NOT NULL)::text FROM pg_stat_user_tables
                WHERE schemaname = 'scratch' AND relname = 't'";
    let gone = "SELECT count(*)::text FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()
                  AND backend_type = 'client backend'";
    // A dropped connection closes only when the runtime runs its task: sleeping lets it.
    let pause = || tokio::time::sleep(std::time::Duration::from_millis(100));
    for _ in 0..50 {
        let scanned = major < 16 || db.strings(seen).await == ["true"];
        let alone = db.strings(gone).await == ["0"];
        pause().await;
        if scanned && alone {
            break;
        }
    }
    pause().await;
    // Sessions that came and went leave no trace: only the scan can be seen (16+), so a
    // window that covers every connection made so far is needed to catch nothing else.
    let out = reset(dir.path(), &db.url(), &["--yes", "--quiet-for", "1"]);
    let t = text(&out);
    if major >= 16 {
        assert_eq!(out.status.code(), Some(2), "{t}");
        assert!(
            t.contains("busy guard") && t.contains("table scratch.t scanned"),
            "{t}"
        );
        assert!(exists(&db, "public.leftover").await);
    } else {
        assert_eq!(out.status.code(), Some(0), "{t}");
    }
}

#[tokio::test]
async fn a_runner_holding_the_migration_lock_keeps_the_reset_waiting() {
    let dir = migrations();
    let db = drifted(dir.path()).await;
    let runner = db.connect().await;
    let key = pgdrift::migrate::tracking::LOCK_KEY;
    runner
        .client
        .execute("SELECT pg_advisory_lock($1)", &[&key])
        .await
        .unwrap();
    let flags = ["--yes", "--quiet-for", "0", "--lock-wait", "1"];
    let out = reset(dir.path(), &db.url(), &flags);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("migration lock"), "{t}");
    assert!(exists(&db, "public.leftover").await);
    runner
        .client
        .execute("SELECT pg_advisory_unlock($1)", &[&key])
        .await
        .unwrap();
    let out = reset(dir.path(), &db.url(), &flags);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// `pgdrift reset URL --dir DIR --quiet-for 0` on a terminal (util-linux `script`), with
/// `typed` as the answer; `None` when `script` is missing (outside CI only).
#[allow(clippy::print_stderr)]
fn reset_on_terminal(dir: &Path, url: &str, typed: &str) -> Option<Output> {
    let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
    let bin = env!("CARGO_BIN_EXE_pgdrift");
    let d = dir.to_str().unwrap();
    let command = [bin, "reset", url, "--dir", d, "--quiet-for", "0"]
        .map(quote)
        .join(" ");
    let mut child = match Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_remove("PGPASSWORD")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped: cannot run script ({e})");
            return None;
        }
        Err(e) => panic!("the terminal test needs util-linux's script: {e}"),
    };
    use std::io::Write;
    let mut stdin = child.stdin.take().unwrap();
    // Typed ahead or not, the terminal keeps the line until pgdrift reads it.
    std::thread::sleep(std::time::Duration::from_millis(300));
    stdin.write_all(format!("{typed}\n").as_bytes()).unwrap();
    drop(stdin);
    Some(child.wait_with_output().unwrap())
}

#[tokio::test]
async fn on_a_terminal_the_database_name_must_be_typed() {
    let dir = migrations();
    let db = drifted(dir.path()).await;
    let Some(out) = reset_on_terminal(dir.path(), &db.url(), "not-the-name") else {
        return;
    };
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("Type the database's name"), "{t}");
    assert!(t.contains("confirmation guard"), "{t}");
    assert!(exists(&db, "public.leftover").await);
    let out = reset_on_terminal(dir.path(), &db.url(), db.name()).unwrap();
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("3 migrations applied"), "{t}");
    assert!(!exists(&db, "public.leftover").await);
}
