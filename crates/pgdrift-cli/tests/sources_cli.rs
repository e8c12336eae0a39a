//! `pgdrift inspect` on every kind of source, as a user runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../pgdrift/tests/fixtures/migrations")
}

/// Runs pgdrift with its caches in `cache` (never the user's).
fn pgdrift(cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pgdrift"))
        .args(args)
        .env("PGDRIFT_CACHE_DIR", cache)
        .env("NO_COLOR", "1")
        .output()
        .expect("run pgdrift")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_migrations_directory_summary_names_its_format_and_the_cache() {
    let cache = tempfile::tempdir().unwrap();
    let dir = fixtures().join("flyway");
    let first = pgdrift(cache.path(), &["inspect", dir.to_str().unwrap()]);
    let (out, err) = text(&first);
    assert!(first.status.success(), "{err}");
    assert!(
        out.lines()
            .next()
            .unwrap()
            .ends_with("(5 migrations, flyway format)"),
        "{out}"
    );
    let second = pgdrift(cache.path(), &["inspect", dir.to_str().unwrap()]);
    let (out, _) = text(&second);
    assert!(
        out.lines()
            .next()
            .unwrap()
            .ends_with("(5 migrations, flyway format, from the replay cache)"),
        "{out}"
    );
    let skipped = pgdrift(
        cache.path(),
        &["inspect", dir.to_str().unwrap(), "--no-cache"],
    );
    assert!(!text(&skipped).0.contains("replay cache"));
}

#[test]
fn every_source_kind_gives_the_same_json() {
    let cache = tempfile::tempdir().unwrap();
    let json = |source: &str| {
        let o = pgdrift(
            cache.path(),
            &["inspect", source, "-f", "json", "--no-cache"],
        );
        assert!(o.status.success(), "{source}: {}", text(&o).1);
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v.as_object_mut().unwrap().remove("database");
        v
    };
    let blog = fixtures().join("blog.sql");
    let expected = json(blog.to_str().unwrap());
    for dir in ["plain", "flyway", "up-down", "dbmate", "prisma", "drizzle"] {
        assert_eq!(
            json(fixtures().join(dir).to_str().unwrap()),
            expected,
            "{dir}"
        );
    }
    assert_eq!(json(&format!("cmd:cat '{}'", blog.display())), expected);
    let snapshot = cache.path().join("blog.json");
    let o = pgdrift(
        cache.path(),
        &[
            "inspect",
            blog.to_str().unwrap(),
            "-f",
            "json",
            "-o",
            snapshot.to_str().unwrap(),
        ],
    );
    assert!(o.status.success());
    assert_eq!(json(snapshot.to_str().unwrap()), expected);
}

#[test]
fn source_mistakes_exit_2_naming_the_file() {
    let cache = tempfile::tempdir().unwrap();
    // Forcing a format the directory does not follow.
    let plain = fixtures().join("plain");
    let o = pgdrift(
        cache.path(),
        &["inspect", plain.to_str().unwrap(), "--format-dir", "flyway"],
    );
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err.contains("001_authors.sql") && err.contains("flyway"),
        "{err}"
    );
    // An unknown format name is a usage error.
    let o = pgdrift(
        cache.path(),
        &[
            "inspect",
            plain.to_str().unwrap(),
            "--format-dir",
            "liquibase",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    // A command that fails.
    let o = pgdrift(cache.path(), &["inspect", "cmd:exit 7"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("exit status: 7"), "{}", text(&o).1);
    // A path that does not exist.
    let o = pgdrift(cache.path(), &["inspect", "./no/such/migrations"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).1.contains("./no/such/migrations"),
        "{}",
        text(&o).1
    );
}
