//! The fleet rollout end to end, as a team runs it: tenants listed by the master's registry
//! (`--config --role`), a canary then waves, backups before each tenant is touched, each
//! tenant checked against the role's desired schema after; a broken tenant stops the
//! rollout, and after the fix the same command resumes and finishes; the audit then finds
//! nothing pending.

mod common;

use common::{pgdrift_in, text};
use pgdrift::testing::{admin_conninfo, TestDb};
use serde_json::Value;
use std::path::Path;

const NOTES: &str = "CREATE TABLE notes (id int PRIMARY KEY, body text);\n\
                     INSERT INTO notes SELECT i, 'note ' || i FROM generate_series(1, 30) i;\n";

fn config(dir: &Path, master: &str, tenants: &[&str]) {
    let server = pgdrift::pg::ConnInfo {
        password: None,
        ..admin_conninfo()
    };
    let mut listed: Vec<String> = tenants.iter().map(|t| format!("{t:?}")).collect();
    listed.push(format!("{master:?}"));
    let text = format!(
        "[[server]]\nname = \"main\"\nurl = \"{server}\"\nstage = \"test\"\ndatabases = [{}]\nmax_connections = 2\n\n\
         [role.master]\ndatabases = [{master:?}]\n\n\
         [role.tenant]\ndatabases_from = {{ server = \"main\", database = {master:?}, query = \"select db_name from tenant_databases\" }}\n\
         desired = \"migrations\"\nmigrations = \"migrations\"\n",
        listed.join(", ")
    );
    std::fs::write(dir.join("pgdrift.toml"), text).unwrap();
    let m = dir.join("migrations");
    std::fs::create_dir(&m).unwrap();
    std::fs::write(m.join("001_notes.sql"), NOTES).unwrap();
    std::fs::write(
        m.join("002_users.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY);\n",
    )
    .unwrap();
    std::fs::write(
        m.join("003_tags.sql"),
        "ALTER TABLE notes ADD COLUMN tag text;\n",
    )
    .unwrap();
}

fn rollout(dir: &Path, canary: &str) -> (Option<i32>, Vec<Value>, String) {
    let args = [
        "migrate",
        "apply",
        "--dir",
        "migrations",
        "--config",
        "pgdrift.toml",
        "--role",
        "tenant",
        "--canary",
        canary,
        "--wave-size",
        "2",
        "--yes",
        "--backup-dir",
        "backups",
        "--verify",
        "--state-file",
        "state.json",
        "--report",
        "rollout.html",
        "-f",
        "jsonl",
    ];
    let out = pgdrift_in(Some(dir), &args);
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (out.status.code(), lines, text(&out))
}

fn line<'a>(lines: &'a [Value], db: &str) -> &'a Value {
    // A line names its database by its masked connection string.
    let found = (lines.iter()).find(|l| {
        let label = l["database"].as_str().unwrap_or("");
        label == db || label.ends_with(&format!("/{db}")) || label.contains(&format!("/{db}?"))
    });
    found.unwrap_or_else(|| panic!("{db} not in {lines:#?}"))
}

#[tokio::test]
async fn registry_canary_waves_backups_stop_fix_and_resume() {
    let mut tenants = Vec::new();
    for _ in 0..5 {
        tenants.push(TestDb::with_sql(NOTES).await);
    }
    // Tenant 3 was migrated by hand long ago: 002 fails there.
    tenants[2].execute("CREATE TABLE users (id int)").await;
    let names: Vec<&str> = tenants.iter().map(TestDb::name).collect();
    let mut registry = "CREATE TABLE tenant_databases (db_name text PRIMARY KEY);\n".to_string();
    for n in &names {
        registry.push_str(&format!("INSERT INTO tenant_databases VALUES ('{n}');\n"));
    }
    let master = TestDb::with_sql(&registry).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The pre-existing notes tables: 001 is recorded as applied on every tenant first.
    config(d, master.name(), &names);
    let baseline = [
        "migrate",
        "baseline",
        "--dir",
        "migrations",
        "--config",
        "pgdrift.toml",
        "--role",
        "tenant",
        "--version",
        "001_notes.sql",
    ];
    let out = pgdrift_in(Some(d), &baseline);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let (code, lines, all) = rollout(d, names[0]);
    assert_eq!(code, Some(2), "{all}");
    let canary = line(&lines, names[0]);
    assert_eq!(
        (canary["wave"].as_u64(), canary["status"].as_str()),
        (Some(1), Some("applied")),
        "{all}"
    );
    let broken = line(&lines, names[2]);
    assert_eq!(broken["status"], "failed", "{all}");
    let broken_wave = broken["wave"].as_u64().unwrap();
    for (i, n) in names.iter().enumerate() {
        let l = line(&lines, n);
        let wave = l["wave"].as_u64().unwrap();
        if wave > broken_wave {
            assert_eq!(l["status"], "not_attempted", "{n}: {all}");
            let users = tenants[i]
                .strings("SELECT (to_regclass('users') IS NULL)::text")
                .await;
            assert_eq!(users, ["true"], "{n} was not attempted: {all}");
        } else if i != 2 {
            assert_eq!(l["status"], "applied", "{n}: {all}");
        }
    }
    let summary = lines.last().unwrap();
    assert_eq!(summary["stopped"]["reason"], "failures", "{all}");
    // Backups of the table 003 alters, with its rows, before each tenant that ran.
    let backups: Vec<String> = walk(&d.join("backups"));
    let canary_backup = backups.iter().find(|b| b.contains(names[0])).expect(&all);
    let sql = std::fs::read_to_string(canary_backup).unwrap();
    assert!(sql.contains("notes") && sql.contains("note 30"), "{sql}");
    assert!(d.join("rollout.html").is_file());

    // The fix, then the same command: it goes on where it stopped.
    tenants[2].execute("DROP TABLE users").await;
    let (code, lines, all) = rollout(d, names[0]);
    assert_eq!(code, Some(0), "{all}");
    assert_eq!(line(&lines, names[0])["status"], "up_to_date", "{all}");
    assert_eq!(line(&lines, names[2])["status"], "applied", "{all}");
    for n in &names {
        let l = line(&lines, n);
        assert!(
            l["status"] == "applied" || l["status"] == "up_to_date",
            "{n}: {all}"
        );
    }
    for t in &tenants {
        let tag = t
            .strings(
                "SELECT count(*)::text FROM information_schema.columns WHERE column_name = 'tag'",
            )
            .await;
        assert_eq!(tag, ["1"], "{}", t.name());
    }
    // The audit agrees: no tenant has pending migrations, none differs from the role.
    let out = pgdrift_in(Some(d), &["audit", "-f", "json"]);
    let report: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    let codes: Vec<&str> = (report["findings"].as_array().unwrap().iter())
        .filter(|f| names.contains(&f["database"].as_str().unwrap_or("")))
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        !codes
            .iter()
            .any(|c| ["PA020", "PA022", "PA030", "PA031"].contains(c)),
        "{codes:?}"
    );
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path.display().to_string());
        }
    }
    out
}
