//! The pre-commit hook of `.pre-commit-hooks.yaml`: read by pre-commit's own YAML parser and
//! its entry run with the binary under test on a fixture repository, then run by the real
//! `pre-commit try-repo` against this repository (pgdrift on `PATH` being the binary under
//! test). pre-commit comes from `scripts/setup-tools`; without it these tests fail when
//! `CI=true`, and say why and pass elsewhere.

mod common;
#[path = "common/git_fixture.rs"]
mod git_fixture;
#[path = "common/tools_venv.rs"]
mod tools_venv;

use common::text;
use git_fixture::{fixture_repo, git};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use tools_venv::{repo_root, venv_bin};

/// The hook of `.pre-commit-hooks.yaml`, read by Python's YAML parser (pre-commit's own).
fn hook() -> Option<Value> {
    let python = venv_bin("python")?;
    let manifest = repo_root().join(".pre-commit-hooks.yaml");
    let out = Command::new(python)
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(&manifest)
        .output()
        .expect("run python");
    assert!(out.status.success(), "{}", text(&out));
    let hooks: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let hook = (hooks.as_array().expect("a list of hooks").iter())
        .find(|h| h["id"] == "pgdrift-lint")
        .cloned();
    Some(hook.expect("the pgdrift-lint hook"))
}

#[test]
fn the_pre_commit_hook_entry_runs_pgdrift_lint() {
    let Some(hook) = hook() else { return };
    assert_eq!(hook["language"], "system");
    assert_eq!(hook["pass_filenames"], false);
    let entry = shell_words::split(hook["entry"].as_str().expect("entry")).expect("words");
    assert_eq!(entry[..2], ["pgdrift", "lint"]);
    let args: Vec<String> = (hook["args"].as_array().expect("args").iter())
        .map(|a| a.as_str().expect("a string").to_string())
        .collect();
    let repo = fixture_repo();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_pgdrift"))
            .args(&entry[1..])
            .args(&args)
            .current_dir(repo.path())
            .output()
            .expect("run the hook's entry")
    };
    let out = run();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
    assert!(text(&out).contains("migrations: "), "{}", text(&out));
    std::fs::write(
        repo.path().join("migrations/0003_bad.sql"),
        "CREATE TABLE (;\n",
    )
    .expect("write");
    let out = run();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("0003_bad.sql"), "{}", text(&out));
}

#[test]
fn pre_commit_runs_the_hook_from_this_repository() {
    let Some(pre_commit) = venv_bin("pre-commit") else {
        return;
    };
    let manifest = repo_root().join(".pre-commit-hooks.yaml");
    let out = Command::new(&pre_commit)
        .arg("validate-manifest")
        .arg(&manifest)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", text(&out));
    // `pgdrift` on PATH is the binary under test.
    let bin = tempfile::tempdir().expect("tempdir");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_pgdrift"), bin.path().join("pgdrift"))
        .expect("symlink");
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let home = tempfile::tempdir().expect("tempdir");
    let repo = fixture_repo();
    let try_repo = |repo: &Path| -> Output {
        Command::new(&pre_commit)
            .args([
                "try-repo",
                &repo_root().display().to_string(),
                "pgdrift-lint",
                "--all-files",
            ])
            .current_dir(repo)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", home.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("run pre-commit")
    };
    let out = try_repo(repo.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("pgdrift lint"), "{}", text(&out));
    std::fs::write(
        repo.path().join("migrations/0003_bad.sql"),
        "CREATE TABLE (;\n",
    )
    .expect("write");
    git(repo.path(), &["add", "."]);
    let out = try_repo(repo.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("Failed"), "{}", text(&out));
}
