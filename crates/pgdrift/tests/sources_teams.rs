//! Sources as teams keep them: directories with stray files left out by ignore globs, Drizzle
//! folders with what `drizzle-kit pull` writes beside the migrations, and SQL that grants to
//! or hands ownership to roles that exist only in production — made as NOLOGIN placeholders
//! on pgdrift's private server, refused (with the role named) on a development server.

mod common;

use common::{no_cache, on_private_server};
use pgdrift::model::{Catalog, QualName};
use pgdrift::source::dir::DirFormat;
use pgdrift::source::dir::Ignore;
use pgdrift::source::{LoadError, LoadOptions, Loaded, Loader, SourceSpec};
use pgdrift::sql::Ident;
use std::path::Path;
use std::sync::Mutex;

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn spec(path: &Path, ignore: &[&str]) -> SourceSpec {
    SourceSpec::parse(path.to_str().unwrap(), &|_| None)
        .unwrap()
        .with_dir_ignore(&Ignore::new(ignore).unwrap())
}

async fn load(spec: &SourceSpec, options: LoadOptions) -> Result<Loaded, LoadError> {
    Loader::new(options).load(spec).await
}

fn has_table(catalog: &Catalog, schema: &str, name: &str) -> bool {
    catalog.tables.contains_key(&QualName::new(schema, name))
}

#[tokio::test]
async fn a_stray_file_is_an_error_until_it_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("001_users.sql", "CREATE TABLE users (id int PRIMARY KEY);"),
            ("002_x.sql", "ALTER TABLE users ADD COLUMN name text;"),
            ("002_x.sql.old", "ALTER TABLE users ADD COLUMN nam text;"),
        ],
    );
    let err = load(&spec(dir.path(), &[]), no_cache()).await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, LoadError::Dir(_)), "{err:?}");
    assert!(
        text.contains("002_x.sql.old") && text.contains("--ignore '*.old'"),
        "{text}"
    );
    for ignore in [
        &["*.sql.old"][..],
        &["*.old", "nothing*"],
        &["002_x.sql.old"],
    ] {
        let loaded = load(&spec(dir.path(), ignore), no_cache())
            .await
            .unwrap_or_else(|e| panic!("{ignore:?}: {e}"));
        assert_eq!(loaded.migrations, Some((DirFormat::Plain, 2)), "{ignore:?}");
        let users = &loaded.inspected.snapshot.catalog.tables[&QualName::new("public", "users")];
        let columns: Vec<&str> = users.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(columns, ["id", "name"], "{ignore:?}");
    }
}

/// A Drizzle out folder after `drizzle-kit pull` and one `drizzle-kit generate`.
fn drizzle_folder(dir: &Path) {
    let journal = r#"{
  "version": "7",
  "dialect": "postgresql",
  "entries": [
    { "idx": 0, "version": "7", "when": 1735689600000, "tag": "0000_pulled_baseline", "breakpoints": true },
    { "idx": 1, "version": "7", "when": 1735776000000, "tag": "0001_add_orders", "breakpoints": true }
  ]
}"#;
    let baseline = "-- Current sql file was generated after introspecting the database\n\
        -- If you want to run this migration please uncomment this code before executing migrations\n\
        /*\nCREATE TABLE \"legacy\" (\n\t\"id\" serial PRIMARY KEY NOT NULL\n);\n\
        --> statement-breakpoint\nCREATE INDEX \"legacy_idx\" ON \"legacy\" USING btree (\"id\");\n*/";
    write(
        dir,
        &[
            ("meta/_journal.json", journal),
            (
                "meta/0000_snapshot.json",
                "{\"id\": \"a\", \"dialect\": \"postgresql\"}",
            ),
            (
                "meta/0001_snapshot.json",
                "{\"id\": \"b\", \"dialect\": \"postgresql\"}",
            ),
            ("0000_pulled_baseline.sql", baseline),
            (
                "0001_add_orders.sql",
                "CREATE TABLE \"orders\" (\n\t\"id\" serial PRIMARY KEY NOT NULL\n);",
            ),
            (
                "schema.ts",
                "export const legacy = pgTable(\"legacy\", {});\n",
            ),
            (
                "relations.ts",
                "import { relations } from \"drizzle-orm/relations\";\n",
            ),
        ],
    );
}

