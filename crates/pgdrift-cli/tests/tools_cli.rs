//! The real tools after pgdrift wrote their histories: on a database built by running the
//! files' SQL (so that no tool has rows), `pgdrift migrate baseline --tool X` is followed by
//! the tool itself — drizzle-kit, dbmate, Alembic — which finds nothing to apply, then applies
//! exactly the next new file. `apply --record-for drizzle` leaves drizzle-kit nothing to do.
//!
//! The tools come from `scripts/setup-tools` (in `PGDRIFT_TOOLS_DIR`, else `<repo>/.tools`).
//! Without them these tests fail when `CI=true`, and print why and pass elsewhere.

mod common;

use common::text;
use pgdrift::pg::Host;
use pgdrift::testing::TestDb;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pgdrift(args: &[&str]) -> Output {
    common::pgdrift_in(None, args)
}

/// Where scripts/setup-tools installed the tools, if it did.
fn tools(tool: &str, bin: &str) -> Option<PathBuf> {
    let root = std::env::var_os("PGDRIFT_TOOLS_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools"),
        PathBuf::from,
    );
    let path = root.join(bin);
    if path.is_file() {
        return Some(path);
    }
    let why = format!(
        "{tool} is not installed at {}: run scripts/setup-tools (or set PGDRIFT_TOOLS_DIR)",
        path.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{why}");
    }
    #[allow(clippy::print_stderr)] // the skip is said where the test runs
    {
        eprintln!("skipped: {why}");
    }
    None
}

/// How the tools reach a test database: host (or socket directory), port, user, password.
struct Server {
    host: String,
    socket: bool,
    port: u16,
    user: String,
    password: Option<String>,
    dbname: String,
}

fn server(db: &TestDb) -> Server {
    let info = db.conninfo();
    let (host, socket) = match info.hosts.first() {
        Some(Host::Unix(dir)) => (dir.display().to_string(), true),
        Some(Host::Tcp(name)) => (name.clone(), false),
        None => ("localhost".to_string(), false),
    };
    Server {
        host,
        socket,
        port: info.ports.first().copied().unwrap_or(5432),
        user: info.user.clone().unwrap_or_else(|| "postgres".into()),
        password: info.password.as_ref().map(|p| p.expose().to_string()),
        dbname: db.name().to_string(),
    }
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed:\n{}", text(&out));
    out
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, body) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
}

