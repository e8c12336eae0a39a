//! Every source kind: migrations directories of every format, SQL files, commands and
//! snapshots, all replayed (or read) to the same catalog; errors located at their line; the
//! shadow database never left behind; the replay cache.
#![allow(clippy::print_stderr)]

mod common;

use common::no_cache;
use pgdrift::model::{Catalog, QualName};
use pgdrift::source::dir::DirFormat;
use pgdrift::source::{InspectOptions, LoadError, LoadOptions, Loaded, Loader, SourceSpec};
use pgdrift::testing::TestDb;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/migrations")
}

fn spec(arg: &str) -> SourceSpec {
    SourceSpec::parse(arg, &|_| None).unwrap_or_else(|e| panic!("{arg}: {e}"))
}

async fn load(arg: &str) -> Loaded {
    load_with(arg, no_cache())
        .await
        .unwrap_or_else(|e| panic!("{arg}: {e}"))
}

async fn load_with(arg: &str, options: LoadOptions) -> Result<Loaded, LoadError> {
    Loader::new(options).load(&spec(arg)).await
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The catalog `blog.sql` describes: what every fixture directory must come to.
async fn blog() -> Catalog {
    let catalog = load(path(&fixtures().join("blog.sql")))
        .await
        .inspected
        .snapshot
        .catalog;
    assert!(catalog.tables.contains_key(&QualName::new("blog", "posts")));
    assert!(catalog
        .indexes
        .contains_key(&QualName::new("blog", "posts_published")));
    assert!(catalog
        .views
        .contains_key(&QualName::new("blog", "published_posts")));
    catalog
}

#[tokio::test]
async fn every_directory_format_comes_to_the_same_catalog() {
    let expected = blog().await;
    for (dir, format) in [
        ("plain", DirFormat::Plain),
        ("flyway", DirFormat::Flyway),
        ("up-down", DirFormat::UpDown),
        ("dbmate", DirFormat::Dbmate),
        ("prisma", DirFormat::Prisma),
        ("drizzle", DirFormat::Drizzle),
    ] {
        let loaded = load(path(&fixtures().join(dir))).await;
        assert_eq!(loaded.migrations, Some((format, 5)), "{dir}");
        assert!(
            loaded.inspected.snapshot.catalog == expected,
            "{dir} differs from blog.sql"
        );
    }
}

#[tokio::test]
async fn a_directory_and_the_pg_dump_of_its_result_agree() {
    let Some(pg_dump) = pg_dump() else {
        eprintln!("skipping: no pg_dump as new as the server next to it or on PATH");
        return;
    };
    let expected = blog().await;
    let db = TestDb::with_sql(&std::fs::read_to_string(fixtures().join("blog.sql")).unwrap()).await;
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("dump.sql");
    let info = db.conninfo();
    let pgdrift::pg::Host::Unix(socket) = &info.hosts[0] else {
        panic!("tests run on a socket")
    };
    let out = std::process::Command::new(pg_dump)
        .args([
            "--schema-only",
            "-U",
            "postgres",
            "-d",
            db.name(),
            "-f",
            path(&dump),
            "-h",
            path(socket),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let from_dump = load(path(&dump)).await.inspected.snapshot.catalog;
    assert!(
        from_dump == expected,
        "the pg_dump of blog.sql's result reads differently"
    );
}

/// pg_dump next to the test server's binaries, else on PATH, if at least the server's version.
fn pg_dump() -> Option<PathBuf> {
    let server = pgdrift::testing::embedded_server()?;
    let bins = server.binaries();
    [bins.bindir.join("pg_dump"), PathBuf::from("pg_dump")]
        .into_iter()
        .find(|exe| {
            std::process::Command::new(exe)
                .arg("--version")
                .output()
                .is_ok_and(|o| {
                    let text = String::from_utf8_lossy(&o.stdout);
                    pgdrift::pg::embedded::parse_version(&text.replace("pg_dump", "postgres"))
                        .is_some_and(|v| v.0 >= bins.major())
                })
        })
}

#[tokio::test]
async fn files_commands_and_snapshots_come_to_the_same_catalog() {
    let expected = blog().await;
    let blog_sql = fixtures().join("blog.sql");
    // Several files, in order.
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.sql"), dir.path().join("b.sql"));
    let text = std::fs::read_to_string(&blog_sql).unwrap();
    let cut = text.find("CREATE TYPE").unwrap();
    std::fs::write(&a, &text[..cut]).unwrap();
    std::fs::write(&b, &text[cut..]).unwrap();
    let two = load(&format!("{},{}", path(&a), path(&b))).await;
    assert!(two.inspected.snapshot.catalog == expected);
    // A command's output, replayed on pgdrift's own private server.
    let cmd = load_with(
        &format!("cmd:sh -c 'cat {}'", path(&blog_sql)),
        common::on_private_server(),
    )
    .await
    .unwrap();
    assert!(cmd.inspected.snapshot.catalog == expected);
    assert_eq!(
        cmd.inspected.snapshot.source.database,
        format!("cmd:sh -c 'cat {}'", path(&blog_sql))
    );
    // A snapshot written by inspect --format json.
    let snapshot_file = dir.path().join("blog.json");
    let file = std::fs::File::create(&snapshot_file).unwrap();
    pgdrift::report::json::write(&cmd.inspected.snapshot, &mut &file).unwrap();
    let read_back = load(path(&snapshot_file)).await;
    assert_eq!(read_back.inspected.snapshot, cmd.inspected.snapshot);
}

#[tokio::test]
async fn a_failing_command_shows_its_error_output() {
    let err = load_with(
        "cmd:sh -c 'echo cannot find drizzle.config.ts >&2; exit 3'",
        no_cache(),
    )
    .await
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("exit status: 3") && text.contains("cannot find drizzle.config.ts"),
        "{text}"
    );
}

#[tokio::test]
async fn broken_snapshots_are_named_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\n  \"format_version\": 1,\n  \"tables\": [}\n").unwrap();
    let err = load_with(path(&bad), no_cache())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("bad.json") && err.contains("line 3"), "{err}");
    std::fs::write(&bad, "{\"format_version\": 99}").unwrap();
    let err = load_with(path(&bad), no_cache())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("format_version 99"), "{err}");
    std::fs::write(&bad, "{\"tables\": []}").unwrap();
    let err = load_with(path(&bad), no_cache())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a pgdrift snapshot"), "{err}");
}

