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

#[test]
fn a_command_that_prints_no_sql_is_an_error_unless_allowed() {
    let cache = tempfile::tempdir().unwrap();
    for source in [
        "cmd:true",
        "cmd:printf '  \\n-- nothing to see\\n/* here */\\n'",
    ] {
        let o = pgdrift(cache.path(), &["inspect", source, "--no-cache"]);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{source}: {err}");
        assert!(
            err.contains(
                "produced no SQL; a desired schema cannot be empty unless --allow-empty-source"
            ),
            "{source}: {err}"
        );
        let o = pgdrift(
            cache.path(),
            &["inspect", source, "--no-cache", "--allow-empty-source"],
        );
        assert_eq!(o.status.code(), Some(0), "{source}: {}", text(&o).1);
    }
    let o = pgdrift(cache.path(), &["inspect", "cmd:true", "--no-cache"]);
    assert!(
        text(&o).1.contains("cmd:true produced no SQL"),
        "{}",
        text(&o).1
    );
}

#[test]
fn a_failing_command_shows_the_last_20_lines_of_its_error_output() {
    let cache = tempfile::tempdir().unwrap();
    let o = pgdrift(
        cache.path(),
        &["inspect", "cmd:echo boom >&2; seq 1 30 >&2; exit 3"],
    );
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("exit status: 3"), "{err}");
    let lines: Vec<&str> = err.lines().map(str::trim).collect();
    for n in 11..=30 {
        assert!(
            lines.contains(&n.to_string().as_str()),
            "{n} missing: {err}"
        );
    }
    // The command is named; its earlier lines are not shown.
    assert!(!lines.contains(&"boom") && !lines.contains(&"10"), "{err}");
    assert!(err.contains("11 earlier line(s)"), "{err}");
    // Passwords in what the command prints are masked.
    let o = pgdrift(
        cache.path(),
        &[
            "inspect",
            "cmd:echo postgres://app:hunter2@db.internal/x >&2; exit 1",
        ],
    );
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("db.internal") && !err.contains("hunter2"),
        "{err}"
    );
}

#[test]
fn stray_files_are_left_out_with_ignore() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("001_a.sql"), "CREATE TABLE a (id int);\n").unwrap();
    std::fs::write(
        dir.path().join("001_a.sql.old"),
        "CREATE TABLE b (id int);\n",
    )
    .unwrap();
    let d = dir.path().to_str().unwrap();
    let o = pgdrift(cache.path(), &["inspect", d, "--no-cache"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("001_a.sql.old") && err.contains("--ignore '*.old'"),
        "{err}"
    );
    let o = pgdrift(
        cache.path(),
        &[
            "inspect",
            d,
            "--no-cache",
            "--ignore",
            "*.old",
            "-f",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let names: Vec<&str> = v["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a"]);
}

#[tokio::test]
async fn migrate_status_leaves_out_ignored_files() {
    let db = pgdrift::testing::TestDb::new().await;
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("001_a.sql"), "CREATE TABLE a (id int);\n").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "ask ops about b\n").unwrap();
    let (d, url) = (dir.path().to_str().unwrap(), db.url());
    let status = |extra: &[&str]| {
        let mut args = vec!["migrate", "status", "--dir", d, "--url", &url];
        args.extend_from_slice(extra);
        pgdrift(cache.path(), &args)
    };
    let o = status(&[]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("notes.txt") && err.contains("--ignore '*.txt'"),
        "{err}"
    );
    let o = status(&["--ignore", "*.txt", "--ignore", "*.old"]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(out.contains("001_a.sql") && !out.contains("notes"), "{out}");
    // apply and history take the same globs.
    let o = pgdrift(
        cache.path(),
        &[
            "migrate", "apply", "--dir", d, "--url", &url, "--ignore", "*.txt",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    let o = status(&["--ignore", "*.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    let history = |extra: &[&str]| {
        let mut args = vec!["migrate", "history", "--url", &url, "--dir", d];
        args.extend_from_slice(extra);
        pgdrift(cache.path(), &args)
    };
    let o = history(&["--ignore", "*.txt", "-f", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    assert!(text(&o).0.contains("001_a.sql"), "{}", text(&o).0);
    assert_eq!(history(&[]).status.code(), Some(2));
    // A pattern that is not a glob is a usage error that names it.
    let o = status(&["--ignore", "a[b"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("\"a[b\""), "{}", text(&o).1);
}

#[test]
fn placeholder_roles_are_named_on_standard_error() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schema.sql");
    std::fs::write(
        &file,
        "CREATE TABLE t (id int);\nGRANT SELECT ON t TO app_ro;\nALTER TABLE t OWNER TO app_owner;\n",
    )
    .unwrap();
    let o = pgdrift(
        cache.path(),
        &[
            "inspect",
            file.to_str().unwrap(),
            "--no-cache",
            "-f",
            "json",
        ],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let notes: Vec<&str> = err.lines().filter(|l| l.contains("placeholder")).collect();
    assert_eq!(notes.len(), 1, "{err}");
    assert!(
        notes[0].starts_with("pgdrift: created NOLOGIN placeholder role(s) app_ro, app_owner"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["tables"][0]["owner"], "app_owner", "{out}");
}
