//! The commands pgdrift suggests, as a shell reads them: every audit fix and refusal splits
//! back (with a shell-words parser) into exactly the arguments meant, names a database from a
//! variable as `env:NAME` or `env:NAME/DB`, and runs as meant. And runs over many databases:
//! namesakes on several servers are told apart as `host:port/db`, and a failed database's
//! line keeps PostgreSQL's reason.

mod common;

use common::text;
use pgdrift::pg::ConnInfo;
use pgdrift::testing::{admin_conninfo, TestDb};
use std::path::Path;
use std::process::{Command, Output};

/// Runs `pgdrift args` in `dir` with the variables `env` set.
fn pgdrift_env(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pgdrift"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("PGPASSWORD")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run pgdrift")
}

/// A connection string without the password (the test server trusts its clients).
fn url(info: &ConnInfo) -> String {
    ConnInfo {
        password: None,
        ..info.clone()
    }
    .to_string()
}

fn words(line: &str) -> Vec<String> {
    shell_words::split(line).unwrap_or_else(|e| panic!("{line:?} does not split: {e}"))
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn audit_fixes_split_back_into_their_arguments_and_run() {
    let db = TestDb::with_sql(
        "CREATE TABLE accounts (id int PRIMARY KEY);\nCREATE TABLE leftover (id int);\n",
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("my schema.sql"),
        "CREATE TABLE accounts (id int PRIMARY KEY);\nCREATE TABLE wanted (id int);\n",
    )
    .unwrap();
    let migrations = dir.path().join("my migrations");
    std::fs::create_dir(&migrations).unwrap();
    std::fs::write(migrations.join("001_a.sql"), "CREATE TABLE a (id int);\n").unwrap();
    std::fs::write(migrations.join("002_b.sql.old"), "junk\n").unwrap();
    let name = db.name();
    std::fs::write(
        dir.path().join("pgdrift.toml"),
        format!(
            "[[server]]\nname = \"local\"\nurl = \"${{FLEET_URL}}\"\nstage = \"test\"\n\
             databases = [\"{name}\"]\n\n[role.app]\ndatabases = [\"{name}\"]\n\
             desired = \"cmd:cat 'my schema.sql' && true\"\nmigrations = \"my migrations\"\n\
             ignore = [\"*.old\"]\n"
        ),
    )
    .unwrap();
    // The variable reaches the server's `postgres` database: fixes name this one as env:NAME/DB.
    let server = url(&admin_conninfo());
    let env = [("FLEET_URL", server.as_str())];
    let dev = url(&admin_conninfo());
    let out = pgdrift_env(
        dir.path(),
        &env,
        &["audit", "-f", "json", "--dev-url", &dev],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let target = format!("env:FLEET_URL/{name}");
    let desired = "cmd:cat 'my schema.sql' && true";
    let diff = strings(&["pgdrift", "diff", &target, desired, "-f", "sql"]);
    let mut destructive = diff.clone();
    destructive.extend(strings(&["--allow-destructive", "--reverse", "undo.sql"]));
    let dir_arg = migrations.canonicalize().unwrap();
    let mut baseline = strings(&["pgdrift", "migrate", "baseline", "--url", &target, "--dir"]);
    baseline.push(migrations.display().to_string());
    baseline.extend(strings(&["--ignore", "*.old", "--version", "LAST"]));
    let mut seen = Vec::new();
    for f in report["findings"].as_array().unwrap() {
        let (code, fix) = (f["code"].as_str().unwrap(), f["fix"].as_str().unwrap());
        let want = match code {
            "PA020" => &diff,
            "PA021" => &destructive,
            "PA033" => &baseline,
            _ => continue,
        };
        assert_eq!(
            &words(fix),
            want,
            "{code}: {fix} (dir {})",
            dir_arg.display()
        );
        seen.push(code);
    }
    seen.sort_unstable();
    assert_eq!(seen, ["PA020", "PA021", "PA033"], "{report:#}");
    assert_eq!(report["roles"][0]["desired"], desired);
    // The text report's fix lines say the same.
    let out = pgdrift_env(dir.path(), &env, &["audit", "--dev-url", &dev]);
    let t = String::from_utf8_lossy(&out.stdout).to_string();
    let fixes: Vec<Vec<String>> = (t.lines())
        .filter_map(|l| l.trim().strip_prefix("fix: "))
        .filter(|l| l.starts_with("pgdrift "))
        .map(words)
        .collect();
    assert!(fixes.contains(&diff) && fixes.contains(&baseline), "{t}");
    // And the fix runs as meant: the variable, the other database, the command with `&&`.
    let out = pgdrift_env(
        dir.path(),
        &env,
        &["diff", &diff[2], &diff[3], "--dev-url", &dev, "-f", "sql"],
    );
    let script = text(&out);
    assert_eq!(out.status.code(), Some(1), "{script}");
    assert!(script.contains("CREATE TABLE public.wanted"), "{script}");
}

const DRIZZLE_MANAGED: &str = "
    CREATE SCHEMA drizzle;
    CREATE TABLE drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);
    INSERT INTO drizzle.__drizzle_migrations (hash, created_at)
    VALUES ('a', 1704067200000), ('b', 1767571200000);";

#[tokio::test]
async fn the_refusal_names_the_variable_and_splits_back() {
    let db = TestDb::with_sql(DRIZZLE_MANAGED).await;
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("db migrations");
    std::fs::create_dir(&migrations).unwrap();
    std::fs::write(migrations.join("001_a.sql"), "CREATE TABLE a (id int);\n").unwrap();
    std::fs::write(migrations.join("x.sql.old"), "junk\n").unwrap();
    let d = migrations.to_str().unwrap();
    let db_url = db.url();
    let env = [("APP_DB", db_url.as_str())];
    let out = pgdrift_env(
        dir.path(),
        &env,
        &[
            "migrate",
            "apply",
            "--url",
            "env:APP_DB",
            "--dir",
            d,
            "--ignore",
            "*.old",
        ],
    );
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    let command = t
        .split('`')
        .find(|part| part.starts_with("pgdrift migrate baseline"))
        .unwrap_or_else(|| panic!("no baseline command in {t}"));
    assert_eq!(
        words(command),
        strings(&[
            "pgdrift",
            "migrate",
            "baseline",
            "--url",
            "env:APP_DB",
            "--dir",
            d,
            "--ignore",
            "*.old",
            "--version",
            "VERSION"
        ]),
        "{t}"
    );
}

#[tokio::test]
async fn namesakes_on_several_servers_are_told_apart_and_failures_keep_the_reason() {
    let a = TestDb::new().await;
    let b = TestDb::with_sql("CREATE TABLE notes (id int);").await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("001_notes.sql"),
        "CREATE TABLE notes (id int);\n",
    )
    .unwrap();
    let d = dir.path().to_str().unwrap();
    // A namesake of `a` on another server, which refuses connections.
    let elsewhere = format!("postgresql://postgres@127.0.0.1:1/{}", a.name());
    let (url_a, url_b) = (a.url(), b.url());
    let targets = ["--url", &url_a, "--url", &url_b, "--url", &elsewhere];
    let mut args = vec!["migrate", "apply", "--dir", d];
    args.extend(targets);
    let out = pgdrift_env(dir.path(), &[], &args);
    let t = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let line_of = |needle: &str| {
        (t.lines())
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in\n{t}"))
            .to_string()
    };
    let here = line_of(&format!("/{}: 1 migration applied", a.name()));
    let there = line_of(&format!("127.0.0.1:1/{}: cannot connect", a.name()));
    assert!(here.starts_with("✓ ") && there.starts_with("✗ "), "{t}");
    assert_ne!(here.split(": ").next(), there.split(": ").next(), "{t}");
    assert!(
        line_of(&format!("/{}: migration 001_notes.sql failed", b.name())).starts_with("✗ "),
        "{t}"
    );
    // PostgreSQL's reason, under the failed database's line.
    assert!(
        line_of("relation \"notes\" already exists").starts_with("    "),
        "{t}"
    );
    let mut args = vec!["migrate", "status", "--dir", d];
    args.extend(targets);
    let out = pgdrift_env(dir.path(), &[], &args);
    let t = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        t.contains(&format!("127.0.0.1:1/{}: cannot connect", a.name())),
        "{t}"
    );
}
