//! No output ever holds a password: a property test draws passwords (with `@ / ? # % : ' " \`
//! and spaces), plants each in every place a password can be given — URLs in arguments (also
//! mistyped ones), `env:NAME`, `key=value` strings, `--dev-url`, `cmd:` strings
//! (`PGPASSWORD=`, `--password=`, `-W`, URLs), `--urls-from` lines, and `pgdrift.toml`'s
//! `url` and `desired`, written out or through `${VAR}`, `investigate --replica` and
//! `investigate --config` — drives the real binary down every
//! path it can reach (a bad host, a refused connection, a bad configuration, parse errors,
//! argument errors, and runs that succeed), and asserts that neither standard output,
//! standard error nor any file written (`-o`, `--html`) holds the password, as written,
//! percent-encoded, JSON-escaped or HTML-escaped. `PGDRIFT_SECRETS_CASES` sets the number
//! of passwords drawn (8 by default, to fit CI).

mod common;

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use pgdrift::pg::{ConnInfo, Host};
use pgdrift::testing::{admin_conninfo, TestDb};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::path::Path;
use std::process::Command;

/// One run of the binary: what it is, its arguments, its variables.
struct Run {
    what: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

fn run(what: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    Run {
        what: what.to_string(),
        args: args.iter().map(|s| s.to_string()).collect(),
        env: (env.iter())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// What a test database is reached by, with `password` in its URL (the server trusts its
/// clients, so any password works).
struct Place {
    socket: String,
    port: u16,
}

impl Place {
    fn of(info: &ConnInfo) -> Place {
        let socket = match info.hosts.first() {
            Some(Host::Unix(dir)) => dir.display().to_string(),
            Some(Host::Tcp(h)) => h.clone(),
            None => "localhost".into(),
        };
        Place {
            socket,
            port: info.ports.first().copied().unwrap_or(5432),
        }
    }

    /// `postgresql://postgres:PASSWORD@/DB?host=…&port=…` with the password percent-encoded.
    fn url(&self, password: &str, db: &str) -> String {
        let enc = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
        format!(
            "postgresql://postgres:{}@/{}?host={}&port={}&sslmode=disable",
            enc(password),
            enc(db),
            enc(&self.socket),
            self.port
        )
    }
}

/// The databases and files every case uses.
struct Fixture {
    place: Place,
    live: TestDb,
    desired: TestDb,
    dev_url: String,
}

impl Fixture {
    async fn new() -> Fixture {
        let live = TestDb::with_sql(
            "CREATE TABLE accounts (id int PRIMARY KEY);\nCREATE TABLE leftover (id int);\n",
        )
        .await;
        let desired = TestDb::with_sql(
            "CREATE TABLE accounts (id int PRIMARY KEY);\nCREATE TABLE wanted (id int);\n",
        )
        .await;
        let admin = admin_conninfo();
        let dev_url = ConnInfo {
            password: None,
            ..admin.clone()
        }
        .to_string();
        Fixture {
            place: Place::of(&admin),
            live,
            desired,
            dev_url,
        }
    }
}

/// `s` quoted for `sh`.
fn sh(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `s` quoted as libpq quotes a `key=value` value.
fn libpq(s: &str) -> String {
    format!("'{}'", s.replace('\\', r"\\").replace('\'', r"\'"))
}

/// `s` as a TOML basic string (JSON's escapes are TOML's).
fn toml(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// Every run for one password, in `dir` (where the files are). Commands in `cmd:` sources
/// are `true`, `cat`, `echo`: only how pgdrift shows them matters, and nothing may prompt.
fn runs(f: &Fixture, pw: &str, dir: &Path) -> Vec<Run> {
    let mut out = Vec::new();
    let live = f.place.url(pw, f.live.name());
    let desired = f.place.url(pw, f.desired.name());
    let enc = utf8_percent_encode(pw, NON_ALPHANUMERIC).to_string();
    let refused = format!("postgresql://u:{enc}@127.0.0.1:1/db");
    let raw = format!("postgres://u:{pw}@127.0.0.1:1/db");
    // URLs in arguments: parse errors, typos taken for paths, a refused connection, a host
    // that does not resolve, an argument clap refuses.
    for url in [
        raw.clone(),
        format!("postgres:/u:{pw}@h/db"),
        format!("postgres//u:{pw}@h/db"),
        format!("postgresql:u:{pw}@h/db"),
        format!("POSTGRES://u:{pw}@h/db"),
        format!("postgres://u:{enc}@nonexistent.invalid/db"),
        refused.clone(),
        format!(
            "host=127.0.0.1 port=1 user=u password={} dbname=db",
            libpq(pw)
        ),
        format!("host=127.0.0.1 port=1 PASSWORD={}", libpq(pw)),
        format!("postgres://u@127.0.0.1:1/db?Password={enc}"),
    ] {
        out.push(run("inspect URL", &["inspect", &url], &[]));
    }
    out.push(run("clap", &["inspect", "schema.sql", &raw], &[]));
    out.push(run(
        "clap flag",
        &["diff", "--bogus", &raw, "schema.sql"],
        &[],
    ));
    for value in [&raw, &refused] {
        out.push(run(
            "env:NAME",
            &["inspect", "env:SECRET_URL"],
            &[("SECRET_URL", value)],
        ));
        out.push(run(
            "env:NAME/DB",
            &["inspect", "env:SECRET_URL/x"],
            &[("SECRET_URL", value)],
        ));
    }
    out.push(run(
        "--dev-url",
        &["diff", "schema.sql", "schema.sql", "--dev-url", &refused],
        &[],
    ));
    out.push(run(
        "--dev-url raw",
        &["inspect", "schema.sql", "--dev-url", &raw],
        &[],
    ));
    // cmd: strings that fail, say so on standard error, or print SQL.
    for command in [
        format!("cmd:PGPASSWORD={} false", sh(pw)),
        format!("cmd:echo {} >&2; exit 3", sh(&raw)),
        format!("cmd:true --password={} -W{}; exit 3", sh(pw), sh(pw)),
        format!(
            "cmd:true {} -c 'select 1'; exit 3",
            sh(&format!("password={}", libpq(pw)))
        ),
    ] {
        out.push(run("cmd:", &["diff", &command, "schema.sql"], &[]));
    }
    let printing = format!("cmd:PGPASSWORD={} cat schema.sql", sh(pw));
    out.push(run(
        "cmd: prints SQL",
        &[
            "diff",
            &live,
            &printing,
            "--dev-url",
            &f.dev_url,
            "-o",
            "plan.sql",
        ],
        &[],
    ));
    // Runs that succeed, with the password in the URLs.
    out.push(run(
        "inspect --verbose",
        &["inspect", "--verbose", &live],
        &[],
    ));
    out.push(run(
        "diff -o",
        &["diff", &live, &desired, "-f", "markdown", "-o", "diff.md"],
        &[],
    ));
    out.push(run(
        "diff json",
        &["diff", &live, &desired, "-f", "json"],
        &[],
    ));
    let dir_s = dir.join("migrations").display().to_string();
    out.push(run(
        "status",
        &[
            "migrate", "status", "--dir", &dir_s, "--url", &live, "--url", &refused,
        ],
        &[],
    ));
    out.push(run(
        "apply --dry-run",
        &[
            "migrate",
            "apply",
            "--dry-run",
            "--dir",
            &dir_s,
            "--url",
            &live,
        ],
        &[],
    ));
    out.push(run(
        "urls-from",
        &[
            "migrate",
            "status",
            "--dir",
            &dir_s,
            "--urls-from",
            "urls.txt",
        ],
        &[],
    ));
    out.push(run(
        "urls-from junk",
        &[
            "migrate",
            "status",
            "--dir",
            &dir_s,
            "--urls-from",
            "junk.txt",
        ],
        &[],
    ));
    out.push(run("history", &["migrate", "history", "--url", &live], &[]));
    // usage and investigate: a database, a replica (reachable or refused), a fleet.
    out.push(run("usage", &["usage", "--code", ".", &live], &[]));
    out.push(run(
        "usage refused",
        &["usage", "--code", ".", &refused],
        &[],
    ));
    out.push(run(
        "usage json",
        &["usage", "--code", ".", &live, "-f", "json"],
        &[],
    ));
    out.push(run(
        "investigate refused",
        &["investigate", &refused, "t"],
        &[],
    ));
    out.push(run("investigate raw", &["investigate", &raw, "t"], &[]));
    for format in ["text", "json", "markdown"] {
        out.push(run(
            "investigate --replica",
            &[
                "investigate",
                &live,
                "accounts",
                "leftover",
                "--replica",
                &desired,
                "--replica",
                &refused,
                "-f",
                format,
            ],
            &[],
        ));
        out.push(run(
            "investigate --replica env:",
            &[
                "investigate",
                "env:SRV_URL",
                "accounts",
                "--replica",
                "env:DOWN_URL",
                "-f",
                format,
            ],
            &[("SRV_URL", &live), ("DOWN_URL", &refused)],
        ));
    }
    out.push(run(
        "investigate --replica typo",
        &[
            "investigate",
            &live,
            "accounts",
            "--replica",
            &format!("postgres:/u:{pw}@h/db"),
        ],
        &[],
    ));
    let vars: &[(&str, &str)] = &[("SRV_URL", &live), ("DESIRED_URL", &desired)];
    for config in ["literal.toml", "vars.toml", "down.toml", "bad.toml"] {
        for format in ["text", "json", "markdown"] {
            out.push(run(
                config,
                &["investigate", "--config", config, "accounts", "-f", format],
                vars,
            ));
        }
        out.push(run(
            config,
            &["investigate", "--config", config, &live, "accounts"],
            vars,
        ));
    }
    // orphans, and the cleanup commands' plans: a database, a desired database, a fleet.
    for format in ["text", "json", "markdown"] {
        out.push(run(
            "orphans",
            &["orphans", &live, "--desired", &desired, "-f", format],
            &[],
        ));
        out.push(run(
            "orphans --config",
            &["orphans", "--config", "literal.toml", "-f", format],
            vars,
        ));
    }
    out.push(run("orphans refused", &["orphans", &refused], &[]));
    for format in ["text", "json"] {
        for command in [
            vec!["quarantine", &live, "leftover", "--reason", "r"],
            vec![
                "drop",
                &live,
                "leftover",
                "--backup-file",
                "b.sql",
                "--verify",
            ],
            vec!["restore", &live, "leftover"],
            vec!["quarantine", &refused, "leftover", "--reason", "r"],
        ] {
            let mut args = command.clone();
            args.extend(["--dry-run", "-f", format]);
            out.push(run(command[0], &args, &[]));
        }
        out.push(run(
            "drop --config",
            &[
                "drop",
                "--config",
                "vars.toml",
                "--database",
                "*",
                "leftover",
                "--dry-run",
                "-f",
                format,
            ],
            vars,
        ));
    }
    // A bound plan applied (checked only), the change log, and a reset refused: the
    // password in the URL never shows, nor in what they record.
    for args in [
        vec!["apply", "plan.sql", "--url", &live, "--dry-run"],
        vec![
            "apply",
            "plan.sql",
            "--url",
            &live,
            "--dry-run",
            "-f",
            "json",
        ],
        vec!["apply", "plan.sql", "--url", &refused],
        vec!["log", &live, "-f", "markdown"],
        vec!["log", &refused, "-f", "json"],
        vec!["reset", &refused, "--dir", &dir_s, "--yes"],
    ] {
        out.push(run(args[0], &args, &[]));
    }
    // pgdrift.toml, written out and through ${VAR}, in every output format.
    for config in [
        "literal.toml",
        "vars.toml",
        "cmd.toml",
        "cmd-url.toml",
        "down.toml",
        "bad.toml",
        "typo.toml",
    ] {
        let common = ["audit", "--config", config, "--dev-url", &f.dev_url];
        let mut text = common.to_vec();
        text.extend(["-f", "markdown", "-o", "audit.md", "--html", "audit.html"]);
        out.push(run(config, &common, vars));
        out.push(run(config, &text, vars));
        let mut json = common.to_vec();
        json.extend(["-f", "json"]);
        out.push(run(config, &json, vars));
    }
    out
}

/// Writes the files the runs read.
fn write_files(f: &Fixture, pw: &str, dir: &Path) {
    let live_db = f.live.name();
    let write = |name: &str, text: String| std::fs::write(dir.join(name), text).unwrap();
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    write("migrations/001_a.sql", "CREATE TABLE a (id int);\n".into());
    write(
        "schema.sql",
        "CREATE TABLE accounts (id int PRIMARY KEY);\n".into(),
    );
    let live = f.place.url(pw, live_db);
    let desired = f.place.url(pw, f.desired.name());
    write(
        "urls.txt",
        format!(
            "# tenants\n{live}\npostgresql://u:{}@127.0.0.1:1/db\n",
            utf8_percent_encode(pw, NON_ALPHANUMERIC)
        ),
    );
    write("junk.txt", format!("{live}\npostgres:/u:{pw}@h/db\n"));
    let server = |url: &str| {
        format!(
            "[[server]]\nname = \"s\"\nurl = {}\nstage = \"test\"\ndatabases = [\"{live_db}\"]\n\n",
            toml(url)
        )
    };
    let role = |desired: &str| {
        format!(
            "[role.app]\ndatabases = [\"{live_db}\"]\ndesired = {}\nmigrations = \"migrations\"\n",
            toml(desired)
        )
    };
    write("literal.toml", server(&live) + &role(&desired));
    write("vars.toml", server("${SRV_URL}") + &role("${DESIRED_URL}"));
    let printing = format!("cmd:PGPASSWORD={} cat schema.sql", sh(pw));
    write("cmd.toml", server(&live) + &role(&printing));
    let holding = format!(
        "cmd:true {}; cat schema.sql",
        sh(&format!("postgres://u:{pw}@h/db"))
    );
    write("cmd-url.toml", server(&live) + &role(&holding));
    let refused = format!(
        "postgresql://u:{}@127.0.0.1:1/db",
        utf8_percent_encode(pw, NON_ALPHANUMERIC)
    );
    write("down.toml", server(&refused) + &role(&desired));
    write(
        "bad.toml",
        server(&format!("postgres://u:{pw}@h:x/db")) + &role("schema.sql"),
    );
    write(
        "typo.toml",
        server(&live) + &role(&format!("postgres:/u:{pw}@h/db")),
    );
}

/// Every form of `pw` that must not appear: as written, percent-encoded, JSON- and
/// HTML-escaped.
fn forms(pw: &str) -> Vec<String> {
    let json = serde_json::to_string(pw).unwrap();
    let mut forms = vec![
        pw.to_string(),
        utf8_percent_encode(pw, NON_ALPHANUMERIC).to_string(),
        json[1..json.len() - 1].to_string(),
        pgdrift::report::audit::escape(pw),
    ];
    forms.sort();
    forms.dedup();
    forms
}

/// Runs everything for `pw`; fails naming the run and the output that holds it.
fn check(f: &Fixture, pw: &str) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    write_files(f, pw, dir.path());
    let forms = forms(pw);
    for r in runs(f, pw, dir.path()) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pgdrift"));
        cmd.args(&r.args)
            .current_dir(dir.path())
            .env_remove("PGPASSWORD")
            .env("NO_COLOR", "1");
        for (k, v) in &r.env {
            cmd.env(k, v);
        }
        let output = cmd.output().expect("run pgdrift");
        let mut outputs = vec![
            (
                "stdout".to_string(),
                String::from_utf8_lossy(&output.stdout).into_owned(),
            ),
            (
                "stderr".to_string(),
                String::from_utf8_lossy(&output.stderr).into_owned(),
            ),
        ];
        for name in ["plan.sql", "diff.md", "audit.md", "audit.html"] {
            let path = dir.path().join(name);
            if let Ok(text) = std::fs::read_to_string(&path) {
                outputs.push((name.to_string(), text));
                std::fs::remove_file(path).unwrap();
            }
        }
        if output.status.code().is_none() {
            return Err(TestCaseError::fail(format!(
                "{}: killed by a signal",
                r.what
            )));
        }
        for (name, text) in &outputs {
            if let Some(form) = forms.iter().find(|form| text.contains(form.as_str())) {
                return Err(TestCaseError::fail(format!(
                    "{}: {name} holds the password as {form:?}\nargs: {:?}\n{text}",
                    r.what, r.args
                )));
            }
        }
    }
    Ok(())
}

/// 6 to 14 characters, letters, digits and `@ / ? # % : ' " \` and spaces (not at either
/// end), at least two letters (so that it cannot be mistaken for other text) and one
/// character that is not a letter or digit.
fn password() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9@/?#%:'\"\\\\][a-zA-Z0-9@/?#%:'\"\\\\ ]{4,12}[a-zA-Z0-9@/?#%:'\"\\\\]".prop_filter(
        "two letters and one special character",
        |pw| {
            pw.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 2
                && pw.chars().any(|c| !c.is_ascii_alphanumeric())
        },
    )
}

#[test]
fn no_output_ever_holds_a_planted_password() {
    let cases = std::env::var("PGDRIFT_SECRETS_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(8);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let fixture = runtime.block_on(Fixture::new());
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 64,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    if let Err(e) = runner.run(&password(), |pw| check(&fixture, &pw)) {
        panic!("{e}");
    }
}

/// A database setting whose name looks like a secret's is compared but its value is never
/// shown: not by `inspect`, not by `diff` in any format (its plan says to set it by hand),
/// whichever side holds it.
#[test]
fn a_secret_looking_database_setting_is_never_shown() {
    let value = "hunter2-s3cret-value";
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(TestDb::with_sql(&format!(
        "DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET app.api_token = %L', \
         current_database(), '{value}'); END$$;"
    )));
    let url = Place::of(&admin_conninfo()).url("unused", db.name());
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.sql");
    std::fs::write(&empty, "").unwrap();
    let empty = empty.to_str().unwrap();
    let mut runs: Vec<Vec<&str>> = vec![
        vec!["inspect", &url],
        vec!["inspect", &url, "--format", "json"],
    ];
    for format in ["text", "json", "markdown", "sql"] {
        runs.push(vec!["diff", empty, &url, "--format", format]);
        runs.push(vec!["diff", &url, empty, "--format", format]);
    }
    for args in runs {
        let out = common::text(&common::pgdrift_in(None, &args));
        // The text summary of `inspect` only counts objects; the others name the setting.
        if args.len() > 2 {
            assert!(
                out.contains("api_token"),
                "{args:?} does not name the setting:\n{out}"
            );
        }
        assert!(!out.contains(value), "{args:?} showed the secret:\n{out}");
    }
}
