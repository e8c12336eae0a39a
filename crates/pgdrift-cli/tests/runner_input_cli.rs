//! What the migration runner reads, under hostile input: SQL the splitter cannot split
//! completely (refused before anything runs, with file:line), a byte order mark in front of a
//! file's directive, savepoints inside a file, a FIFO where a migration should be (refused,
//! not read forever), and a baseline dry run over evidence that does not support it.

mod common;

use common::text;
use pgdrift::testing::TestDb;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, sql) in files {
        std::fs::write(dir.join(name), sql).unwrap();
    }
}

fn migrate(command: &str, dir: &Path, db: &TestDb, extra: &[&str]) -> Output {
    let url = db.url();
    let mut args = vec![command, "--dir", dir.to_str().unwrap(), "--url", &url];
    args.extend_from_slice(extra);
    args.insert(0, "migrate");
    common::pgdrift_in(None, &args)
}

/// Runs pgdrift, killing it when it has not finished within `limit` (a hang is a failure).
fn pgdrift_within(limit: Duration, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pgdrift"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            let out = child.wait_with_output().unwrap();
            panic!("pgdrift {args:?} hung; it printed:\n{}", text(&out));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

async fn tables(db: &TestDb) -> Vec<String> {
    db.strings("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public' HAVING count(*) > 0
         UNION ALL SELECT '' WHERE NOT EXISTS (SELECT FROM pg_tables WHERE schemaname = 'public')",
    )
    .await
}

/// An unterminated comment, quote or dollar quote: the file is refused with the line the
/// construct starts on, and nothing of the directory runs (not even the files before it).
#[tokio::test]
async fn a_file_that_cannot_be_split_completely_is_refused_before_anything_runs() {
    let cases = [
        (
            "/* comment",
            "CREATE TABLE t1 (id int);\n/* x\nCREATE TABLE t2 (id int);\n",
        ),
        (
            "quoted string",
            "CREATE TABLE t1 (id int);\nSELECT 'x;\nCREATE TABLE t2 (id int);\n",
        ),
        (
            "dollar quote",
            "CREATE TABLE t1 (id int);\nDO $body$ BEGIN\nCREATE TABLE t2 (id int);\n",
        ),
        (
            "quoted identifier",
            "CREATE TABLE t1 (id int);\nCREATE TABLE \"t2 (id int);\n",
        ),
    ];
    for (construct, sql) in cases {
        for directive in ["", "-- pgdrift:no-transaction\n"] {
            let dir = tempfile::tempdir().unwrap();
            let body = format!("{directive}{sql}");
            write(
                dir.path(),
                &[
                    ("001_first.sql", "CREATE TABLE first (id int);\n"),
                    ("002_bad.sql", &body),
                ],
            );
            let db = TestDb::new().await;
            let out = migrate("apply", dir.path(), &db, &[]);
            assert_eq!(out.status.code(), Some(2), "{construct}: {}", text(&out));
            let line = 2 + usize::from(!directive.is_empty());
            let t = text(&out);
            assert!(
                t.contains(&format!("002_bad.sql:{line}")),
                "{construct}: {t}"
            );
            assert!(t.contains("unterminated"), "{construct}: {t}");
            assert_eq!(tables(&db).await, [""], "{construct}: nothing ran");
            // The replay of the same directory refuses it alike.
            let url = db.url();
            let d = dir.path().to_str().unwrap();
            let out = common::pgdrift_in(None, &["diff", d, &url]);
            assert_eq!(out.status.code(), Some(2), "{construct}: {}", text(&out));
            assert!(
                text(&out).contains(&format!("002_bad.sql:{line}")),
                "{}",
                text(&out)
            );
        }
    }
}

/// A byte order mark before the first line hides no directive: pgdrift's, sqlx's and
/// dbmate's all run the file outside a transaction.
#[tokio::test]
async fn directives_behind_a_byte_order_mark_are_seen() {
    let index = "CREATE INDEX CONCURRENTLY t_id ON t (id);\n";
    let plain = [
        (
            "001_t.sql".to_string(),
            "CREATE TABLE t (id int);\n".to_string(),
        ),
        (
            "002_index.sql".into(),
            format!("\u{feff}-- pgdrift:no-transaction\n{index}"),
        ),
    ];
    let sqlx = [
        (
            "001_t.sql".to_string(),
            "CREATE TABLE t (id int);\n".to_string(),
        ),
        (
            "002_index.sql".into(),
            format!("\u{feff}-- no-transaction\n{index}"),
        ),
    ];
    let dbmate = [
        ("001_t.sql".to_string(), "-- migrate:up\nCREATE TABLE t (id int);\n".to_string()),
        (
            "002_index.sql".into(),
            format!("\u{feff}-- migrate:up transaction:false\n{index}-- migrate:down\nDROP INDEX t_id;\n"),
        ),
    ];
    for (layout, files) in [("pgdrift", plain), ("sqlx", sqlx), ("dbmate", dbmate)] {
        let dir = tempfile::tempdir().unwrap();
        for (name, sql) in &files {
            std::fs::write(dir.path().join(name), sql).unwrap();
        }
        let db = TestDb::new().await;
        let out = migrate("apply", dir.path(), &db, &[]);
        assert_eq!(out.status.code(), Some(0), "{layout}: {}", text(&out));
        assert!(
            text(&out).contains("(outside a transaction)"),
            "{layout}: {}",
            text(&out)
        );
        let index = db
            .strings("SELECT coalesce(to_regclass('t_id')::text, '-')")
            .await;
        assert_eq!(index, ["t_id"], "{layout}");
    }
}

/// A URL list and a snapshot saved with a byte order mark read like any other.
#[tokio::test]
async fn a_url_list_and_a_snapshot_behind_a_byte_order_mark_are_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("001_t.sql", "CREATE TABLE t (id int);\n")]);
    let db = TestDb::with_sql("CREATE TABLE t (id int);\n").await;
    let elsewhere = tempfile::tempdir().unwrap();
    let list = elsewhere.path().join("urls.txt");
    std::fs::write(&list, format!("\u{feff}{}\n", db.url())).unwrap();
    let d = dir.path().to_str().unwrap();
    let args = [
        "migrate",
        "status",
        "--dir",
        d,
        "--urls-from",
        list.to_str().unwrap(),
    ];
    let out = common::pgdrift_in(None, &args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "pending, not an error: {}",
        text(&out)
    );
    let url = db.url();
    let snapshot = common::pgdrift_in(None, &["inspect", &url, "-f", "json"]);
    assert_eq!(snapshot.status.code(), Some(0), "{}", text(&snapshot));
    let path = elsewhere.path().join("snap.json");
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend_from_slice(&snapshot.stdout);
    std::fs::write(&path, bytes).unwrap();
    let out = common::pgdrift_in(None, &["diff", path.to_str().unwrap(), &url]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// Savepoints belong to the migration's own transaction: allowed, and undone as written.
#[tokio::test]
async fn savepoints_inside_a_file_are_allowed() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "001_savepoints.sql",
            "CREATE TABLE kept (id int);\nSAVEPOINT before_scratch;\nCREATE TABLE scratch (id int);\n\
             ROLLBACK TO SAVEPOINT before_scratch;\nSAVEPOINT again;\nCREATE TABLE also_kept (id int);\n\
             RELEASE SAVEPOINT again;\nROLLBACK TO before_scratch;\nCREATE TABLE last (id int);\n",
        )],
    );
    let db = TestDb::new().await;
    let out = migrate("apply", dir.path(), &db, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(tables(&db).await, ["kept,last"]);
}

