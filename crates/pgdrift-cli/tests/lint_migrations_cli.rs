//! `pgdrift lint --migrations DIR`: statement and effect findings located at file:line, the
//! suppression markers, new files chosen by `--base` (a real git repository) or by the
//! `--against` database's tracking table, and severities weighed by the real sizes of a
//! live database's tables (10 million rows against 10) and of a snapshot of it.

mod common;

use common::{pgdrift_in, text};
use pgdrift::testing::TestDb;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn write(dir: &Path, files: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, sql) in files {
        std::fs::write(dir.join(name), sql).unwrap();
    }
}

fn lint(cwd: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["lint", "--migrations", "m", "-f", "json"];
    args.extend_from_slice(extra);
    pgdrift_in(Some(cwd), &args)
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(out)))
}

/// (code, file name, line, severity) of every finding.
fn findings(report: &Value) -> Vec<(String, String, u64, String)> {
    let all = report["findings"].as_array().unwrap();
    all.iter()
        .map(|f| {
            let file = f["location"]["file"].as_str().unwrap_or("");
            let name = Path::new(file).file_name().unwrap().to_string_lossy();
            (
                f["code"].as_str().unwrap().to_string(),
                name.into_owned(),
                f["location"]["line"].as_u64().unwrap_or(0),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn has(report: &Value, code: &str, file: &str, line: u64) -> Option<String> {
    (findings(report).into_iter())
        .find(|(c, f, l, _)| c == code && f == file && *l == line)
        .map(|(.., s)| s)
}

const INIT: &str = "CREATE TABLE events (id bigint, kind text);\n\
                    CREATE TABLE tags (id bigint, name text);\n\
                    CREATE FUNCTION tally() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n";

#[test]
fn statements_and_effects_are_found_where_they_are() {
    let tmp = tempfile::tempdir().unwrap();
    let change = "SET lock_timeout = '2s';\n\
                  CREATE INDEX events_kind ON events (kind);\n\
                  DROP FUNCTION tally();\n\
                  CREATE FUNCTION tally() RETURNS bigint LANGUAGE sql AS $$ SELECT 1 $$;\n\
                  ALTER TABLE tags ADD COLUMN note varchar(20);\n";
    write(
        &tmp.path().join("m"),
        &[("001_init.sql", INIT), ("002_change.sql", change)],
    );
    let out = lint(tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("all 2 files"), "{}", text(&out));
    let r = json(&out);
    assert_eq!(r["format_version"], 1);
    assert_eq!(
        has(&r, "PL701", "002_change.sql", 2).as_deref(),
        Some("warning"),
        "{r:#}"
    );
    assert!(has(&r, "PL723", "002_change.sql", 5).is_some(), "{r:#}");
    // The replay's plan: the routine's result type changed (drop and create).
    assert!(has(&r, "PL807", "002_change.sql", 4).is_some(), "{r:#}");
    // The index's effect (PD105) is the statement rule's finding, reported once.
    assert!(has(&r, "PL805", "002_change.sql", 2).is_none(), "{r:#}");
    assert!(
        findings(&r).iter().all(|(c, ..)| c != "PL703"),
        "lock_timeout is set: {r:#}"
    );
    assert!(r["rules_run"].as_u64().unwrap() > 40);
}

#[test]
fn markers_silence_and_a_wrong_one_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let quiet = "-- pgdrift:ignore PL701 built in the night window\n\
                 CREATE INDEX events_kind ON events (kind); -- pgdrift:ignore PL703\n";
    write(
        &tmp.path().join("m"),
        &[("001_init.sql", INIT), ("002_idx.sql", quiet)],
    );
    let out = lint(tmp.path(), &["--rule", "PL730=off"]);
    let r = json(&out);
    let codes: Vec<_> = findings(&r)
        .into_iter()
        .filter(|f| f.1 == "002_idx.sql")
        .collect();
    assert!(codes.is_empty(), "{codes:?}");
    let typo = "SELECT 1;\n-- pgdrift:ignore PL799 typo\nCREATE INDEX k ON tags (name);\n";
    write(&tmp.path().join("m"), &[("003_typo.sql", typo)]);
    let out = lint(tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("003_typo.sql:2") && t.contains("PL799"), "{t}");
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", text(&out));
}

#[test]
fn base_lints_the_files_new_since_the_merge_base() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    git(root, &["init", "-q", "-b", "main"]);
    let int_table = "CREATE TABLE counters (n int);\n";
    write(
        &root.join("m"),
        &[("001_init.sql", INIT), ("002_counters.sql", int_table)],
    );
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "base"]);
    git(root, &["checkout", "-qb", "feature"]);
    let committed = "CREATE INDEX events_kind ON events (kind);\n";
    write(&root.join("m"), &[("003_index.sql", committed)]);
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "index"]);
    write(
        &root.join("m"),
        &[("004_drop.sql", "ALTER TABLE tags DROP COLUMN name;\n")],
    );
    let out = lint(root, &["--base", "main"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("2 of 4 migration files are new since main"),
        "{}",
        text(&out)
    );
    let r = json(&out);
    let files: std::collections::BTreeSet<String> = findings(&r).into_iter().map(|f| f.1).collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        ["003_index.sql", "004_drop.sql"],
        "{r:#}"
    );
    assert!(has(&r, "PL715", "004_drop.sql", 1).is_some(), "{r:#}");
    // The report says which files it took as new, and why, for programs too.
    let new: Vec<&str> = (r["new_files"]["files"].as_array().unwrap().iter())
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(new.len(), 2, "{r:#}");
    assert!(
        new[0].ends_with("003_index.sql") && new[1].ends_with("004_drop.sql"),
        "{new:?}"
    );
    assert_eq!(r["new_files"]["of"], 4);
    assert_eq!(r["new_files"]["because"], "changed since main");
    let bad = lint(root, &["--base", "no-such-branch"]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(text(&bad).contains("no-such-branch"), "{}", text(&bad));
    let outside = tempfile::tempdir().unwrap();
    write(&outside.path().join("m"), &[("001_init.sql", INIT)]);
    let out = lint(outside.path(), &["--base", "main"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("not inside a git repository"),
        "{}",
        text(&out)
    );
}

#[tokio::test]
async fn sizes_of_the_target_database_weigh_the_findings() {
    // About 11 s here: the big table is built for real.
    let db = TestDb::with_sql(
        "CREATE TABLE events (id bigint, kind text);\n\
         INSERT INTO events SELECT g FROM generate_series(1, 10000000) g;\n\
         CREATE TABLE tags (id bigint, name text);\n\
         INSERT INTO tags SELECT g FROM generate_series(1, 10) g;\n\
         ANALYZE events; ANALYZE tags;",
    )
    .await;
    let tmp = tempfile::tempdir().unwrap();
    let new = "SET lock_timeout = '2s';\n\
               CREATE INDEX events_kind ON events (kind);\n\
               CREATE INDEX tags_name ON tags (name);\n";
    write(
        &tmp.path().join("m"),
        &[("001_init.sql", INIT), ("002_idx.sql", new)],
    );
    let url = db.url();
    let snapshot = tmp.path().join("prod.json");
    let snap = snapshot.to_str().unwrap();
    let out = lint(tmp.path(), &["--against", &url, "--save-against", snap]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("no tracking table"), "{}", text(&out));
    let live = json(&out);
    assert_eq!(
        has(&live, "PL701", "002_idx.sql", 2).as_deref(),
        Some("error"),
        "{live:#}"
    );
    assert_eq!(
        has(&live, "PL701", "002_idx.sql", 3).as_deref(),
        Some("info"),
        "{live:#}"
    );
    let message = live["findings"][0]["message"].as_str().unwrap();
    // ANALYZE samples: the estimate is close to 10 million, not exact.
    let rows = message
        .split("public.events has about ")
        .nth(1)
        .and_then(|m| m.split(" rows").next())
        .map(|n| n.replace(',', "").parse::<f64>().unwrap())
        .unwrap_or_else(|| panic!("{message}"));
    assert!((9.5e6..10.5e6).contains(&rows), "{message}");
    assert!(message.contains(" MB"), "{message}");
    let version = db.connect().await.version.text;
    assert_eq!(live["server_version"].as_str(), Some(version.as_str()));
    // The snapshot gives the same findings without the database.
    let out = lint(tmp.path(), &["--against", snap]);
    assert_eq!(json(&out)["findings"], live["findings"]);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&snapshot).unwrap()).unwrap();
    assert_eq!(saved["kind"], "pgdrift-lint-against");
    // Thresholds from [lint.options]: 10 rows is a warning when small means at most 5.
    let config = tmp.path().join("pgdrift.toml");
    std::fs::write(&config, "[lint.options]\nsmall_table_rows = 5\n").unwrap();
    let out = lint(tmp.path(), &["--against", snap]);
    assert_eq!(
        has(&json(&out), "PL701", "002_idx.sql", 3).as_deref(),
        Some("warning")
    );
}

