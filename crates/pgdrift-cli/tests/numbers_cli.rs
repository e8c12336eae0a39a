//! Numbers a user types: every seconds and count option of every subcommand, and every
//! number in `pgdrift.toml`, given infinity, NaN, a negative number or one past any sane
//! bound, is refused with a message naming the option or the file's line (exit 2) — never
//! a panic, never a value that silently means something else.

mod common;

use common::text;
use std::path::Path;
use std::process::Output;

/// The values the drills typed.
const HOSTILE: &[&str] = &["inf", "NaN", "-1", "1e19", "18446744073709551615"];

/// A database nothing listens on: a command that got past its arguments fails here.
const NOWHERE: &str = "postgres://u@127.0.0.1:1/db?connect_timeout=2";

fn run(dir: &Path, args: &[&str]) -> Output {
    common::pgdrift_in(Some(dir), args)
}

/// Each command with the arguments it needs, and its options that take seconds.
fn seconds_options(dir: &str) -> Vec<(Vec<&str>, &'static str)> {
    let apply = vec!["migrate", "apply", "--dir", dir, "--url", NOWHERE];
    let baseline = vec![
        "migrate",
        "baseline",
        "--dir",
        dir,
        "--url",
        NOWHERE,
        "--version",
        "1",
    ];
    let repair = vec![
        "migrate",
        "repair",
        "--dir",
        dir,
        "--url",
        NOWHERE,
        "--checksums",
    ];
    let diff = vec!["diff", NOWHERE, NOWHERE];
    let inspect = vec!["inspect", NOWHERE];
    let audit = vec!["audit", "--config", "pgdrift.toml"];
    vec![
        (apply.clone(), "--lock-timeout"),
        (apply.clone(), "--statement-timeout"),
        (apply, "--lock-wait"),
        (baseline, "--lock-wait"),
        (repair, "--lock-wait"),
        (diff.clone(), "--lock-timeout"),
        (diff.clone(), "--step-timeout"),
        (diff, "--statement-timeout"),
        (inspect, "--statement-timeout"),
        (audit, "--statement-timeout"),
    ]
}

/// Each command with the arguments it needs, for `--jobs`.
fn jobs_options(dir: &str) -> Vec<Vec<&str>> {
    vec![
        vec!["migrate", "apply", "--dir", dir, "--url", NOWHERE],
        vec!["migrate", "status", "--dir", dir, "--url", NOWHERE],
        vec![
            "migrate",
            "baseline",
            "--dir",
            dir,
            "--url",
            NOWHERE,
            "--version",
            "1",
        ],
        vec!["diff", NOWHERE, NOWHERE],
        vec!["inspect", NOWHERE],
        vec!["audit", "--config", "pgdrift.toml"],
    ]
}

fn fleet_file(dir: &Path, extra_server: &str, audit: &str) {
    let text = format!(
        "[[server]]\nname = \"nowhere\"\nurl = \"{NOWHERE}\"\nstage = \"test\"\n{extra_server}\
         [role.app]\ndatabases = [\"*\"]\n{audit}"
    );
    std::fs::write(dir.join("pgdrift.toml"), text).unwrap();
}

fn assert_refused(out: &Output, what: &str, needle: &str) {
    let t = text(out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{what}: exit {:?}\n{t}",
        out.status
    );
    assert!(!t.contains("panicked"), "{what}: a panic\n{t}");
    assert!(t.contains(needle), "{what}: {needle:?} not named in\n{t}");
}

#[test]
fn every_seconds_option_refuses_what_is_not_a_sane_number_of_seconds() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("migrations")).unwrap();
    fleet_file(dir.path(), "", "");
    for (args, option) in seconds_options("migrations") {
        for value in HOSTILE {
            let flag = format!("{option}={value}");
            let mut argv = args.clone();
            argv.push(&flag);
            let out = run(dir.path(), &argv);
            assert_refused(&out, &argv.join(" "), option);
        }
    }
    // A fraction of a millisecond would reach PostgreSQL as 0, which means "no limit".
    let out = run(
        dir.path(),
        &["inspect", NOWHERE, "--statement-timeout=0.0001"],
    );
    assert_refused(&out, "0.0001 s", "less than a millisecond");
    let out = run(dir.path(), &["inspect", NOWHERE, "--statement-timeout=inf"]);
    assert_refused(&out, "inf", "too large: at most 2147483 seconds");
}

#[test]
fn every_jobs_option_refuses_what_is_not_a_sane_count() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("migrations")).unwrap();
    fleet_file(dir.path(), "", "");
    for args in jobs_options("migrations") {
        for value in HOSTILE.iter().chain(&["0"]) {
            let flag = format!("--jobs={value}");
            let mut argv = args.clone();
            argv.push(&flag);
            let out = run(dir.path(), &argv);
            assert_refused(&out, &argv.join(" "), "--jobs");
        }
    }
}

#[test]
fn every_number_in_the_fleet_file_is_checked_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    // The largest integer TOML holds: past the semaphore's limit, it used to panic there.
    let cases = [
        (
            "max_connections = 9223372036854775807\n",
            "",
            "pgdrift.toml:5:19",
        ),
        ("max_connections = 0\n", "", "pgdrift.toml:5:19"),
        (
            "",
            "[audit]\njobs = 9223372036854775807\n",
            "pgdrift.toml:8:8",
        ),
        (
            "",
            "[audit]\nstatement_timeout_secs = inf\n",
            "pgdrift.toml:8:26",
        ),
        (
            "",
            "[audit]\nstatement_timeout_secs = nan\n",
            "pgdrift.toml:8:26",
        ),
        (
            "",
            "[audit]\nstatement_timeout_secs = -1\n",
            "pgdrift.toml:8:26",
        ),
        (
            "",
            "[audit]\nstatement_timeout_secs = 1e19\n",
            "pgdrift.toml:8:26",
        ),
        (
            "",
            "[audit]\nstatement_timeout_secs = 9223372036854775807\n",
            "pgdrift.toml:8:26",
        ),
    ];
    for (server, audit, at) in cases {
        fleet_file(dir.path(), server, audit);
        let out = run(dir.path(), &["audit"]);
        assert_refused(&out, &format!("{server}{audit}"), at);
    }
}
