//! `pgdrift migrate apply` with backups and verification: `--backup-dir` writes exactly the
//! tables the pending migrations alter or drop, and the file brings a dropped table's rows
//! back; a failing `--backup-command` leaves the database unmigrated, one running pg_dump
//! writes its file; `--verify` finds a database whose tracking table says applied but whose
//! table is gone; no password reaches any output.

mod common;

use common::text;
use pgdrift::pg::conninfo::Secret;
use pgdrift::pg::ConnInfo;
use pgdrift::testing::TestDb;
use std::path::{Path, PathBuf};
use std::process::Output;

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, sql) in files {
        std::fs::write(dir.join(name), sql).unwrap();
    }
}

fn apply_url(dir: &Path, url: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "migrate",
        "apply",
        "--dir",
        dir.to_str().unwrap(),
        "--url",
        url,
    ];
    args.extend_from_slice(extra);
    common::pgdrift_in(None, &args)
}

fn apply(dir: &Path, db: &TestDb, extra: &[&str]) -> Output {
    apply_url(dir, &db.url(), extra)
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(out)))
}

async fn recorded(db: &TestDb) -> Vec<String> {
    db.strings("SELECT version FROM pgdrift.migrations ORDER BY version")
        .await
}

const FIRST: (&str, &str) = (
    "001_base.sql",
    "CREATE SCHEMA app;
     CREATE TABLE app.customers (id serial PRIMARY KEY, name text NOT NULL);
     CREATE TABLE app.orders (id bigint PRIMARY KEY,
                              customer_id int REFERENCES app.customers, total numeric);
     CREATE TABLE app.keep (id int);
     INSERT INTO app.customers (name) SELECT 'c' || g FROM generate_series(1, 5) g;
     INSERT INTO app.orders SELECT g, 1 + g % 5, g * 1.5 FROM generate_series(1, 40) g;
     INSERT INTO app.keep VALUES (1);
     CREATE TABLE app.events (id int, at date) PARTITION BY RANGE (at);
     CREATE TABLE app.events_1 PARTITION OF app.events FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
     CREATE TABLE app.events_2 PARTITION OF app.events FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
     INSERT INTO app.events SELECT g, date '2026-01-01' + g FROM generate_series(0, 49) g;\n",
);

/// Drops app.orders and the partitioned app.events, alters app.customers by its unqualified name (through the database's
/// search_path), and creates then alters a table of its own.
const SECOND: (&str, &str) = (
    "002_reshape.sql",
    "ALTER TABLE customers ADD COLUMN note text;
     DROP TABLE app.orders, app.events;
     CREATE TABLE fresh (id int);
     ALTER TABLE fresh ADD COLUMN x int;\n",
);

/// A database with FIRST applied and `search_path = app, public`, and a directory holding
/// FIRST and `second`.
async fn migrated_once_then(second: (&str, &str)) -> (TestDb, tempfile::TempDir) {
    let db = TestDb::new().await;
    db.execute(&format!(
        "ALTER DATABASE \"{}\" SET search_path = app, public",
        db.name()
    ))
    .await;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[FIRST]);
    let out = apply(dir.path(), &db, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    write(dir.path(), &[second]);
    (db, dir)
}

async fn migrated_once() -> (TestDb, tempfile::TempDir) {
    migrated_once_then(SECOND).await
}

fn psql_file(db: &TestDb, file: &str) -> Output {
    let mut cmd = std::process::Command::new("psql");
    cmd.args([
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-d",
        &db.url(),
        "-f",
        file,
    ]);
    if let Some(p) = &db.conninfo().password {
        cmd.env("PGPASSWORD", p.expose());
    }
    cmd.output().expect("psql runs the backup file")
}