fn baseline(dir: &Path, db: &TestDb, tool: &str, version: &str, extra: &[&str]) -> Output {
    let url = db.url();
    let mut args = vec![
        "migrate",
        "baseline",
        "--dir",
        dir.to_str().unwrap(),
        "--url",
        &url,
        "--tool",
        tool,
        "--version",
        version,
    ];
    args.extend_from_slice(extra);
    let out = pgdrift(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    out
}

/// pgdrift agrees with the tool afterwards: `diff DB DIR` finds no drift (the tool's
/// tracking table is not part of the schema), and `history --dir` names the tool as the
/// manager with every file applied and no checksum off.
fn pgdrift_agrees(db: &TestDb, dir: &Path, tool: &str) {
    let url = db.url();
    let d = dir.to_str().unwrap();
    let out = pgdrift(&["diff", &url, d, "-f", "text"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("tracking table not compared"), "{t}");
    let out = pgdrift(&[
        "migrate", "history", "--url", &url, "--dir", d, "-f", "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["verdict"]["manager"], tool, "{json:#}");
    let c = &json["comparisons"][0];
    assert_eq!(c["never_applied"], serde_json::json!([]), "{json:#}");
    assert_eq!(c["checksum_mismatches"], serde_json::json!([]), "{json:#}");
}

// ---- Drizzle ----

/// A drizzle-kit project: the config, and the migrations folder with its journal.
fn drizzle_project(root: &Path, db: &TestDb, migrations: &[(&str, i64, &str)]) {
    let s = server(db);
    let password = s.password.map_or("undefined".into(), |p| format!("{p:?}"));
    let config = format!(
        "module.exports = {{ dialect: \"postgresql\", out: \"./drizzle\", dbCredentials: \
         {{ host: {:?}, port: {}, user: {:?}, password: {password}, database: {:?}, ssl: false }} }};\n",
        s.host, s.port, s.user, s.dbname
    );
    std::fs::write(root.join("drizzle.config.js"), config).unwrap();
    let entries: Vec<String> = migrations
        .iter()
        .enumerate()
        .map(|(i, (tag, when, _))| {
            format!("{{\"idx\":{i},\"version\":\"7\",\"when\":{when},\"tag\":\"{tag}\",\"breakpoints\":true}}")
        })
        .collect();
    let journal = format!(
        "{{\"version\":\"7\",\"dialect\":\"postgresql\",\"entries\":[{}]}}\n",
        entries.join(",")
    );
    write(root, &[("drizzle/meta/_journal.json", &journal)]);
    for (tag, _, sql) in migrations {
        write(root, &[(&format!("drizzle/{tag}.sql"), sql)]);
    }
}

fn drizzle_kit(kit: &Path, root: &Path) -> Output {
    run(Command::new(kit)
        .args(["migrate", "--config", "drizzle.config.js"])
        .current_dir(root))
}

const USERS: &str = "CREATE TABLE \"users\" (\n\t\"id\" serial PRIMARY KEY NOT NULL,\n\t\"email\" text NOT NULL\n);\n";
const POSTS: &str = "CREATE TABLE \"posts\" (\n\t\"id\" serial PRIMARY KEY NOT NULL,\n\t\"user_id\" integer NOT NULL\n);\n--> statement-breakpoint\nALTER TABLE \"posts\" ADD CONSTRAINT \"posts_user_id_users_id_fk\" FOREIGN KEY (\"user_id\") REFERENCES \"public\".\"users\"(\"id\") ON DELETE no action ON UPDATE no action;";
const TAGS: &str = "CREATE TABLE \"tags\" (\n\t\"id\" serial PRIMARY KEY NOT NULL\n);\n";

#[tokio::test]
async fn drizzle_kit_migrate_just_works_after_a_baseline() {
    let Some(kit) = tools("drizzle-kit", "node/node_modules/.bin/drizzle-kit") else {
        return;
    };
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    let db = TestDb::with_sql(USERS).await;
    drizzle_project(root, &db, &[("0000_init", 1_760_000_000_000, USERS)]);
    let out = baseline(&root.join("drizzle"), &db, "drizzle", "0000", &[]);
    assert!(
        text(&out).contains("drizzle.__drizzle_migrations"),
        "{}",
        text(&out)
    );
    let rows = "SELECT hash || '@' || created_at FROM drizzle.__drizzle_migrations ORDER BY id";
    let before = db.strings(rows).await;
    assert_eq!(before.len(), 1);
    // Nothing to apply: drizzle-kit runs nothing (0000 again would fail: users exists).
    drizzle_kit(&kit, root);
    assert_eq!(db.strings(rows).await, before);
    // The next file is applied normally, and only it.
    drizzle_project(
        root,
        &db,
        &[
            ("0000_init", 1_760_000_000_000, USERS),
            ("0001_posts", 1_760_000_100_000, POSTS),
        ],
    );
    drizzle_kit(&kit, root);
    let after = db.strings(rows).await;
    assert_eq!(after.len(), 2, "{after:?}");
    assert_eq!(after[0], before[0]);
    assert!(after[1].ends_with("@1760000100000"), "{after:?}");
    let posts = db.strings("SELECT to_regclass('public.posts')::text").await;
    assert_eq!(posts, ["posts"]);
    pgdrift_agrees(&db, &root.join("drizzle"), "drizzle");
}

#[tokio::test]
async fn apply_record_for_drizzle_leaves_drizzle_kit_nothing_to_do() {
    let Some(kit) = tools("drizzle-kit", "node/node_modules/.bin/drizzle-kit") else {
        return;
    };
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    let db = TestDb::new().await;
    let files = [
        ("0000_init", 1_760_000_000_000, USERS),
        ("0001_posts", 1_760_000_100_000, POSTS),
    ];
    drizzle_project(root, &db, &files);
    let url = db.url();
    let dir = root.join("drizzle");
    let args = [
        "migrate",
        "apply",
        "--dir",
        dir.to_str().unwrap(),
        "--url",
        &url,
        "--record-for",
        "drizzle",
    ];
    let out = pgdrift(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let rows = "SELECT created_at::text FROM drizzle.__drizzle_migrations ORDER BY id";
    assert_eq!(db.strings(rows).await, ["1760000000000", "1760000100000"]);
    drizzle_kit(&kit, root);
    assert_eq!(db.strings(rows).await, ["1760000000000", "1760000100000"]);
    // A file drizzle-kit applies next is applied once.
    drizzle_project(
        root,
        &db,
        &[files[0], files[1], ("0002_tags", 1_760_000_200_000, TAGS)],
    );
    drizzle_kit(&kit, root);
    assert_eq!(db.strings(rows).await.len(), 3);
}

// ---- dbmate ----

fn dbmate(bin: &Path, db: &TestDb, dir: &Path, args: &[&str]) -> Output {
    let s = server(db);
    let auth = match &s.password {
        Some(p) => format!("{}:{}", s.user, p),
        None => s.user.clone(),
    };
    let url = if s.socket {
        format!(
            "postgres://{auth}@/{}?socket={}&port={}&sslmode=disable",
            s.dbname, s.host, s.port
        )
    } else {
        format!(
            "postgres://{auth}@{}:{}/{}?sslmode=disable",
            s.host, s.port, s.dbname
        )
    };
    let mut cmd = Command::new(bin);
    cmd.env("DATABASE_URL", url)
        .args([
            "--no-dump-schema",
            "--migrations-dir",
            dir.to_str().unwrap(),
        ])
        .args(args);
    run(&mut cmd)
}

fn dbmate_file(up: &str, down: &str) -> String {
    format!("-- migrate:up\n{up}\n-- migrate:down\n{down}\n")
}

#[tokio::test]
async fn dbmate_finds_nothing_pending_after_a_baseline() {
    let Some(bin) = tools("dbmate", "node/node_modules/.bin/dbmate") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let users = "CREATE TABLE users (id bigint PRIMARY KEY);";
    let orders = "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users);";
    write(
        dir.path(),
        &[
            (
                "20240101000000_users.sql",
                &dbmate_file(users, "DROP TABLE users;"),
            ),
            (
                "20240102000000_orders.sql",
                &dbmate_file(orders, "DROP TABLE orders;"),
            ),
        ],
    );
    let db = TestDb::with_sql(&format!("{users}\n{orders}\n")).await;
    baseline(dir.path(), &db, "dbmate", "20240102000000", &[]);
    let out = dbmate(&bin, &db, dir.path(), &["status", "--exit-code"]);
    assert!(text(&out).contains("Pending: 0"), "{}", text(&out));
    write(
        dir.path(),
        &[(
            "20240103000000_tags.sql",
            &dbmate_file(
                "CREATE TABLE tags (id bigint PRIMARY KEY);",
                "DROP TABLE tags;",
            ),
        )],
    );
    let out = dbmate(&bin, &db, dir.path(), &["up"]);
    let t = text(&out);
    assert!(t.contains("Applying: 20240103000000_tags.sql"), "{t}");
    assert_eq!(t.matches("Applying:").count(), 1, "{t}");
    let versions = db
        .strings("SELECT version FROM schema_migrations ORDER BY version")
        .await;
    assert_eq!(
        versions,
        ["20240101000000", "20240102000000", "20240103000000"]
    );
    pgdrift_agrees(&db, dir.path(), "dbmate");
}

// ---- Alembic ----

const ENV_PY: &str = "import os\n\nimport psycopg2\nfrom alembic import context\nfrom sqlalchemy import create_engine\n\n\
engine = create_engine(\"postgresql+psycopg2://\", creator=lambda: psycopg2.connect(os.environ[\"PGDRIFT_TEST_DSN\"]))\n\
with engine.connect() as connection:\n    context.configure(connection=connection)\n    with context.begin_transaction():\n        context.run_migrations()\n";

/// A revision that runs its SQL file, as a team keeping SQL files and revisions in step would.
fn revision(id: &str, down: Option<&str>, sql_file: &str) -> String {
    let down = down.map_or("None".to_string(), |d| format!("\"{d}\""));
    format!(
        "import os\n\nfrom alembic import op\n\nrevision = \"{id}\"\ndown_revision = {down}\n\
         branch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    \
         path = os.path.join(os.path.dirname(__file__), \"..\", \"..\", \"sql\", \"{sql_file}\")\n    \
         with open(path) as f:\n        op.execute(f.read())\n\n\ndef downgrade():\n    pass\n"
    )
}

fn alembic(bin: &Path, db: &TestDb, root: &Path, args: &[&str]) -> Output {
    let s = server(db);
    let mut dsn = format!(
        "host={} port={} user={} dbname={}",
        s.host, s.port, s.user, s.dbname
    );
    if let Some(p) = &s.password {
        dsn.push_str(&format!(" password={p}"));
    }
    run(Command::new(bin)
        .args(args)
        .current_dir(root)
        .env("PGDRIFT_TEST_DSN", dsn))
}

#[tokio::test]
async fn alembic_is_at_head_after_a_baseline_and_upgrades_the_next_revision() {
    let Some(bin) = tools("Alembic", "python/bin/alembic") else {
        return;
    };
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    let users = "CREATE TABLE users (id bigint PRIMARY KEY);\n";
    let orders = "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users);\n";
    write(
        root,
        &[
            (
                "alembic.ini",
                "[alembic]\nscript_location = %(here)s/alembic\n",
            ),
            ("alembic/env.py", ENV_PY),
            ("sql/0001_users.sql", users),
            ("sql/0002_orders.sql", orders),
            (
                "alembic/versions/1a2b3c4d5e6f_users.py",
                &revision("1a2b3c4d5e6f", None, "0001_users.sql"),
            ),
            (
                "alembic/versions/2b3c4d5e6f7a_orders.py",
                &revision("2b3c4d5e6f7a", Some("1a2b3c4d5e6f"), "0002_orders.sql"),
            ),
        ],
    );
    let db = TestDb::with_sql(&format!("{users}{orders}")).await;
    let versions = root.join("alembic/versions");
    // The version may name the revision; the evidence replays the SQL files up to it.
    let out = baseline(
        &root.join("sql"),
        &db,
        "alembic",
        "2b3c4d5e6f7a",
        &["--revisions", versions.to_str().unwrap()],
    );
    assert!(
        text(&out).contains("public.alembic_version"),
        "{}",
        text(&out)
    );
    let current = alembic(&bin, &db, root, &["current"]);
    assert!(
        text(&current).contains("2b3c4d5e6f7a (head)"),
        "{}",
        text(&current)
    );
    let url = db.url();
    let out = pgdrift(&[
        "migrate",
        "history",
        "--url",
        &url,
        "--dir",
        versions.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    write(
        root,
        &[
            (
                "sql/0003_tags.sql",
                "CREATE TABLE tags (id bigint PRIMARY KEY);\n",
            ),
            (
                "alembic/versions/3c4d5e6f7a8b_tags.py",
                &revision("3c4d5e6f7a8b", Some("2b3c4d5e6f7a"), "0003_tags.sql"),
            ),
        ],
    );
    alembic(&bin, &db, root, &["upgrade", "head"]);
    assert_eq!(
        db.strings("SELECT version_num::text FROM alembic_version")
            .await,
        ["3c4d5e6f7a8b"]
    );
    assert_eq!(
        db.strings("SELECT to_regclass('public.tags')::text").await,
        ["tags"]
    );
}
