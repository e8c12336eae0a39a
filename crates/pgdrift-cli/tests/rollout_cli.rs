//! `pgdrift migrate apply` as a staged rollout over tenant databases on one test server: a
//! canary then waves (their order in `-f jsonl`), a failing tenant that stops the rollout,
//! resuming by running again, `--only-failed`, `--max-failures 50%`, lock retries, Ctrl-C,
//! and flags refused with exit code 2.
#![allow(clippy::zombie_processes)]

mod common;

use common::text;
use pgdrift::pg::ConnInfo;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// `count` fresh tenant databases named `<prefix>NN`, and the server URL that lists them.
async fn tenants(tag: &str, count: usize) -> (String, Vec<String>, ConnInfo) {
    let admin = pgdrift::testing::admin_conninfo();
    let conn = pgdrift::pg::connect(&admin).await.unwrap();
    let prefix = format!("ro{}_{tag}_", std::process::id());
    let names: Vec<String> = (0..count).map(|i| format!("{prefix}{i:02}")).collect();
    for name in &names {
        conn.client
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0"))
            .await
            .unwrap();
    }
    let server = ConnInfo {
        password: None,
        ..admin.clone()
    }
    .to_string();
    (server, names, admin)
}

async fn sql(admin: &ConnInfo, db: &str, sql: &str) {
    let c = pgdrift::pg::connect(&admin.with_dbname(db)).await.unwrap();
    c.client.batch_execute(sql).await.unwrap();
}

fn migrations(dir: &Path, files: &[(&str, &str)]) {
    for (name, sql) in files {
        std::fs::write(dir.join(name), sql).unwrap();
    }
}

/// `migrate apply` over every database of the tenants `names`, run in `cwd`.
fn apply(cwd: &Path, dir: &Path, server: &str, names: &[String], extra: &[&str]) -> Output {
    let pattern = format!("{}*", &names[0][..names[0].len() - 2]);
    let state = cwd.join("state.json");
    let mut args = vec!["migrate", "apply", "--dir", dir.to_str().unwrap()];
    args.extend(["--server", server, "--databases", &pattern]);
    args.extend(["--state-file", state.to_str().unwrap()]);
    args.extend_from_slice(extra);
    common::pgdrift_in(Some(cwd), &args)
}

/// The JSON lines of standard output: the databases', then the summary.
fn lines(out: &Output) -> (Vec<Value>, Value) {
    let mut all: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let summary = all.pop().expect("a summary line");
    assert_eq!(summary["summary"], true, "{summary}");
    (all, summary)
}

/// The line of database `name`.
fn of<'v>(lines: &'v [Value], name: &str) -> &'v Value {
    let found: Vec<&Value> = (lines.iter())
        .filter(|l| l["database"].as_str().unwrap().contains(name))
        .collect();
    assert_eq!(found.len(), 1, "{name} in {lines:?}");
    found[0]
}

fn status(lines: &[Value], name: &str) -> String {
    of(lines, name)["status"].as_str().unwrap().to_string()
}

const TWO: [(&str, &str); 2] = [
    ("001_a.sql", "CREATE TABLE a (id int);\n"),
    ("002_b.sql", "CREATE TABLE b (id int);\n"),
];

#[tokio::test]
async fn a_canary_runs_alone_first_then_the_waves_in_order() {
    let (server, names, _) = tenants("waves", 5).await;
    let (cwd, dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    migrations(dir.path(), &TWO);
    let report = cwd.path().join("rollout.html");
    let extra = [
        "--canary",
        &names[3],
        "--wave-size",
        "2",
        "--yes",
        "-f",
        "jsonl",
    ];
    let mut extra = extra.to_vec();
    extra.extend(["--report", report.to_str().unwrap()]);
    let out = apply(cwd.path(), dir.path(), &server, &names, &extra);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (dbs, summary) = lines(&out);
    let waves: Vec<u64> = dbs.iter().map(|l| l["wave"].as_u64().unwrap()).collect();
    assert_eq!(waves.len(), 5);
    assert!(waves.windows(2).all(|w| w[0] <= w[1]), "{waves:?}");
    assert!(dbs[0]["database"].as_str().unwrap().contains(&names[3]));
    assert_eq!(waves, [1, 2, 2, 3, 3]);
    for (i, name) in names.iter().enumerate() {
        let line = of(&dbs, name);
        assert_eq!(line["status"], "applied", "{line}");
        assert_eq!(
            line["versions"],
            serde_json::json!(["001_a.sql", "002_b.sql"])
        );
        let wave = [2, 2, 3, 1, 3][i];
        assert_eq!(line["wave"], wave, "{line}");
    }
    assert_eq!(summary["applied"], 5);
    assert_eq!(summary["waves"].as_array().unwrap().len(), 3);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        html.contains("<h2>Waves</h2>") && html.contains(&names[4]),
        "{html}"
    );
    // Text: each database's line names its wave, and the summary counts per wave.
    let out = apply(
        cwd.path(),
        dir.path(),
        &server,
        &names,
        &["--canary", "1", "--wave-size", "50%", "--yes"],
    );
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(
        t.contains(&format!("✓ {}: up to date (wave 1)", names[0])),
        "{t}"
    );
    assert!(
        t.contains("wave 1 (canary): 1 ok, 0 failed, 0 not attempted"),
        "{t}"
    );
    assert!(t.contains("wave 3: 2 ok"), "{t}");
}