#[tokio::test]
async fn the_tracking_table_tells_which_files_are_new() {
    let db = TestDb::with_sql("").await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    write(
        &dir,
        &[
            ("001_init.sql", INIT),
            ("002_counters.sql", "CREATE TABLE counters (n int);\n"),
        ],
    );
    let url = db.url();
    let d = dir.to_str().unwrap();
    let applied = pgdrift_in(None, &["migrate", "apply", "--dir", d, "--url", &url]);
    assert_eq!(applied.status.code(), Some(0), "{}", text(&applied));
    write(
        &dir,
        &[("003_more.sql", "CREATE TABLE more (n smallint);\n")],
    );
    let out = lint(tmp.path(), &["--against", &url]);
    assert!(
        text(&out).contains("1 of 3 migration files are not applied yet"),
        "{}",
        text(&out)
    );
    let r = json(&out);
    assert!(has(&r, "PL721", "003_more.sql", 1).is_some(), "{r:#}");
    assert!(has(&r, "PL720", "002_counters.sql", 1).is_none(), "{r:#}");
}

#[test]
fn an_unreachable_database_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("m"), &[("001_init.sql", INIT)]);
    let out = lint(
        tmp.path(),
        &["--against", "postgres://nobody:secret@127.0.0.1:1/none"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(!text(&out).contains("secret"), "{}", text(&out));
    let out = lint(
        tmp.path(),
        &["--against", "postgres://127.0.0.1:1/none", "--base", "x"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn renames_count_only_while_code_still_uses_the_old_name() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("m"),
        &[
            (
                "001_users.sql",
                "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text);\n",
            ),
            (
                "002_rename.sql",
                "SET lock_timeout = '5s';\nALTER TABLE users RENAME COLUMN email TO email_address;\nALTER TABLE users RENAME TO accounts;\n",
            ),
        ],
    );
    let renames = |report: &Value| -> Vec<String> {
        (report["findings"].as_array().unwrap().iter())
            .filter(|f| f["code"] == "PL706" || f["code"] == "PL707")
            .map(|f| {
                format!(
                    "{} {}",
                    f["code"].as_str().unwrap(),
                    f["message"].as_str().unwrap()
                )
            })
            .collect()
    };
    // Without code directories: both renames are reported.
    let all = renames(&json(&lint(dir.path(), &[])));
    assert_eq!(all.len(), 2, "{all:?}");
    // Code that still uses the old names: both stay, saying where.
    write(
        &dir.path().join("app"),
        &[(
            "repo.ts",
            "const q = 'SELECT id FROM users';\nconst e = row.email;\n",
        )],
    );
    let kept = renames(&json(&lint(dir.path(), &["--code", "app"])));
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(
        kept.iter()
            .all(|m| m.contains("code still uses it: repo.ts:")),
        "{kept:?}"
    );
    assert!(
        kept.iter()
            .any(|m| m.starts_with("PL707") && m.contains("repo.ts:2")),
        "{kept:?}"
    );
    // Code that moved on: nothing to say.
    write(
        &dir.path().join("moved"),
        &[(
            "repo.ts",
            "const q = 'SELECT id FROM accounts';\nconst e = row.email_address;\n",
        )],
    );
    let none = renames(&json(&lint(dir.path(), &["--code", "moved"])));
    assert_eq!(none, Vec::<String>::new());
    let out = lint(dir.path(), &["--code", "nowhere"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("nowhere"));
}
