//! The GitHub Action's script (`ci/action/lint.sh`), run as a pull request's workflow runs it:
//! on a fixture repository (a migrations directory in a temporary git
//! repository), with the binary under test (`PGDRIFT_BIN`, nothing installed) and a fake
//! GitHub API on a loopback port. The SARIF file is written and valid, the pull request gets
//! one comment, updated and not duplicated by the next run, and the exit code follows
//! fail-on.

mod common;
#[path = "common/fake_github.rs"]
mod fake_github;
#[path = "common/git_fixture.rs"]
mod git_fixture;
#[path = "common/tools_venv.rs"]
mod tools_venv;

use common::text;
use fake_github::FakeGithub;
use git_fixture::fixture_repo;
use pgdrift::testing::TestDb;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use tools_venv::{assert_valid_sarif, repo_root};

const MARKER: &str = "<!-- pgdrift-lint -->";
const TOKEN: &str = "ghs_test_token";

/// Runs the action's script in `repo` with `inputs`, as a pull request's workflow would.
fn action(
    repo: &Path,
    api: &FakeGithub,
    inputs: &[(&str, &str)],
    env: &[(&str, &str)],
) -> (Output, String) {
    let runner = repo.join(".runner");
    std::fs::create_dir_all(&runner).expect("mkdir");
    let event = runner.join("event.json");
    std::fs::write(&event, r#"{"pull_request": {"number": 7}}"#).expect("write");
    let output = runner.join("output");
    let _ = std::fs::remove_file(&output);
    let mut cmd = Command::new("bash");
    cmd.arg(repo_root().join("ci/action/lint.sh"))
        .current_dir(repo)
        .env("PGDRIFT_BIN", env!("CARGO_BIN_EXE_pgdrift"))
        .env("GITHUB_API_URL", &api.url)
        .env("GITHUB_REPOSITORY", "acme/app")
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", runner.join("summary.md"))
        .env("RUNNER_TEMP", &runner)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_BASE_REF")
        .env_remove("PGPASSWORD");
    for (name, value) in inputs {
        cmd.env(
            format!("INPUT_{}", name.to_uppercase().replace('-', "_")),
            value,
        );
    }
    cmd.envs(env.iter().copied());
    let out = cmd.output().expect("run the action's script");
    (out, std::fs::read_to_string(&output).unwrap_or_default())
}

fn sarif_levels(path: &Path) -> Vec<String> {
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("SARIF written"))
        .expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    (sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter())
    .map(|r| r["level"].as_str().unwrap_or_default().to_string())
    .collect()
}