#[tokio::test]
async fn a_failing_tenant_stops_the_rollout_and_a_rerun_resumes() {
    let (server, names, admin) = tenants("stop", 5).await;
    let (cwd, dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    migrations(dir.path(), &TWO);
    // Tenant 01 (wave 2) already has the table 002 creates.
    sql(&admin, &names[1], "CREATE TABLE b (id int)").await;
    let waves = ["--canary", "1", "--wave-size", "2", "--yes", "-f", "jsonl"];
    let out = apply(cwd.path(), dir.path(), &server, &names, &waves);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    let (dbs, summary) = lines(&out);
    assert_eq!(status(&dbs, &names[0]), "applied");
    assert_eq!(status(&dbs, &names[1]), "failed");
    let error = of(&dbs, &names[1])["error"].as_str().unwrap().to_string();
    assert!(error.contains("002_b.sql"), "{error}");
    assert_eq!(status(&dbs, &names[2]), "applied");
    for name in &names[3..] {
        assert_eq!(status(&dbs, name), "not_attempted");
        assert!(of(&dbs, name)["error"]
            .as_str()
            .unwrap()
            .contains("--max-failures"));
    }
    assert_eq!(summary["not_attempted"], 2);
    assert!(
        t.contains("to resume") && t.contains("--only-failed"),
        "{t}"
    );
    assert!(t.contains("1 of 5 databases failed"), "{t}");
    assert!(
        t.contains("--max-failures allows 0): 2 not attempted"),
        "{t}"
    );
    let state = std::fs::read_to_string(cwd.path().join("state.json")).unwrap();
    assert!(
        state.contains("\"failed\"") && state.contains(&names[1]),
        "{state}"
    );
    // Once fixed, --only-failed runs the failed tenant alone.
    sql(&admin, &names[1], "DROP TABLE b").await;
    let mut only = waves.to_vec();
    only.push("--only-failed");
    let out = apply(cwd.path(), dir.path(), &server, &names, &only);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (dbs, _) = lines(&out);
    assert_eq!(dbs.len(), 1, "{dbs:?}");
    assert_eq!(status(&dbs, &names[1]), "applied");
    assert_eq!(
        of(&dbs, &names[1])["versions"],
        serde_json::json!(["002_b.sql"])
    );
    // Nothing failed any more: --only-failed has nothing to do.
    let out = apply(cwd.path(), dir.path(), &server, &names, &only);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("nothing to retry"), "{}", text(&out));
    // The same command again finishes the tenants never attempted.
    let out = apply(cwd.path(), dir.path(), &server, &names, &waves);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (dbs, _) = lines(&out);
    for (i, name) in names.iter().enumerate() {
        let expected = if i >= 3 { "applied" } else { "up_to_date" };
        assert_eq!(status(&dbs, name), expected, "{name}");
    }
}

#[tokio::test]
async fn max_failures_in_percent_lets_some_fail_before_stopping() {
    let (server, names, admin) = tenants("pct", 4).await;
    let (cwd, dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    migrations(dir.path(), &TWO[..1]);
    for name in &names[..3] {
        sql(&admin, name, "CREATE TABLE a (id int)").await;
    }
    // Waves of one; 50% of 4 allows two failures: the third stops the rollout.
    let args = [
        "--wave-size",
        "1",
        "--max-failures",
        "50%",
        "--yes",
        "-f",
        "jsonl",
    ];
    let out = apply(cwd.path(), dir.path(), &server, &names, &args);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let (dbs, summary) = lines(&out);
    for name in &names[..3] {
        assert_eq!(status(&dbs, name), "failed");
    }
    assert_eq!(status(&dbs, &names[3]), "not_attempted");
    assert_eq!(summary["stopped"]["reason"], "failures");
    assert_eq!(summary["stopped"]["allowed"], 2);
}

/// Locks table t of `info` in another session for `secs` seconds.
async fn hold(info: ConnInfo, secs: f64) -> tokio::task::JoinHandle<()> {
    let c = pgdrift::pg::connect(&info).await.unwrap();
    c.client
        .batch_execute("BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs_f64(secs)).await;
        c.client.batch_execute("COMMIT").await.unwrap();
    })
}