/// A FIFO named like a migration (or a Prisma migration.sql) is refused at once, naming it;
/// reading it would wait forever for a writer.
#[tokio::test]
async fn a_fifo_in_the_directory_is_refused_not_read() {
    use nix::sys::stat::Mode;
    let db = TestDb::new().await;
    let url = db.url();
    let limit = Duration::from_secs(30);
    let plain = tempfile::tempdir().unwrap();
    write(plain.path(), &[("001_t.sql", "CREATE TABLE t (id int);\n")]);
    nix::unistd::mkfifo(&plain.path().join("002_pipe.sql"), Mode::S_IRWXU).unwrap();
    let prisma = tempfile::tempdir().unwrap();
    std::fs::create_dir(prisma.path().join("20240101000000_init")).unwrap();
    let pipe = prisma.path().join("20240101000000_init/migration.sql");
    nix::unistd::mkfifo(&pipe, Mode::S_IRWXU).unwrap();
    for dir in [plain.path(), prisma.path()] {
        let d = dir.to_str().unwrap();
        for command in ["apply", "status"] {
            let out = pgdrift_within(limit, &["migrate", command, "--dir", d, "--url", &url]);
            assert_eq!(out.status.code(), Some(2), "{command}: {}", text(&out));
            assert!(
                text(&out).contains("not a regular file"),
                "{command}: {}",
                text(&out)
            );
        }
        let out = pgdrift_within(limit, &["diff", d, &url]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(text(&out).contains("not a regular file"), "{}", text(&out));
    }
    let out = pgdrift_within(limit, &["diff", pipe.to_str().unwrap(), &url]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("not a regular file"), "{}", text(&out));
    assert_eq!(tables(&db).await, [""]);
}

/// A dry run of a baseline the evidence does not support says one thing: it would refuse.
#[tokio::test]
async fn a_baseline_dry_run_against_the_evidence_says_it_would_refuse() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "001_users.sql",
                "CREATE TABLE users (id int PRIMARY KEY);\n",
            ),
            (
                "002_orders.sql",
                "CREATE TABLE orders (id int PRIMARY KEY);\n",
            ),
        ],
    );
    let db = TestDb::with_sql("CREATE TABLE users (id int PRIMARY KEY);\n").await;
    let out = migrate(
        "baseline",
        dir.path(),
        &db,
        &["--version", "002", "--dry-run"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let t = text(&out);
    assert!(!t.contains("would record"), "{t}");
    assert!(t.contains("would refuse the baseline"), "{t}");
    assert!(t.contains("(002_orders.sql)"), "{t}");
    assert_eq!(
        db.strings("SELECT coalesce(to_regclass('pgdrift.migrations')::text, '-')")
            .await,
        ["-"]
    );
}