#[test]
fn the_action_keeps_one_comment_and_writes_sarif() {
    let repo = fixture_repo();
    let api = FakeGithub::start(
        "acme/app",
        7,
        &["LGTM", "a human quoting <!-- pgdrift-lint --> later"],
    );
    let inputs = [
        ("source", "migrations"),
        ("sarif-file", "lint.sarif"),
        ("comment", "true"),
    ];
    let (out, outputs) = action(repo.path(), &api, &inputs, &[]);
    let code = out.status.code();
    assert!(matches!(code, Some(0 | 1)), "{}", text(&out));
    assert!(
        outputs.contains(&format!("exit-code={}\n", code.unwrap_or(2))),
        "{outputs}"
    );
    assert!(outputs.contains("sarif-file=lint.sarif\n"), "{outputs}");
    // The exit code follows fail-on (warning) over what the SARIF holds.
    let sarif = repo.path().join("lint.sarif");
    let fails = sarif_levels(&sarif)
        .iter()
        .any(|l| l == "warning" || l == "error");
    assert_eq!(code, Some(i32::from(fails)), "{}", text(&out));
    assert_valid_sarif(&[&sarif]);

    let comments = api.comments();
    assert_eq!(comments.len(), 3, "{comments:?}");
    let (id, body) = &comments[2];
    assert!(
        body.starts_with(&format!("{MARKER}\n**pgdrift lint** ")),
        "{body}"
    );
    assert!(body.contains("`migrations`"), "{body}");
    let requests = api.requests();
    assert!(requests
        .iter()
        .all(|r| r.authorization == format!("Bearer {TOKEN}")));
    assert_eq!(requests.iter().filter(|r| r.method == "POST").count(), 1);
    assert!(!text(&out).contains(TOKEN), "{}", text(&out));

    // A new migration and another run: the same comment, updated.
    std::fs::write(
        repo.path().join("migrations/0003_notes.sql"),
        "CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body char(10));\n",
    )
    .expect("write");
    let (out, _) = action(repo.path(), &api, &inputs, &[]);
    // Its char(10) column is a finding located in the new file: annotated there, in the SARIF
    // on its line, and the step fails.
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("::warning file=migrations/0003_notes.sql,line=1,"),
        "{stdout}"
    );
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("SARIF")).expect("JSON");
    let located = (sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter())
    .map(|r| &r["locations"][0]["physicalLocation"])
    .any(|p| {
        p["artifactLocation"]["uri"] == "migrations/0003_notes.sql" && p["region"]["startLine"] == 1
    });
    assert!(located, "{sarif}");
    assert_valid_sarif(&[&repo.path().join("lint.sarif")]);
    let comments = api.comments();
    assert_eq!(comments.len(), 3, "a second comment: {comments:?}");
    assert_eq!(&comments[2].0, id);
    assert!(
        comments[2].1.contains("`migrations/0003_notes.sql:1`"),
        "{comments:?}"
    );
    assert_eq!(comments[0].1, "LGTM");
    let requests = api.requests();
    let patches: Vec<_> = requests.iter().filter(|r| r.method == "PATCH").collect();
    assert_eq!(patches.len(), 1, "{requests:?}");
    assert_eq!(
        patches[0].path,
        format!("/repos/acme/app/issues/comments/{id}")
    );
    assert_eq!(requests.iter().filter(|r| r.method == "POST").count(), 1);

    // comment: false leaves the pull request alone.
    let before = api.requests().len();
    let quiet = [
        ("source", "migrations"),
        ("sarif-file", ""),
        ("comment", "false"),
    ];
    let (out, outputs) = action(repo.path(), &api, &quiet, &[]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
    assert_eq!(api.requests().len(), before);
    assert!(outputs.contains("sarif-file=\n"), "{outputs}");
}

#[tokio::test]
async fn the_action_exit_code_follows_fail_on() {
    // An integer key whose sequence used 70% of its range: a warning (PL505), no error.
    let db = TestDb::with_sql(
        "CREATE TABLE t (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);\n\
         SELECT setval(pg_get_serial_sequence('t', 'id'), 1500000000);",
    )
    .await;
    let repo = fixture_repo();
    let api = FakeGithub::start("acme/app", 7, &[]);
    let env = [("LINT_DATABASE_URL", db.url())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let run = |fail_on: &str, args: &str| {
        let inputs = [
            ("source", "env:LINT_DATABASE_URL"),
            ("fail-on", fail_on),
            ("args", args),
            ("sarif-file", "db.sarif"),
            ("comment", "false"),
        ];
        action(repo.path(), &api, &inputs, &env)
    };
    let (out, outputs) = run("error", "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(outputs.contains("exit-code=0\n"), "{outputs}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("::warning title=PL505 integer-key-near-limit::"),
        "{stdout}"
    );
    let levels = sarif_levels(&repo.path().join("db.sarif"));
    assert!(levels.iter().any(|l| l == "warning") && !levels.iter().any(|l| l == "error"));
    let (out, outputs) = run("warning", "");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(outputs.contains("exit-code=1\n"), "{outputs}");
    let (out, _) = run("error", "--rule PL505=error");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let (out, _) = run("error", "--rule PL999=error");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(api.requests().is_empty());
}

#[test]
fn the_action_without_a_source_is_an_error() {
    let repo = fixture_repo();
    let api = FakeGithub::start("acme/app", 7, &[]);
    let (out, _) = action(repo.path(), &api, &[("comment", "true")], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("::error title=pgdrift::give the source input"),
        "{}",
        text(&out)
    );
    assert!(api.requests().is_empty());
}