#[tokio::test]
async fn a_lock_timeout_is_retried_with_backoff() {
    let (server, names, admin) = tenants("lock", 1).await;
    let (cwd, dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    sql(&admin, &names[0], "CREATE TABLE t (id int)").await;
    migrations(
        dir.path(),
        &[("001_c.sql", "ALTER TABLE t ADD COLUMN c int;\n")],
    );
    let run = |extra: &'static [&'static str]| {
        let (cwd, dir, server, names) = (
            cwd.path().to_owned(),
            dir.path().to_owned(),
            server.clone(),
            names.clone(),
        );
        tokio::task::spawn_blocking(move || {
            let mut args = vec!["--lock-timeout", "1", "-f", "jsonl"];
            args.extend_from_slice(extra);
            apply(&cwd, &dir, &server, &names, &args)
        })
    };
    // Without retries the lock timeout fails the tenant, and nothing of it is applied.
    let held = hold(admin.with_dbname(&names[0]), 2.0).await;
    let out = run(&[]).await.unwrap();
    held.await.unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let (dbs, _) = lines(&out);
    let error = of(&dbs, &names[0])["error"].as_str().unwrap().to_string();
    assert!(
        error.contains("lock timeout") && error.contains("55P03"),
        "{error}"
    );
    // With retries it waits 1 s, 2 s, ... and goes through once the lock is released.
    let held = hold(admin.with_dbname(&names[0]), 3.5).await;
    let out = run(&["--lock-retries", "5"]).await.unwrap();
    held.await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (dbs, _) = lines(&out);
    let line = of(&dbs, &names[0]);
    assert_eq!(line["status"], "applied", "{line}");
    let retries = line["retries"].as_u64().unwrap();
    assert!((1..=3).contains(&retries), "{line}");
}

#[tokio::test]
async fn ctrl_c_finishes_the_databases_in_flight_and_a_rerun_resumes() {
    let (server, names, admin) = tenants("sigint", 3).await;
    let (cwd, dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    migrations(
        dir.path(),
        &[(
            "001_slow.sql",
            "SELECT pg_sleep(2);\nCREATE TABLE s (id int);\n",
        )],
    );
    let pattern = format!("{}*", &names[0][..names[0].len() - 2]);
    let child = Command::new(env!("CARGO_BIN_EXE_pgdrift"))
        .args(["migrate", "apply", "--dir", dir.path().to_str().unwrap()])
        .args([
            "--server",
            &server,
            "--databases",
            &pattern,
            "--jobs",
            "1",
            "-f",
            "jsonl",
        ])
        .args([
            "--state-file",
            cwd.path().join("state.json").to_str().unwrap(),
        ])
        .current_dir(cwd.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the first tenant's migration is running.
    let c = pgdrift::pg::connect(&admin).await.unwrap();
    let busy = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(2)%' AND pid <> pg_backend_pid()";
    for _ in 0..600 {
        let n: i64 = c.client.query_one(busy, &[]).await.unwrap().get(0);
        if n > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).unwrap();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("interrupted") && t.contains("to resume"), "{t}");
    let (dbs, summary) = lines(&out);
    assert_eq!(status(&dbs, &names[0]), "applied", "{t}");
    assert_eq!(status(&dbs, &names[1]), "not_attempted", "{t}");
    assert_eq!(status(&dbs, &names[2]), "not_attempted", "{t}");
    assert_eq!(summary["stopped"]["reason"], "interrupted");
    let out = apply(
        cwd.path(),
        dir.path(),
        &server,
        &names,
        &["-f", "jsonl", "--jobs", "2"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (dbs, _) = lines(&out);
    assert_eq!(status(&dbs, &names[0]), "up_to_date");
    assert_eq!(status(&dbs, &names[1]), "applied");
    assert_eq!(status(&dbs, &names[2]), "applied");
}

#[test]
fn bad_rollout_flags_are_refused_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let base = [
        "migrate",
        "apply",
        "--dir",
        dir.path().to_str().unwrap(),
        "--url",
        "postgres://u@h/db",
    ];
    for (flag, value, says) in [
        ("--wave-size", "0", "--wave-size 0"),
        ("--max-failures", "150%", "--max-failures 150%"),
        ("--canary", "0", "--canary 0"),
    ] {
        let mut args = base.to_vec();
        args.extend([flag, value]);
        let out = common::pgdrift_in(None, &args);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(text(&out).contains(says), "{}", text(&out));
    }
}

#[tokio::test]
async fn waves_without_a_terminal_need_yes() {
    let (server, names, _) = tenants("yes", 2).await;
    let (cwd, dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    migrations(dir.path(), &TWO);
    let out = apply(cwd.path(), dir.path(), &server, &names, &["--canary", "1"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("pass --yes"), "{}", text(&out));
    // -f json keeps its layout and gains the waves, and each database's wave and status.
    let out = apply(cwd.path(), dir.path(), &server, &names, &["-f", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["waves"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["waves"][0]["ok"], 2, "{v}");
    for db in v["databases"].as_array().unwrap() {
        assert_eq!(db["status"], "applied", "nothing ran before: {db}");
        assert_eq!(db["wave"], 1);
        assert_eq!(db["report"]["ran"].as_array().unwrap().len(), 2);
    }
}