#[tokio::test]
async fn the_backup_holds_the_changed_tables_and_restores_a_dropped_one() {
    let (db, dir) = migrated_once().await;
    let backups = tempfile::tempdir().unwrap();
    let out = apply(
        dir.path(),
        &db,
        &[
            "--backup-dir",
            backups.path().to_str().unwrap(),
            "-f",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v = json(&out);
    let backup = &v["databases"][0]["backup"];
    assert_eq!(
        backup["tables"],
        serde_json::json!([
            "app.customers",
            "app.events",
            "app.events_1",
            "app.events_2",
            "app.orders"
        ])
    );
    let path = PathBuf::from(backup["path"].as_str().expect("a backup file"));
    assert!(path.starts_with(backups.path()), "{}", path.display());
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(name.starts_with(&format!("{}-", db.name())) && name.ends_with(".sql"));
    let sql = std::fs::read_to_string(&path).unwrap();
    assert_eq!(backup["bytes"].as_u64(), Some(sql.len() as u64));
    assert!(sql.starts_with("-- pgdrift"), "{sql}");
    assert!(sql.contains("To restore"), "{sql}");
    assert!(sql.contains("COPY app.orders (") && sql.contains("COPY app.customers ("));
    assert!(!sql.contains("app.keep") && !sql.contains("fresh"), "{sql}");
    assert_eq!(recorded(&db).await, ["001_base.sql", "002_reshape.sql"]);
    // The migration dropped app.orders; the file brings it back with its rows, once what is
    // left of the backed-up tables is out of the way.
    db.execute("DROP TABLE app.customers CASCADE").await;
    let restored = psql_file(&db, path.to_str().unwrap());
    assert!(restored.status.success(), "{}", text(&restored));
    let rows = db
        .strings("SELECT count(*)::text || '/' || sum(total)::text FROM app.orders")
        .await;
    assert_eq!(rows, ["40/1230.0"]);
    let events = "SELECT count(*)::text || '/' || count(DISTINCT tableoid)::text FROM app.events";
    assert_eq!(
        db.strings(events).await,
        ["50/2"],
        "each row back in its partition"
    );
    let next = db
        .strings("SELECT nextval('app.customers_id_seq')::text")
        .await;
    assert_eq!(next, ["6"], "the sequence goes on past the restored rows");
}

#[tokio::test]
async fn a_failing_backup_command_leaves_the_database_unmigrated() {
    let (db, dir) = migrated_once().await;
    let backups = tempfile::tempdir().unwrap();
    let out = apply(
        dir.path(),
        &db,
        &[
            "--backup-dir",
            backups.path().to_str().unwrap(),
            "--backup-command",
            "false",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("backup command failed"),
        "{}",
        text(&out)
    );
    assert_eq!(recorded(&db).await, ["001_base.sql"]);
    let orders = db.strings("SELECT count(*)::text FROM app.orders").await;
    assert_eq!(orders, ["40"]);
}

/// pg_dump from the test server's binaries.
fn pg_dump() -> Option<PathBuf> {
    let server = pgdrift::testing::embedded_server()?;
    let path = server.binaries().bindir.join("pg_dump");
    path.is_file().then_some(path)
}

#[tokio::test]
async fn a_backup_command_running_pg_dump_writes_its_file() {
    let (db, dir) = migrated_once().await;
    let Some(pg_dump) = pg_dump() else {
        // The server binaries of other versions (`PGDRIFT_PG_BIN`, CI's per-version runs)
        // come without client programs; the default server's must have it.
        assert!(
            std::env::var("CI").as_deref() != Ok("true")
                || std::env::var_os("PGDRIFT_PG_BIN").is_some(),
            "pg_dump is not beside the test server's binaries"
        );
        #[allow(clippy::print_stderr)] // the skip is said where the test runs
        {
            eprintln!("skipped: no pg_dump beside the test server's binaries");
        }
        return;
    };
    let backups = tempfile::tempdir().unwrap();
    let command = format!(
        "'{}' -Fc -d {{url}} -f {{dir}}/{{database}}.dump",
        pg_dump.display()
    );
    let out = apply(
        dir.path(),
        &db,
        &[
            "--backup-dir",
            backups.path().to_str().unwrap(),
            "--backup-command",
            &command,
            "-f",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let dump = backups.path().join(format!("{}.dump", db.name()));
    let size = std::fs::metadata(&dump).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 0,
        "{} was not written: {}",
        dump.display(),
        text(&out)
    );
    let backup = &json(&out)["databases"][0]["backup"];
    assert!(backup["command"].as_str().unwrap().contains("pg_dump"));
    assert_eq!(backup["bytes"].as_u64(), Some(size));
    assert_eq!(recorded(&db).await, ["001_base.sql", "002_reshape.sql"]);
}

#[tokio::test]
async fn verify_reports_applied_but_different_when_a_table_was_dropped_by_hand() {
    // The scratch server replays with the default search_path: names are qualified here.
    let qualified = (
        "002_note.sql",
        "ALTER TABLE app.customers ADD COLUMN note text;\n",
    );
    let (db, dir) = migrated_once_then(qualified).await;
    let out = apply(dir.path(), &db, &["--verify"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("schema verified"), "{}", text(&out));
    db.execute("DROP TABLE app.keep").await;
    let out = apply(dir.path(), &db, &["--verify", "-f", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let error = json(&out)["databases"][0]["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(error.contains("applied but different"), "{error}");
    assert!(error.contains("table app.keep is missing"), "{error}");
}

#[tokio::test]
async fn a_password_never_shows_when_a_backup_command_fails() {
    let (db, dir) = migrated_once().await;
    // The test server trusts its connections: a made-up password is sent and ignored.
    let secret = match &db.conninfo().password {
        Some(p) => p.expose().to_string(),
        None => "s3cret-Pw".to_string(),
    };
    let url = ConnInfo {
        password: Some(Secret::new(&secret)),
        ..db.conninfo().clone()
    }
    .url_with_password();
    assert!(url.contains(&secret));
    let backups = tempfile::tempdir().unwrap();
    for format in ["text", "json"] {
        let out = apply_url(
            dir.path(),
            &url,
            &[
                "--backup-dir",
                backups.path().to_str().unwrap(),
                "--backup-command",
                "echo connecting to {url} >&2; echo {url}; exit 3",
                "-f",
                format,
            ],
        );
        let all = text(&out);
        assert_eq!(out.status.code(), Some(2), "{all}");
        assert!(all.contains("exit status 3"), "{all}");
        assert!(all.contains("connecting to"), "stderr is shown: {all}");
        assert!(!all.contains(&secret), "the password shows: {all}");
    }
    assert_eq!(recorded(&db).await, ["001_base.sql"]);
}