#[tokio::test]
async fn a_snapshot_from_before_a_kind_was_read_is_refused_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let sql = dir.path().join("schema.sql");
    std::fs::write(&sql, "CREATE TABLE t (id int);\n").unwrap();
    let loaded = load_with(path(&sql), no_cache()).await.unwrap();
    let mut json = Vec::new();
    pgdrift::report::json::write_snapshot(&loaded.inspected.snapshot, &mut json).unwrap();
    let mut value: serde_json::Value = serde_json::from_slice(&json).unwrap();
    value.as_object_mut().unwrap().remove("operator_classes");
    let old = dir.path().join("old.json");
    std::fs::write(&old, serde_json::to_string(&value).unwrap()).unwrap();
    let err = load_with(path(&old), no_cache())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("old.json")
            && err.contains("older pgdrift, which did not read operator classes yet")
            && err.contains("pgdrift inspect --format json"),
        "{err}"
    );
}

async fn shadow_databases(server: &pgdrift::pg::ConnInfo) -> Vec<String> {
    pgdrift::pg::connect(server)
        .await
        .unwrap()
        .client
        .query(
            "SELECT datname::text FROM pg_database WHERE datname LIKE 'pgdrift_shadow_%'",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[tokio::test]
async fn a_syntax_error_is_reported_at_its_line_and_nothing_is_left_behind() {
    // A development server of its own, so that no other test's shadow databases are on it.
    let server = tokio::task::spawn_blocking(pgdrift::pg::embedded::EmbeddedServer::start)
        .await
        .unwrap()
        .unwrap();
    let witness = server.conninfo("postgres");
    let dev = LoadOptions {
        dev_url: Some(witness.clone()),
        ..no_cache()
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.sql");
    let mut sql: String = (1..40)
        .map(|i| format!("CREATE TABLE t{i} (id int);\n"))
        .collect();
    sql.push_str("CREATE TABLE t40 (id int,, name text);\n");
    std::fs::write(&file, &sql).unwrap();
    let err = load_with(path(&file), dev.clone()).await.unwrap_err();
    assert!(matches!(err, LoadError::Replay(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "{}:40:26: syntax error at or near \",\"",
            file.display()
        )),
        "{text}"
    );
    assert!(
        text.contains("40 | CREATE TABLE t40 (id int,, name text);"),
        "{text}"
    );
    assert!(
        shadow_databases(&witness).await.is_empty(),
        "a shadow database was left behind after a failure"
    );
    let good = dir.path().join("good.sql");
    std::fs::write(&good, "CREATE TABLE ok (id int);").unwrap();
    let loaded = load_with(path(&good), dev).await.unwrap();
    assert!(loaded
        .inspected
        .snapshot
        .catalog
        .tables
        .contains_key(&QualName::new("public", "ok")));
    assert!(
        shadow_databases(&witness).await.is_empty(),
        "a shadow database was left behind after a success"
    );
}

#[tokio::test]
async fn a_failing_statement_in_a_migration_is_located_and_the_migrations_before_it_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("001_a.sql"), "CREATE TABLE a (id int);\n").unwrap();
    std::fs::write(dir.path().join("002_b.sql"), "CREATE TABLE b (id int);\n").unwrap();
    std::fs::write(
        dir.path().join("003_c.sql"),
        "-- adds c\nCREATE TABLE c (id int);\n\nALTER TABLE missing\n  ADD COLUMN x int;\nCREATE TABLE d (id int);\n",
    )
    .unwrap();
    let err = load_with(path(dir.path()), no_cache())
        .await
        .unwrap_err()
        .to_string();
    let file = dir.path().join("003_c.sql");
    assert!(err.starts_with(&format!("{}:4:", file.display())), "{err}");
    assert!(err.contains("relation \"missing\" does not exist"), "{err}");
    assert!(err.contains("4 | ALTER TABLE missing"), "{err}");
    assert!(
        err.contains("applied before it:")
            && err.contains("001_a.sql")
            && err.contains("002_b.sql"),
        "{err}"
    );
}

#[tokio::test]
async fn replays_explain_what_the_shadow_cannot_do() {
    let dir = tempfile::tempdir().unwrap();
    let concurrent = dir.path().join("concurrent.sql");
    std::fs::write(
        &concurrent,
        "CREATE TABLE t (id int);\nCREATE INDEX CONCURRENTLY t_id ON t (id);\n",
    )
    .unwrap();
    let err = load_with(path(&concurrent), no_cache())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("cannot run inside a transaction block")
            && err.contains("-- pgdrift:no-transaction"),
        "{err}"
    );
    std::fs::write(&concurrent, "-- pgdrift:no-transaction\nCREATE TABLE t (id int);\nCREATE INDEX CONCURRENTLY t_id ON t (id);\n").unwrap();
    let loaded = load_with(path(&concurrent), no_cache()).await.unwrap();
    assert!(loaded
        .inspected
        .snapshot
        .catalog
        .indexes
        .contains_key(&QualName::new("public", "t_id")));
    let ext = dir.path().join("ext.sql");
    std::fs::write(&ext, "CREATE EXTENSION no_such_extension_anywhere;\n").unwrap();
    let err = load_with(path(&ext), no_cache())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no_such_extension_anywhere") && err.contains("--dev-url"),
        "{err}"
    );
    let meta = dir.path().join("meta.sql");
    std::fs::write(&meta, "CREATE TABLE t (id int);\n\\i other.sql\n").unwrap();
    let err = load_with(path(&meta), no_cache())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!(
            "{}:2:1: \\i is a psql meta-command",
            meta.display()
        )),
        "{err}"
    );
}

