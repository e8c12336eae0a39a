//! A cleanup ticket from start to end, as a new user works it: `backup_test` holds rows and
//! nothing refers to it; `users` and `users_sessions` are claimed by an ORM schema and by a
//! CMS snapshot that disagree about `users`. Investigate (the Markdown checklist), list the
//! code's usage, quarantine `backup_test`, restore it, then drop it with a backup and a
//! verified rollback — and run the rollback.

mod common;

use common::{pgdrift_in, text};
use pgdrift::cleanup::checksum;
use pgdrift::testing::TestDb;
use std::path::Path;

const LIVE: &str = "
CREATE SCHEMA app;
CREATE TABLE app.users (id int PRIMARY KEY, email text, created_at timestamptz);
CREATE TABLE app.users_sessions (id int PRIMARY KEY, user_id int REFERENCES app.users);
CREATE TABLE app.backup_test (id int, email text, copied_at timestamptz);
INSERT INTO app.users SELECT g, 'u' || g, now() FROM generate_series(1, 20) g;
INSERT INTO app.backup_test SELECT id, email, now() FROM app.users;
";

const ORM: &str = "
CREATE SCHEMA app;
CREATE TABLE app.users (id int PRIMARY KEY, email text, created_at timestamptz);
CREATE TABLE app.users_sessions (id int PRIMARY KEY, user_id int REFERENCES app.users);
";

const CMS: &str = "
CREATE SCHEMA app;
CREATE TABLE app.users (id bigint PRIMARY KEY, login text NOT NULL);
CREATE TABLE app.users_sessions (id int PRIMARY KEY, user_id bigint);
";

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn section<'a>(md: &'a str, name: &str) -> &'a str {
    let start = md.find(&format!("## `{name}`")).expect(md);
    let rest = &md[start + 3..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

#[tokio::test]
async fn a_cleanup_ticket_from_evidence_to_a_verified_drop() {
    let db = TestDb::with_sql(LIVE).await;
    let cms_db = TestDb::with_sql(CMS).await;
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let orm = write(dir, "orm/schema.sql", ORM);
    let cms = dir.join("cms.json").display().to_string();
    let snap = pgdrift_in(
        Some(dir),
        &["inspect", &cms_db.url(), "-f", "json", "-o", &cms],
    );
    assert_eq!(snap.status.code(), Some(0), "{}", text(&snap));
    write(
        dir,
        "code/src/db/schema.ts",
        "export const users = pgTable(\"users\", {});\n\
         export const sessions = pgTable(\"users_sessions\", {});\n",
    );
    write(
        dir,
        "code/src/sessions.ts",
        "await db.execute(sql`DELETE FROM users_sessions WHERE user_id = ${id}`);\n",
    );
    let code = dir.join("code").display().to_string();
    let url = db.url();
    let (orm, cms) = (format!("orm={orm}"), format!("cms={cms}"));

    // The evidence, as the checklist teams keep by hand.
    let args = [
        "investigate",
        &url,
        "app.backup_test",
        "app.users",
        "--desired",
        &orm,
        "--desired",
        &cms,
        "--code",
        &code,
        "-f",
        "markdown",
    ];
    let out = pgdrift_in(Some(dir), &args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let md = String::from_utf8_lossy(&out.stdout).into_owned();
    let backup = section(&md, "app.backup_test");
    for line in [
        "- [x] No foreign key points at it\n",
        "- [x] Not in a desired schema (orm, cms checked)\n",
        "- [x] No code references it\n",
        "- [ ] Holds no rows (20 rows, counted)",
    ] {
        assert!(backup.contains(line), "{line}\n---\n{backup}");
    }
    let users = section(&md, "app.users");
    assert!(
        users.contains("- [ ] The desired schemas that declare it agree: orm and cms differ:"),
        "{users}"
    );
    assert!(users.contains("drizzle in src/db/schema.ts:1"), "{users}");

    // Who uses what in the code, and what nothing references.
    let out = pgdrift_in(
        Some(dir),
        &["usage", "--code", &code, &url, "-f", "markdown"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let inventory = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(inventory.contains("src/sessions.ts"), "{inventory}");
    assert!(inventory.contains("app.backup_test"), "{inventory}");

    // Quarantine, then restore: the same rows come back.
    let before = checksum(&db.connect().await, "app", "backup_test")
        .await
        .unwrap();
    let reason = "ticket 42: backup_test looks abandoned";
    let out = pgdrift_in(
        Some(dir),
        &[
            "quarantine",
            &url,
            "backup_test",
            "--reason",
            reason,
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let gone = db
        .strings("SELECT (to_regclass('app.backup_test') IS NULL)::text")
        .await;
    assert_eq!(gone, ["true"]);
    let out = pgdrift_in(Some(dir), &["restore", &url, "backup_test", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let restored = checksum(&db.connect().await, "app", "backup_test")
        .await
        .unwrap();
    assert_eq!(restored, before);

    // Drop with a backup file and a verified rollback; the rollback brings the rows back.
    let file = dir.join("backup_test.sql").display().to_string();
    let out = pgdrift_in(
        Some(dir),
        &[
            "drop",
            &url,
            "app.backup_test",
            "--backup-file",
            &file,
            "--verify",
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("verified: the rollback restores the same rows"),
        "{}",
        text(&out)
    );
    let gone = db
        .strings("SELECT (to_regclass('app.backup_test') IS NULL)::text")
        .await;
    assert_eq!(gone, ["true"]);
    let history = db
        .strings(
            "SELECT action || ':' || coalesce(reason, '') FROM pgdrift.cleanup_history ORDER BY id",
        )
        .await;
    assert_eq!(history.len(), 3, "{history:?}");
    assert!(
        history[0].starts_with("quarantine:ticket 42"),
        "{history:?}"
    );
    let psql = std::process::Command::new("psql")
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-d", &url, "-f", &file])
        .output()
        .expect("psql runs the backup file");
    assert!(psql.status.success(), "{}", text(&psql));
    let after = checksum(&db.connect().await, "app", "backup_test")
        .await
        .unwrap();
    assert_eq!(after, before);
}