#[tokio::test]
async fn a_drizzle_folder_as_drizzle_kit_pull_leaves_it_loads() {
    let dir = tempfile::tempdir().unwrap();
    drizzle_folder(dir.path());
    let loaded = load(&spec(dir.path(), &[]), no_cache()).await.unwrap();
    // The commented-out baseline is listed, so it is a migration; it applies nothing.
    assert_eq!(loaded.migrations, Some((DirFormat::Drizzle, 2)));
    let catalog = &loaded.inspected.snapshot.catalog;
    assert!(has_table(catalog, "public", "orders"));
    assert!(!has_table(catalog, "public", "legacy"));

    // An unlisted commented-out pull is skipped too; any other unlisted file is an error.
    let baseline = std::fs::read_to_string(dir.path().join("0000_pulled_baseline.sql")).unwrap();
    write(dir.path(), &[("0000_earlier_pull.sql", &baseline)]);
    let loaded = load(&spec(dir.path(), &[]), no_cache()).await.unwrap();
    assert_eq!(loaded.migrations, Some((DirFormat::Drizzle, 2)));
    for (name, text) in [
        ("0002_draft.sql", "CREATE TABLE draft ();"),
        ("helpers.ts", "export {};"),
        (
            "0003_half.sql",
            "/* CREATE TABLE a (); */ CREATE TABLE b ();",
        ),
    ] {
        write(dir.path(), &[(name, text)]);
        let err = load(&spec(dir.path(), &[]), no_cache()).await.unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(name) && text.contains("not listed in meta/_journal.json"),
            "{text}"
        );
        std::fs::remove_file(dir.path().join(name)).unwrap();
    }
}

/// Role names no other test (nor an earlier run on the same server) uses.
fn roles(test: &str) -> (String, String, String) {
    let tag = format!(
        "{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    (
        format!("{test}_rw_{tag}"),
        format!("{test}_owner_{tag}"),
        format!("{test}_Reader {tag}"),
    )
}

/// A migrations directory and a schema file that need three roles production has: made
/// inside transactions (001, 002) and outside one (003).
fn production_sql(dir: &Path, (rw, owner, reader): &(String, String, String)) {
    let files = [
        (
            "001_schema.sql",
            format!("CREATE SCHEMA app AUTHORIZATION \"{owner}\";\nCREATE TABLE app.t (id int);\nALTER TABLE app.t OWNER TO \"{owner}\";\n"),
        ),
        (
            "002_grants.sql",
            format!("GRANT SELECT, INSERT ON app.t TO \"{rw}\";\nGRANT \"{rw}\" TO \"{owner}\";\n"),
        ),
        (
            "003_online.sql",
            format!("-- pgdrift:no-transaction\nCREATE INDEX CONCURRENTLY t_id ON app.t (id);\nGRANT SELECT ON app.t TO \"{reader}\";\nALTER TABLE app.t ENABLE ROW LEVEL SECURITY;\nCREATE POLICY mine ON app.t TO \"{reader}\" USING (true);\nALTER DEFAULT PRIVILEGES FOR ROLE \"{owner}\" IN SCHEMA app GRANT SELECT ON TABLES TO \"{reader}\";\n"),
        ),
    ];
    let mut all = String::new();
    for (name, sql) in &files {
        write(dir, &[(&format!("migrations/{name}"), sql)]);
        all.push_str(
            &sql.replace("-- pgdrift:no-transaction\n", "")
                .replace(" CONCURRENTLY", ""),
        );
    }
    write(dir, &[("schema.sql", &all)]);
}

static NOTES: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn note(text: &str) {
    NOTES.lock().unwrap().push(text.to_string());
}