#[tokio::test]
async fn the_replay_cache_hits_misses_and_can_be_skipped() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schema.sql");
    std::fs::write(&file, "CREATE TABLE cached (id int);\n").unwrap();
    let options = LoadOptions {
        cache_dir: Some(cache.path().to_path_buf()),
        no_cache: false,
        ..no_cache()
    };
    let first = load_with(path(&file), options.clone()).await.unwrap();
    assert!(!first.from_cache);
    let second = load_with(path(&file), options.clone()).await.unwrap();
    assert!(
        second.from_cache,
        "an unchanged source must come from the cache"
    );
    assert_eq!(first.inspected.snapshot, second.inspected.snapshot);
    std::fs::write(&file, "CREATE TABLE cached (id bigint);\n").unwrap();
    let changed = load_with(path(&file), options.clone()).await.unwrap();
    assert!(!changed.from_cache, "a changed source must be replayed");
    assert_ne!(changed.inspected.snapshot, first.inspected.snapshot);
    let skipped = load_with(
        path(&file),
        LoadOptions {
            no_cache: true,
            ..options.clone()
        },
    )
    .await
    .unwrap();
    assert!(!skipped.from_cache);
    // Other read options are another entry.
    let filtered = LoadOptions {
        inspect: InspectOptions {
            exclude_schemas: vec!["public".into()],
            ..Default::default()
        },
        ..options
    };
    let other = load_with(path(&file), filtered).await.unwrap();
    assert!(!other.from_cache && other.inspected.snapshot.catalog.tables.is_empty());
}
