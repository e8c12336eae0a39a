//! `pgdrift lint` as Markdown, SARIF and GitHub annotations: the SARIF of hand-built reports
//! (several findings of each kind of place) and of a real lint of a live database validated
//! against the OASIS SARIF 2.1.0 schema; annotations capped as GitHub shows them, with the rest
//! in the step summary; `--also` writing several formats from one run.

mod common;
#[path = "common/tools_venv.rs"]
mod tools_venv;

use common::text;
use pgdrift::lint::{rules, LintReport, Skipped, FORMAT_VERSION};
use pgdrift::report::finding::{fingerprint, Finding, Location, ObjectRef};
use pgdrift::testing::TestDb;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use tools_venv::{assert_valid_sarif, sarif_errors};

fn finding(code: &str, file: Option<&str>, line: Option<usize>, object: Option<&str>) -> Finding {
    let rule = rules::find(code).expect("a rule");
    let message = format!("{code} at {file:?}:{line:?} on {object:?}: 100% odd, text\n|x|");
    Finding {
        code: rule.code,
        slug: rule.slug,
        severity: rule.severity,
        object: object.map(|name| ObjectRef {
            kind: "table",
            name: name.into(),
        }),
        fix: Some(format!("ALTER TABLE {} -- `fix`", object.unwrap_or("t"))),
        fingerprint: fingerprint(&[code, &message]),
        message,
        location: Location {
            file: file.map(str::to_string),
            line,
            database: None,
        },
    }
}

/// Several findings of each kind of place: a migration's statement, an object created by a
/// migration, a live database's object, an object alone.
fn report(source: &str, live: bool) -> LintReport {
    let mut findings = vec![
        finding("PL201", Some("db/migrations/0002_add.sql"), Some(4), None),
        finding(
            "PL303",
            Some("db/migrations/0003 odd, name:#1.sql"),
            Some(1),
            None,
        ),
        finding("PL402", Some("/abs/repo/db/0004_é.sql"), None, None),
        finding(
            "PL101",
            Some("./db/migrations/0001_init.sql"),
            Some(3),
            Some("public.a"),
        ),
        finding(
            "PL103",
            Some("db/migrations/0001_init.sql"),
            Some(9),
            Some("public.b"),
        ),
        finding(
            "PL501",
            Some("db/migrations/0005.sql"),
            Some(2),
            Some("public.\"we|rd\""),
        ),
        finding("PL205", None, None, Some("public.c")),
        finding("PL604", None, None, Some("public.d")),
    ];
    for (i, name) in ["public.e", "public.f", "public.g"].iter().enumerate() {
        let mut f = finding(["PL204", "PL401", "PL505"][i], None, None, Some(name));
        f.location.database = Some("app".into());
        findings.push(f);
    }
    Finding::sort(&mut findings);
    LintReport {
        format_version: FORMAT_VERSION,
        source: source.into(),
        server_version: live.then(|| "16.4".into()),
        findings,
        skipped: vec![Skipped {
            code: "PL204",
            slug: "unused-index",
            reason: "statistics rules run only on a live database".into(),
        }],
        rules_run: 20,
        new_files: None,
    }
}

fn write_sarif(dir: &Path, name: &str, report: &LintReport) -> std::path::PathBuf {
    let path = dir.join(name);
    let sarif = pgdrift::report::lint::render_sarif(report);
    std::fs::write(&path, serde_json::to_string_pretty(&sarif).expect("json")).expect("write");
    path
}

#[test]
fn sarif_of_every_kind_of_place_is_valid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = [
        write_sarif(dir.path(), "dir.sarif", &report("db/migrations", false)),
        write_sarif(
            dir.path(),
            "db.sarif",
            &report("postgres://app:pw@db/app", true),
        ),
        write_sarif(dir.path(), "env.sarif", &report("env:DATABASE_URL", true)),
    ];
    let paths: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    assert_valid_sarif(&paths);
    // The validator does fail: a level SARIF lacks, a URI with a space, a result without a
    // location.
    let mut broken: Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    let results = &mut broken["runs"][0]["results"];
    results[0]["level"] = "fatal".into();
    results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b".into();
    results[2]["locations"] = Value::Array(vec![]);
    let bad = dir.path().join("broken.sarif");
    std::fs::write(&bad, broken.to_string()).expect("write");
    if let Some(errors) = sarif_errors(&[&bad]) {
        assert!(errors.contains("fatal"), "{errors}");
        assert!(errors.contains("uri-reference"), "{errors}");
        assert!(errors.contains("no location"), "{errors}");
    }
}

/// A table whose integer key's sequence is at `at` of 2,147,483,647.
fn near_limit(name: &str, at: i64) -> String {
    format!(
        "CREATE TABLE {name} (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);\n\
         SELECT setval(pg_get_serial_sequence('{name}', 'id'), {at});\n"
    )
}