#[tokio::test]
async fn roles_only_production_has_are_placeholders_on_the_private_server() {
    let names = roles("priv");
    let dir = tempfile::tempdir().unwrap();
    production_sql(dir.path(), &names);
    let (rw, owner, reader) = &names;
    for source in ["migrations", "schema.sql"] {
        // A private server of its own for each source, where the roles do not exist yet.
        let mut loader = Loader::new(LoadOptions {
            notes: Some(note),
            ..on_private_server()
        });
        let spec = spec(&dir.path().join(source), &[]);
        let loaded = loader
            .load(&spec)
            .await
            .unwrap_or_else(|e| panic!("{source}: {e}"));
        let catalog = &loaded.inspected.snapshot.catalog;
        let t = &catalog.tables[&QualName::new("app", "t")];
        assert_eq!(&t.owner, owner, "{source}");
        let grantees: Vec<&str> = t
            .privileges
            .granted
            .iter()
            .map(|g| g.grantee.as_str())
            .collect();
        assert!(
            grantees.contains(&rw.as_str()) && grantees.contains(&reader.as_str()),
            "{source}: {grantees:?}"
        );
        assert!(
            catalog.policies.values().any(|p| p.roles.contains(reader)),
            "{source}"
        );
        // The roles are NOLOGIN placeholders on the private server; a second replay there
        // (materialize) finds them and says nothing more.
        let db = pgdrift::pipeline::materialize(&mut loader, &loaded)
            .await
            .unwrap();
        let conn = pgdrift::pg::connect(db.conninfo()).await.unwrap();
        let rows = conn
            .client
            .query(
                "SELECT rolname::text, rolcanlogin FROM pg_roles WHERE rolname = ANY($1)",
                &[&vec![rw.clone(), owner.clone(), reader.clone()]],
            )
            .await
            .unwrap();
        assert_eq!(rows.len(), 3, "{source}");
        assert!(rows.iter().all(|r| !r.get::<_, bool>(1)), "{source}");
        drop(conn);
        db.drop_now().await;
    }
    // Said once per server, naming every role made.
    let notes: Vec<String> = NOTES.lock().unwrap().clone();
    assert_eq!(notes.len(), 2, "{notes:?}");
    for n in &notes {
        assert!(
            n.contains("NOLOGIN placeholder")
                && n.contains(rw.as_str())
                && n.contains(owner.as_str())
                && n.contains(&format!("\"{reader}\"")),
            "{n}"
        );
    }
}

#[tokio::test]
async fn a_development_server_never_gets_roles_and_the_failure_names_them() {
    let names = roles("dev");
    let dir = tempfile::tempdir().unwrap();
    production_sql(dir.path(), &names);
    let cache = tempfile::tempdir().unwrap();
    for source in ["migrations", "schema.sql"] {
        let spec = spec(&dir.path().join(source), &[]);
        // A replay on the private server, cached ...
        let cached = LoadOptions {
            no_cache: false,
            cache_dir: Some(cache.path().to_path_buf()),
            ..on_private_server()
        };
        load(&spec, cached.clone()).await.unwrap();
        // ... is no answer for a development server, where the same SQL fails.
        let dev = LoadOptions {
            dev_url: Some(pgdrift::testing::admin_conninfo()),
            ..cached
        };
        let err = load(&spec, dev).await.unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, LoadError::Replay(_)), "{source}: {err:?}");
        assert!(
            text.contains(&format!("role \"{}\" does not exist", names.1))
                && text.contains("pgdrift does not create roles on a --dev-url server")
                && text.contains(&format!("CREATE ROLE {} NOLOGIN", Ident(&names.1))),
            "{source}: {text}"
        );
    }
    let conn = pgdrift::pg::connect(&pgdrift::testing::admin_conninfo())
        .await
        .unwrap();
    let found = conn
        .client
        .query(
            "SELECT 1 FROM pg_roles WHERE rolname = ANY($1)",
            &[&vec![names.0.clone(), names.1.clone(), names.2.clone()]],
        )
        .await
        .unwrap();
    assert!(
        found.is_empty(),
        "a role was created on the development server"
    );
}

#[tokio::test]
async fn concurrent_replays_make_each_role_once() {
    let (role, _, _) = roles("race");
    let admin = pgdrift::testing::admin_conninfo();
    let mut conns = Vec::new();
    for _ in 0..6 {
        conns.push(pgdrift::pg::connect(&admin).await.unwrap());
    }
    let made = futures_util::future::join_all(
        conns
            .iter()
            .map(|c| pgdrift::source::roles::create_placeholder(&c.client, &role)),
    )
    .await;
    let made: Vec<bool> = made.into_iter().map(|r| r.unwrap()).collect();
    assert_eq!(made.iter().filter(|m| **m).count(), 1, "{made:?}");
    conns[0]
        .client
        .batch_execute(&format!("DROP ROLE \"{role}\""))
        .await
        .unwrap();
}

