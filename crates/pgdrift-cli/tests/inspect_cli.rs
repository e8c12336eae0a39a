//! `pgdrift inspect` as a user runs it: output, formats, files, exit codes and errors.

use pgdrift::testing::TestDb;
use std::process::{Command, Output};

fn pgdrift(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pgdrift"))
        .args(args)
        .env_remove("PGPASSWORD")
        .env("NO_COLOR", "1")
        .output()
        .expect("run pgdrift")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

async fn shop() -> TestDb {
    TestDb::with_sql(
        "CREATE SCHEMA shop;
         CREATE TYPE shop.state AS ENUM ('open', 'closed');
         CREATE TABLE shop.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, state shop.state NOT NULL, total numeric CHECK (total >= 0));
         CREATE INDEX orders_state ON shop.orders (state);
         CREATE VIEW shop.open_orders AS SELECT id FROM shop.orders WHERE state = 'open';
         CREATE SCHEMA audit;
         CREATE TABLE audit.log (at timestamptz DEFAULT now(), msg text);",
    )
    .await
}

#[tokio::test]
async fn text_summary_counts_objects_per_schema() {
    let db = shop().await;
    let out = pgdrift(&["inspect", &db.url()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains(&format!("database {}", db.name())), "{text}");
    assert!(text.contains("PostgreSQL "), "{text}");
    let row = |schema: &str| -> Vec<String> {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(schema))
            .unwrap_or_else(|| panic!("no row for {schema} in\n{text}"))
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    let header: Vec<&str> = text
        .lines()
        .find(|l| l.trim_start().starts_with("schema"))
        .unwrap()
        .split_whitespace()
        .collect();
    let at = |kind: &str| {
        header
            .iter()
            .position(|h| *h == kind)
            .unwrap_or_else(|| panic!("no {kind} column: {header:?}"))
    };
    let shop = row("shop");
    assert_eq!(shop[at("tables")], "1");
    assert_eq!(shop[at("columns")], "3");
    assert_eq!(shop[at("constraints")], "2");
    assert_eq!(shop[at("indexes")], "1");
    assert_eq!(shop[at("views")], "1");
    assert_eq!(shop[at("types")], "1");
    assert_eq!(row("audit")[at("tables")], "1");
    assert_eq!(row("total")[at("tables")], "2");
    assert!(!text.contains('\u{1b}'), "no colors when not on a terminal");
}

#[tokio::test]
async fn json_to_a_file_and_to_stdout_are_the_same_and_deterministic() {
    let db = shop().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("snapshot.json");
    let out = pgdrift(&[
        "inspect",
        &db.url(),
        "--format",
        "json",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&file).unwrap();
    let again = pgdrift(&["inspect", &db.url(), "-f", "json"]);
    assert!(again.status.success());
    assert_eq!(
        written,
        stdout(&again),
        "the same database must give the same bytes"
    );
    let value: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(value["format_version"], 1);
    assert_eq!(value["database"], db.name());
    let tables: Vec<&str> = value["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tables, ["log", "orders"]);
    assert_eq!(
        value["tables"][1]["columns"][0]["identity"]["generation"],
        "always"
    );
}

#[tokio::test]
async fn schema_filters_from_the_command_line() {
    let db = shop().await;
    let out = pgdrift(&["inspect", &db.url(), "-f", "json", "--schema", "sh*"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let schemas: Vec<&str> = value["schemas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(schemas, ["shop"]);
    let out = pgdrift(&[
        "inspect",
        &db.url(),
        "-f",
        "json",
        "--exclude-schema",
        "shop",
        "-N",
        "public",
    ]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(value["schemas"].as_array().unwrap().len(), 1);
    assert_eq!(value["schemas"][0]["name"], "audit");
}

#[tokio::test]
async fn env_sources_read_the_variable() {
    let db = shop().await;
    let out = Command::new(env!("CARGO_BIN_EXE_pgdrift"))
        .args(["inspect", "env:PGDRIFT_TEST_SOURCE", "-f", "json"])
        .env("PGDRIFT_TEST_SOURCE", db.url())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("\"orders\""));
}

#[tokio::test]
async fn errors_exit_2_with_one_clear_line_and_no_password() {
    let db = shop().await;
    let url = db.url();
    // A database that does not exist on that server, with a password in the URL.
    let missing = url
        .replacen(&format!("/{}", db.name()), "/no_such_db", 1)
        .replacen("postgres@", "postgres:TopSecret@", 1);
    let out = pgdrift(&["inspect", &missing]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: cannot connect to postgresql://postgres:***@"),
        "{err}"
    );
    assert!(
        err.contains("database \"no_such_db\" does not exist"),
        "{err}"
    );
    assert!(!err.contains("TopSecret"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    // A URL that does not parse.
    let out = pgdrift(&[
        "inspect",
        "postgresql://bob:TopSecret@db.example.com:notaport/app",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("port") && !err.contains("TopSecret"), "{err}");
    // Nothing listening.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = pgdrift(&[
        "inspect",
        &format!("postgresql://bob:TopSecret@127.0.0.1:{port}/app"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("postgresql://bob:***@127.0.0.1:{port}/app"))
            && !err.contains("TopSecret"),
        "{err}"
    );
    // An environment variable that is not set.
    let out = pgdrift(&["inspect", "env:PGDRIFT_SURELY_UNSET_VARIABLE"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("PGDRIFT_SURELY_UNSET_VARIABLE"),
        "{}",
        stderr(&out)
    );
    // A source that is not a database.
    let out = pgdrift(&["inspect", "mysql://root:TopSecret@localhost/app"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains("TopSecret"), "{}", stderr(&out));
    // An output file that cannot be written changes nothing and says where.
    let out = pgdrift(&[
        "inspect",
        &url,
        "-f",
        "json",
        "-o",
        "/nonexistent/dir/out.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/nonexistent/dir/out.json"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = pgdrift(&["inspect"]);
    assert_eq!(out.status.code(), Some(2));
    let out = pgdrift(&["inspect", "postgresql://x/y", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let out = pgdrift(&["--help"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("inspect"));
}

#[test]
fn the_readme_example_reads_on_the_private_server() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/shop.sql");
    let out = pgdrift(&["inspect", example]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let shop: Vec<&str> = text
        .lines()
        .find(|l| l.starts_with(" shop"))
        .unwrap_or_else(|| panic!("{text}"))
        .split_whitespace()
        .collect();
    let header: Vec<&str> = text
        .lines()
        .find(|l| l.trim_start().starts_with("schema"))
        .unwrap()
        .split_whitespace()
        .collect();
    let tables = header.iter().position(|h| *h == "tables").unwrap();
    assert_eq!(shop[tables], "4", "{text}");
    let json = pgdrift(&["inspect", example, "-f", "json"]);
    let again = pgdrift(&["inspect", example, "-f", "json"]);
    assert_eq!(
        json.stdout, again.stdout,
        "a file gives the same snapshot every time"
    );
}

#[tokio::test]
async fn files_replay_on_a_development_server_when_asked() {
    let db = TestDb::new().await;
    let dev = db
        .url()
        .replacen(&format!("/{}", db.name()), "/postgres", 1);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schema.sql");
    std::fs::write(&file, "CREATE TABLE t (id int PRIMARY KEY);").unwrap();
    let out = pgdrift(&[
        "inspect",
        file.to_str().unwrap(),
        "--dev-url",
        &dev,
        "-f",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("\"t_pkey\""));
    let broken = dir.path().join("broken.sql");
    std::fs::write(
        &broken,
        "CREATE TABLE t (id int);\nCREATE TABLE u (id int,);\n",
    )
    .unwrap();
    let out = pgdrift(&["inspect", broken.to_str().unwrap(), "--dev-url", &dev]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("{}:2:", broken.display())),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn a_markdown_summary_lists_counts_and_tables() {
    let db = shop().await;
    let out = pgdrift(&["inspect", &db.url(), "-f", "markdown"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = stdout(&out);
    assert!(md.starts_with("### Schema of `"), "{md}");
    assert!(md.contains("| schema | types | tables | columns |"), "{md}");
    assert!(md.contains("| shop | 1 | 1 | 3 |"), "{md}");
    assert!(
        md.contains("| `audit.log` | 2 |  |\n| `shop.orders` | 3 |  |\n"),
        "{md}"
    );
    assert!(!md.contains('\x1b'), "{md}");
}

#[test]
fn completions_cover_every_subcommand_and_are_valid_scripts() {
    let out = pgdrift(&["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bash = stdout(&out);
    for word in [
        "inspect",
        "diff",
        "migrate",
        "audit",
        "--include-trackers",
        "--ignore-other-tools",
    ] {
        assert!(
            bash.contains(word),
            "{word} missing from the bash completions"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("pgdrift.bash");
    std::fs::write(&script, &bash).unwrap();
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    for shell in ["zsh", "fish"] {
        let out = pgdrift(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(stdout(&out).contains("baseline"), "{shell}");
    }
    assert_eq!(pgdrift(&["completions", "tcsh"]).status.code(), Some(2));
}