fn pgdrift(dir: &Path, args: &[&str], summary: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pgdrift"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("PGPASSWORD");
    match summary {
        Some(file) => cmd.env("GITHUB_STEP_SUMMARY", file),
        None => cmd.env_remove("GITHUB_STEP_SUMMARY"),
    };
    cmd.output().expect("run pgdrift")
}

#[tokio::test]
async fn a_live_database_in_every_format_from_one_run() {
    let sql = near_limit("public.big", 2_100_000_000)
        + &near_limit("public.half", 1_500_000_000)
        + &near_limit("public.\"we|ird,na:me\"", 1_600_000_000);
    let db = TestDb::with_sql(&sql).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = pgdrift(
        dir.path(),
        &[
            "lint",
            &db.url(),
            "-f",
            "markdown",
            "--also",
            "sarif=lint.sarif",
            "--also",
            "github=gh.txt",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.starts_with("<!-- pgdrift-lint -->\n**pgdrift lint** ✗ "),
        "{md}"
    );
    assert!(
        md.contains("| ✗ error | PL401 sequence-near-max | sequence public.big_id_seq |"),
        "{md}"
    );
    assert!(md.contains("column public.we\\|ird,na:me.id"), "{md}");

    let sarif_path = dir.path().join("lint.sarif");
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let find = |rule: &str, name: &str| {
        results.iter().find(|r| {
            r["ruleId"] == rule
                && r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == name
        })
    };
    let seq = find("PL401", "public.big_id_seq").expect("PL401 on the sequence");
    assert_eq!(seq["level"], "error");
    assert_eq!(
        seq["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "pgdrift.toml"
    );
    assert_eq!(seq["properties"]["database"], db.name());
    assert!(find("PL505", "public.half.id").is_some_and(|r| r["level"] == "warning"));
    assert!(find("PL505", "public.we|ird,na:me.id").is_some());
    assert!(
        find("PL401", "public.half_id_seq").is_none(),
        "70% is not near the maximum"
    );
    assert_valid_sarif(&[&sarif_path]);

    let gh = std::fs::read_to_string(dir.path().join("gh.txt")).expect("annotations");
    assert!(
        gh.contains("::error title=PL401 sequence-near-max::sequence public.big_id_seq"),
        "{gh}"
    );
    assert!(
        gh.contains(
            "::warning title=PL505 integer-key-near-limit::primary key public.we|ird,na:me.id"
        ),
        "{gh}"
    );
    assert!(
        gh.contains("**pgdrift lint** ✗"),
        "the summary follows in a file: {gh}"
    );
}

#[tokio::test]
async fn github_annotations_stop_at_the_limits_and_the_rest_goes_to_the_step_summary() {
    // Twelve sequences near their end (errors), twelve keys past half their range (warnings).
    let sql: String = (1..=12)
        .map(|i| {
            near_limit(&format!("public.s{i:02}"), 2_100_000_000)
                + &near_limit(&format!("public.w{i:02}"), 1_500_000_000)
        })
        .collect();
    let db = TestDb::with_sql(&sql).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = dir.path().join("summary.md");
    let args = ["lint", &db.url(), "-f", "github", "--fail-on", "error"];
    let out = pgdrift(dir.path(), &args, Some(&summary));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.lines().all(|l| l.starts_with("::")), "{stdout}");
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("::error ")).count(),
        10
    );
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.starts_with("::warning "))
            .count(),
        10
    );
    let written = std::fs::read_to_string(&summary).expect("step summary");
    assert!(
        written.starts_with("**pgdrift lint** ✗ 12 errors, 12 warnings"),
        "{written}"
    );
    assert!(
        written.contains("4 findings are not shown as annotations"),
        "{written}"
    );
    assert_eq!(
        written
            .lines()
            .filter(|l| l.starts_with("| ✗ error | PL401"))
            .count(),
        2
    );
    // A second step appends to the summary; without the variable it follows the annotations.
    pgdrift(dir.path(), &args, Some(&summary));
    let twice = std::fs::read_to_string(&summary).expect("step summary");
    assert_eq!(twice.matches("**pgdrift lint**").count(), 2);
    let out = pgdrift(dir.path(), &args, None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("\n**pgdrift lint** ✗ 12 errors"),
        "{stdout}"
    );
}

#[test]
fn also_is_checked_before_the_lint_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (value, says) in [
        ("bogus=x.txt", "use text, json"),
        ("sarif", "write FORMAT=FILE"),
    ] {
        let out = pgdrift(dir.path(), &["lint", "missing-dir", "--also", value], None);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(text(&out).contains(says), "{}", text(&out));
    }
    assert!(!dir.path().join("x.txt").exists());
}