/// Audits the test database `db` against a role whose directory holds a stray file.
async fn audit_with_role_ignore(ignore: &str) -> pgdrift::fleet::audit::AuditReport {
    use pgdrift::fleet::audit::{audit, AuditOptions};
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("migrations");
    write(
        &migrations,
        &[
            ("001_a.sql", "CREATE TABLE a (id int);\n"),
            ("002_b.sql", "CREATE TABLE b (id int);\n"),
            ("002_b.sql.old", "CREATE TABLE bee (id int);\n"),
        ],
    );
    // The database has the first migration, applied by pgdrift's runner.
    let db = pgdrift::testing::TestDb::new().await;
    let read = pgdrift::source::dir::read_dir(&migrations, None, &Ignore::new(["*.old"]).unwrap())
        .unwrap();
    let files = pgdrift::migrate::files::files(&read).unwrap();
    let options = pgdrift::migrate::runner::ApplyOptions {
        to: Some("001_a.sql".into()),
        ..Default::default()
    };
    pgdrift::migrate::runner::apply(&db.connect().await, &files, &options, &mut |_| {})
        .await
        .unwrap();
    let admin = pgdrift::pg::ConnInfo {
        password: None,
        ..pgdrift::testing::admin_conninfo()
    };
    let text = format!(
        "[[server]]\nname = \"s\"\nurl = \"{admin}\"\nstage = \"test\"\ndatabases = [\"{}\"]\n\n\
         [role.app]\ndatabases = [\"*\"]\ndesired = \"migrations\"\nmigrations = \"migrations\"\n{ignore}\n",
        db.name()
    );
    let path = dir.path().join("pgdrift.toml");
    let config = pgdrift::fleet::config::parse(&path, &text, &|_| None).unwrap();
    let options = AuditOptions {
        jobs: 2,
        statement_timeout: std::time::Duration::from_secs(60),
        load: no_cache(),
        lint: None,
        shard: None,
    };
    audit(&config, &options, &|_| None, &mut |_| {}).await
}

#[tokio::test]
async fn a_roles_ignore_globs_apply_to_its_desired_and_migrations_directories() {
    let report = audit_with_role_ignore("ignore = [\"*.old\"]").await;
    assert_eq!(report.roles[0].error, None, "{:?}", report.roles[0]);
    let pending: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.code == "PA030")
        .collect();
    assert_eq!(pending.len(), 1, "{:?}", report.findings);
    assert!(pending[0].message.contains("002_b.sql"), "{:?}", pending[0]);
    assert!(
        pending[0].fix.ends_with("--ignore '*.old'"),
        "{:?}",
        pending[0]
    );
    // Without the globs the stray file is an error of the role.
    let report = audit_with_role_ignore("").await;
    let error = report.roles[0].error.clone().unwrap_or_default();
    assert!(error.contains("002_b.sql.old"), "{:?}", report.roles[0]);
}

/// Roles are cluster-wide, and the private server serves every replay of a run: SQL that
/// creates a role, replayed once more (both sides of a diff), or after an earlier replay made
/// the role as a placeholder, loads; the `CREATE ROLE` of a role that exists is left out.
#[tokio::test]
async fn a_role_an_earlier_replay_made_is_not_created_again() {
    let (rw, _, _) = roles("again");
    let dir = tempfile::tempdir().unwrap();
    let creates = format!(
        "CREATE ROLE {r} NOLOGIN;\nCREATE TABLE t (id int);\nGRANT SELECT ON t TO {r};\n",
        r = Ident(&rw)
    );
    let grants = format!(
        "CREATE TABLE t (id int);\nGRANT SELECT ON t TO {};\n",
        Ident(&rw)
    );
    write(
        dir.path(),
        &[("grants.sql", &grants), ("creates.sql", &creates)],
    );
    let mut loader = Loader::new(on_private_server());
    for file in ["grants.sql", "creates.sql", "creates.sql"] {
        let loaded = loader
            .load(&spec(&dir.path().join(file), &[]))
            .await
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let t = &loaded.inspected.snapshot.catalog.tables[&QualName::new("public", "t")];
        assert!(
            format!("{:?}", t.privileges).contains(&rw),
            "{file}: {:?}",
            t.privileges
        );
    }
}
