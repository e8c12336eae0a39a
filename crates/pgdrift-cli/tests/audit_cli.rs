//! `pgdrift audit` and `pgdrift demo` as a user runs them: the demo's story, a configuration
//! error placed at its line, `--init`, output formats and `--fail-on` exit codes.

mod common;

use common::text;
use pgdrift::testing::{admin_conninfo, TestDb};
use std::path::Path;
use std::process::Output;

fn pgdrift_in(dir: &Path, args: &[&str]) -> Output {
    common::pgdrift_in(Some(dir), args)
}

#[test]
fn the_demo_prints_the_story_and_writes_the_html_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = pgdrift_in(dir.path(), &["demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = text(&out);
    for expected in [
        "✗ demo/tenant_globex",
        "PA023 table public.tenants belongs to role master",
        "PA030 3 migration(s)",
        "PA021 table public.backup_test is in no desired schema",
        "PA022 type public.plan differs: labels",
        "✓ demo/tenant_acme",
        "HTML report: ",
    ] {
        assert!(t.contains(expected), "{expected:?} not in\n{t}");
    }
    let html = std::fs::read_to_string(dir.path().join("pgdrift-demo.html")).unwrap();
    assert!(html.contains("id=\"drift-matrix\""));
    assert!(html.contains("data-cell=\"leaked\""));
    // PA021 and PA023 carry the evidence about their table, linked in the HTML report.
    let backup = t.find("PA021 table public.backup_test").unwrap();
    let after = &t[backup..];
    let evidence = after.lines().nth(1).unwrap_or("");
    assert!(evidence.trim_start().starts_with("evidence: "), "{after}");
    assert!(after.contains("checklist: pgdrift investigate "), "{after}");
    let prefix = "<a class=\"evidence\" href=\"#";
    let link = html.find(&format!("{prefix}ev-")).expect(&html) + prefix.len();
    let id = &html[link..link + 11];
    assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    assert!(html.contains("<section id=\"evidence\">"));
}

#[test]
fn init_writes_an_example_once_and_a_bad_key_is_placed_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = pgdrift_in(dir.path(), &["audit", "--init"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(dir.path().join("pgdrift.toml").is_file());
    let again = pgdrift_in(dir.path(), &["audit", "--init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again).contains("exists already"), "{}", text(&again));

    std::fs::write(
        dir.path().join("pgdrift.toml"),
        "[[server]]\nname = \"a\"\nurl = \"postgres://u:hunter2@h/db\"\nstgae = \"production\"\n",
    )
    .unwrap();
    let out = pgdrift_in(dir.path(), &["audit"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("pgdrift.toml:4:1"), "{t}");
    assert!(t.contains("stgae"), "{t}");
    assert!(!t.contains("hunter2"), "{t}");

    let empty = tempfile::tempdir().unwrap();
    let out = pgdrift_in(empty.path(), &["audit"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("pgdrift audit --init"),
        "{}",
        text(&out)
    );
}

#[tokio::test]
async fn fail_on_sets_the_exit_code_and_json_is_versioned() {
    let db = TestDb::with_sql(
        "CREATE TABLE accounts (id int PRIMARY KEY);\nCREATE TABLE leftover (id int);\n",
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("desired.sql"),
        "CREATE TABLE accounts (id int PRIMARY KEY);\n",
    )
    .unwrap();
    let url = pgdrift::pg::ConnInfo {
        password: None,
        ..admin_conninfo()
    }
    .to_string();
    std::fs::write(
        dir.path().join("pgdrift.toml"),
        format!(
            "[[server]]\nname = \"t\"\nurl = \"{url}\"\nstage = \"test\"\ndatabases = [\"{}\"]\n\n\
             [role.app]\ndatabases = [\"*\"]\ndesired = \"desired.sql\"\n",
            db.name()
        ),
    )
    .unwrap();
    // A warning (an extra table) and an info (nothing tracks migrations).
    let out = pgdrift_in(dir.path(), &["audit"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("PA021 table public.leftover"),
        "{}",
        text(&out)
    );
    let out = pgdrift_in(dir.path(), &["audit", "--fail-on", "error"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = pgdrift_in(dir.path(), &["audit", "-f", "json", "--fail-on", "error"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["findings"][0]["code"], "PA021");
    let evidence = &v["findings"][0]["evidence"];
    assert!(evidence["verdict"].is_string(), "{v:#}");
    assert_eq!(evidence["rows_exact"], false, "{evidence:#}");
    let checklist = evidence["investigate"].as_str().unwrap();
    assert!(
        checklist.starts_with("pgdrift investigate ") && checklist.contains("public.leftover"),
        "{checklist}"
    );
    let out = pgdrift_in(dir.path(), &["audit", "-f", "markdown", "--html", "r.html"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("PA021"));
    assert!(dir.path().join("r.html").is_file());
}

#[tokio::test]
async fn audit_lint_reports_each_databases_lint_findings_with_its_drift() {
    let sql = "CREATE TABLE accounts (id int PRIMARY KEY);\n\
               CREATE TABLE orders (id int PRIMARY KEY, account_id int NOT NULL REFERENCES accounts);\n";
    let db = TestDb::with_sql(sql).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("desired.sql"), sql).unwrap();
    let url = pgdrift::pg::ConnInfo {
        password: None,
        ..admin_conninfo()
    }
    .to_string();
    let fleet = format!(
        "[[server]]\nname = \"t\"\nurl = \"{url}\"\nstage = \"test\"\ndatabases = [\"{}\"]\n\n\
         [role.app]\ndatabases = [\"*\"]\ndesired = \"desired.sql\"\n",
        db.name()
    );
    std::fs::write(dir.path().join("pgdrift.toml"), &fleet).unwrap();
    let codes = |out: &Output| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (v["findings"].as_array().unwrap().iter())
            .map(|f| {
                format!(
                    "{} {}",
                    f["code"].as_str().unwrap(),
                    f["object"].as_str().unwrap_or("-")
                )
            })
            .collect()
    };
    // Without --lint: no drift, only the untracked info.
    let out = pgdrift_in(dir.path(), &["audit", "-f", "json"]);
    assert_eq!(codes(&out), ["PA033 -"], "{}", text(&out));
    let out = pgdrift_in(dir.path(), &["audit", "--lint", "-f", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let found = codes(&out);
    assert!(
        found.contains(&"PL103 constraint public.orders.orders_account_id_fkey".to_string()),
        "{found:?}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pl = (v["findings"].as_array().unwrap().iter())
        .find(|f| f["code"] == "PL103")
        .unwrap();
    assert_eq!(pl["database"], db.name());
    assert!(pl["fix"]
        .as_str()
        .unwrap()
        .starts_with("CREATE INDEX CONCURRENTLY"));
    let out = pgdrift_in(dir.path(), &["audit", "--lint"]);
    assert!(text(&out).contains("PL103"), "{}", text(&out));
    // The [lint] table of the same file turns the rule off.
    std::fs::write(
        dir.path().join("pgdrift.toml"),
        format!("{fleet}\n[lint]\nrules = {{ PL103 = \"off\" }}\n"),
    )
    .unwrap();
    let out = pgdrift_in(dir.path(), &["audit", "--lint", "-f", "json"]);
    assert!(
        !codes(&out).iter().any(|c| c.starts_with("PL103")),
        "{}",
        text(&out)
    );
}

#[tokio::test]
async fn docs_links_follow_the_docs_table() {
    let db = TestDb::with_sql("CREATE TABLE accounts (id int PRIMARY KEY);\n").await;
    let dir = tempfile::tempdir().unwrap();
    let url = pgdrift::pg::ConnInfo {
        password: None,
        ..admin_conninfo()
    }
    .to_string();
    let fleet = format!(
        "[[server]]\nname = \"t\"\nurl = \"{url}\"\nstage = \"test\"\ndatabases = [\"{}\"]\n",
        db.name()
    );
    let audit = |config: &str| {
        std::fs::write(dir.path().join("pgdrift.toml"), config).unwrap();
        let out = pgdrift_in(dir.path(), &["audit", "--html", "r.html", "-f", "markdown"]);
        assert!(out.status.code().is_some_and(|c| c < 2), "{}", text(&out));
        let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
        let json = pgdrift_in(dir.path(), &["audit", "-f", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        (html, String::from_utf8_lossy(&out.stdout).to_string(), v)
    };
    let (html, markdown, json) = audit(&fleet);
    assert!(!html.contains("class=\"docs\""), "no [docs], no link");
    assert!(!markdown.contains("[docs]"), "{markdown}");
    assert!(json["databases"][0].get("docs").is_none(), "{json:#}");

    let with_docs = format!("{fleet}\n[docs]\nlink = \"docs/{{server}}/{{database}}/README.md\"\n");
    let (html, markdown, json) = audit(&with_docs);
    let href = format!("docs/t/{}/README.md", db.name());
    let link = format!("<a class=\"docs\" href=\"{href}\">Docs</a>");
    assert_eq!(
        html.matches(&link).count(),
        2,
        "inventory and section: {html}"
    );
    assert!(markdown.contains(&format!("[docs]({href})")), "{markdown}");
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["databases"][0]["docs"], href.as_str());

    let bad = format!("{fleet}\n[docs]\nlinks = \"x\"\n");
    std::fs::write(dir.path().join("pgdrift.toml"), bad).unwrap();
    let out = pgdrift_in(dir.path(), &["audit"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("pgdrift.toml:7") && text(&out).contains("links"),
        "{}",
        text(&out)
    );
}
