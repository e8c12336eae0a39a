//! Migration history forensics against real PostgreSQL: every tool's tracking table, created
//! as the tool creates it (fixtures in `tests/fixtures/history/tables`), is recognised and
//! read; tools sharing `schema_migrations` are told apart; the verdict names the tool that
//! manages the database; comparisons with migration directories
//! (`tests/fixtures/history/dirs`) find files never applied, rows without files, changed
//! checksums and files Drizzle's watermark skips; and nothing is written.

use pgdrift::migrate::history::{
    compare_dir, read_history, DirComparison, FileRef, History, RowStatus, ToolHistory,
};
use pgdrift::report::history::{render_json, render_text};
use pgdrift::testing::TestDb;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/history")
}

fn table_sql(name: &str) -> String {
    let path = fixtures().join("tables").join(format!("{name}.sql"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn dir(name: &str) -> PathBuf {
    fixtures().join("dirs").join(name)
}

/// A database holding the tables of the named fixtures.
async fn db_with(names: &[&str]) -> TestDb {
    let sql: Vec<String> = names.iter().map(|n| table_sql(n)).collect();
    TestDb::with_sql(&sql.join("\n")).await
}

async fn history_of(names: &[&str]) -> History {
    let db = db_with(names).await;
    let conn = db.connect().await;
    read_history(&conn).await.unwrap_or_else(|e| panic!("{e}"))
}

/// The only tool history of `history`.
fn only(history: &History) -> &ToolHistory {
    assert_eq!(history.trackers.len(), 1, "{:#?}", history.trackers);
    &history.trackers[0]
}

fn versions(rows: &[pgdrift::migrate::history::AppliedRow]) -> Vec<&str> {
    rows.iter().map(|r| r.version.as_str()).collect()
}

fn files(refs: &[FileRef]) -> Vec<&str> {
    refs.iter().map(|f| f.file.as_str()).collect()
}

fn compare(t: &ToolHistory, name: &str) -> DirComparison {
    compare_dir(t, &dir(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// What one tool's table must read as.
struct Expect {
    fixture: &'static str,
    tool: &'static str,
    table: &'static str,
    applied: usize,
    latest: Option<&'static str>,
    last: Option<&'static str>,
    estimated: bool,
    failed: &'static [&'static str],
}

#[rustfmt::skip]
const EXPECTED: &[Expect] = &[
    Expect { fixture: "pgdrift", tool: "pgdrift", table: "pgdrift.migrations", applied: 3, latest: Some("002_add_price.sql"), last: Some("2025-05-03 09:30:00"), estimated: false, failed: &[] },
    Expect { fixture: "drizzle", tool: "drizzle", table: "drizzle.__drizzle_migrations", applied: 2, latest: Some("1759500000000"), last: Some("2025-10-03 14:00:00"), estimated: true, failed: &[] },
    Expect { fixture: "prisma", tool: "prisma", table: "public._prisma_migrations", applied: 3, latest: Some("20240115000000_add_email"), last: Some("2024-02-01 10:00:00"), estimated: false, failed: &["20240201000000_add_posts"] },
    Expect { fixture: "flyway", tool: "flyway", table: "public.flyway_schema_history", applied: 4, latest: Some("2"), last: Some("2025-06-20 10:00:00"), estimated: false, failed: &["3"] },
    Expect { fixture: "alembic", tool: "alembic", table: "public.alembic_version", applied: 1, latest: Some("c3c3c3c3c3c3"), last: None, estimated: false, failed: &[] },
    Expect { fixture: "sqlx", tool: "sqlx", table: "public._sqlx_migrations", applied: 3, latest: Some("20240102000000"), last: Some("2024-01-03 08:00:00"), estimated: false, failed: &[] },
    Expect { fixture: "refinery", tool: "refinery", table: "public.refinery_schema_history", applied: 2, latest: Some("2"), last: Some("2024-03-05 16:30:12"), estimated: false, failed: &[] },
    Expect { fixture: "golang-migrate", tool: "golang-migrate", table: "public.schema_migrations", applied: 0, latest: Some("20240305120000"), last: Some("2024-03-05 12:00:00"), estimated: true, failed: &["20240305120000"] },
    Expect { fixture: "dbmate", tool: "dbmate", table: "public.schema_migrations", applied: 18, latest: Some("20250829120000"), last: Some("2025-08-29 12:00:00"), estimated: true, failed: &[] },
    Expect { fixture: "rails", tool: "rails", table: "public.schema_migrations", applied: 3, latest: Some("20240215093000"), last: Some("2024-02-15 09:30:00"), estimated: true, failed: &[] },
    Expect { fixture: "goose", tool: "goose", table: "public.goose_db_version", applied: 2, latest: Some("2"), last: Some("2024-04-04 09:00:00"), estimated: false, failed: &[] },
    Expect { fixture: "knex", tool: "knex", table: "public.knex_migrations", applied: 2, latest: Some("20231201000000_old_seed.js"), last: Some("2024-01-05 10:00:01"), estimated: false, failed: &[] },
    Expect { fixture: "sequelize", tool: "sequelize", table: "public.SequelizeMeta", applied: 2, latest: Some("20240310083000-create-post.js"), last: Some("2024-03-10 08:30:00"), estimated: true, failed: &[] },
    Expect { fixture: "typeorm", tool: "typeorm", table: "public.migrations", applied: 2, latest: Some("1706745600000"), last: Some("2024-02-01 00:00:00"), estimated: true, failed: &[] },
    Expect { fixture: "django", tool: "django", table: "public.django_migrations", applied: 4, latest: Some("shop.0002_products"), last: Some("2024-02-20 15:45:00"), estimated: false, failed: &[] },
    Expect { fixture: "ef-core", tool: "ef-core", table: "public.__EFMigrationsHistory", applied: 2, latest: Some("20240301090000_AddBlogs"), last: Some("2024-03-01 09:00:00"), estimated: true, failed: &[] },
    Expect { fixture: "liquibase", tool: "liquibase", table: "public.databasechangelog", applied: 3, latest: Some("3::bob::db/changelog/002-orders.yaml"), last: Some("2024-05-02 10:00:01"), estimated: false, failed: &[] },
    Expect { fixture: "atlas", tool: "atlas", table: "atlas_schema_revisions.atlas_schema_revisions", applied: 1, latest: Some("20240601000000"), last: Some("2024-06-15 12:00:00"), estimated: false, failed: &["20240615000000"] },
    Expect { fixture: "sqitch", tool: "sqitch", table: "sqitch.changes", applied: 2, latest: Some("users"), last: Some("2024-07-02 10:00:00"), estimated: false, failed: &[] },
];

fn check(e: &Expect, t: &ToolHistory) {
    let name = e.fixture;
    assert_eq!(t.tool, e.tool, "{name}: tool");
    assert_eq!(t.table, e.table, "{name}: table");
    assert_eq!(t.applied, e.applied, "{name}: applied, rows {:#?}", t.rows);
    assert_eq!(t.latest.as_deref(), e.latest, "{name}: latest");
    assert_eq!(t.last_activity.as_deref(), e.last, "{name}: last activity");
    assert_eq!(t.last_activity_estimated, e.estimated, "{name}: estimated");
    assert_eq!(versions(&t.failed), e.failed, "{name}: failed");
    assert!(t.unreadable.is_none(), "{name}");
}

#[tokio::test]
async fn each_tool_is_recognised_and_read_on_its_own() {
    for e in EXPECTED {
        let history = history_of(&[e.fixture]).await;
        check(e, only(&history));
        assert!(history.unrecognized.is_empty(), "{}", e.fixture);
    }
}

/// A fingerprint of everything in the database's own schemas: relations, and the content
/// of every table.
async fn fingerprint(db: &TestDb) -> Vec<String> {
    let conn = db.connect().await;
    let tables = conn
        .client
        .query(
            "SELECT format('%I.%I', n.nspname, c.relname), c.relkind::text FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1",
            &[],
        )
        .await
        .unwrap();
    let mut out = Vec::new();
    for row in tables {
        let (name, kind): (String, String) = (row.get(0), row.get(1));
        let mut line = format!("{name} {kind}");
        if kind == "r" {
            let sql = format!(
                "SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {name} t"
            );
            let sum: String = conn.client.query_one(&sql, &[]).await.unwrap().get(0);
            line.push(' ');
            line.push_str(&sum);
        }
        out.push(line);
    }
    out
}

#[tokio::test]
async fn all_tools_in_one_database_are_read_without_writing_anything() {
    let names: Vec<&str> = EXPECTED
        .iter()
        .map(|e| e.fixture)
        .filter(|f| !["golang-migrate", "rails"].contains(f))
        .collect();
    let db = db_with(&names).await;
    let before = fingerprint(&db).await;
    let conn = db.connect().await;
    let history = read_history(&conn).await.unwrap();
    assert_eq!(fingerprint(&db).await, before);
    // The session is left as it was: not in a transaction, writes allowed.
    conn.client
        .batch_execute("CREATE TEMP TABLE after_read (x int)")
        .await
        .expect("the read transaction was ended");
    let mut tools: Vec<&str> = history.trackers.iter().map(|t| t.tool).collect();
    tools.sort_unstable();
    let mut expected: Vec<&str> = names.clone();
    expected.sort_unstable();
    assert_eq!(tools, expected);
    for e in EXPECTED.iter().filter(|e| names.contains(&e.fixture)) {
        check(e, history.tool(e.tool).next().unwrap());
    }
    // Each directory finds its own tool among all of them.
    for (name, tool) in [
        ("pgdrift", "pgdrift"),
        ("drizzle", "drizzle"),
        ("prisma", "prisma"),
        ("flyway", "flyway"),
        ("alembic", "alembic"),
        ("sqlx", "sqlx"),
        ("dbmate", "dbmate"),
        ("goose", "goose"),
        ("knex", "knex"),
        ("django", "django"),
        ("ef", "ef-core"),
    ] {
        let found = history.tool_for_dir(&dir(name)).map(|t| t.tool);
        assert_eq!(found, Some(tool), "{name}");
    }
    let verdict = history.verdict();
    assert!(verdict.several_active);
    assert_eq!(verdict.manager.as_deref(), Some("drizzle"));
    assert_eq!(verdict.legacy.len(), names.len() - 1);
    assert!(history.has_findings(&[]));
}

#[tokio::test]
async fn schema_migrations_of_golang_migrate_dbmate_and_rails_are_told_apart() {
    let mut sql = String::new();
    for (schema, fixture) in [("gm", "golang-migrate"), ("dm", "dbmate"), ("rl", "rails")] {
        sql.push_str(&format!(
            "CREATE SCHEMA {schema}; SET search_path = {schema};\n"
        ));
        sql.push_str(&table_sql(fixture));
    }
    // dbmate 2 creates an unbounded varchar, with no ar_internal_metadata beside it.
    sql.push_str("CREATE SCHEMA dbmate2; CREATE TABLE dbmate2.schema_migrations (version character varying NOT NULL PRIMARY KEY);\n");
    // dbmate's older varchar(255), and a layout no tool has.
    sql.push_str("CREATE SCHEMA old_dbmate; CREATE TABLE old_dbmate.schema_migrations (version varchar(255) PRIMARY KEY);\n");
    sql.push_str("RESET search_path;\n");
    sql.push_str(&table_sql("noise"));
    let db = TestDb::with_sql(&sql).await;
    let history = read_history(&db.connect().await).await.unwrap();
    let found: Vec<(&str, &str)> = history
        .trackers
        .iter()
        .map(|t| (t.table.as_str(), t.tool))
        .collect();
    assert_eq!(
        found,
        [
            ("dbmate2.schema_migrations", "dbmate"),
            ("dm.schema_migrations", "dbmate"),
            ("gm.schema_migrations", "golang-migrate"),
            ("old_dbmate.schema_migrations", "dbmate"),
            ("rl.schema_migrations", "rails"),
        ]
    );
    // Tables that only read like trackers are not reported; an unknown layout of a tracker's
    // name is, with its columns.
    assert_eq!(history.unrecognized.len(), 1, "{:#?}", history.unrecognized);
    let unknown = &history.unrecognized[0];
    assert_eq!(unknown.table, "odd.schema_migrations");
    assert_eq!(unknown.note, "unknown schema_migrations layout");
    assert_eq!(unknown.columns, ["version bigint", "payload jsonb"]);
    let text = render_text(&history, &[], false);
    assert!(
        text.contains(
            "odd.schema_migrations (unknown schema_migrations layout)\n  columns: version bigint, payload jsonb"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn no_tracking_table_at_all() {
    let history = history_of(&["noise"]).await;
    assert!(history.trackers.is_empty());
    let verdict = history.verdict();
    assert_eq!(verdict.manager, None);
    assert_eq!(
        verdict.lines,
        ["no migration tracking table: no known tool has migrated this database"]
    );
    assert!(!history.has_findings(&[]));
}

#[tokio::test]
async fn a_legacy_tool_manages_the_database_and_the_new_one_was_never_used() {
    let history = history_of(&["dbmate", "drizzle-empty"]).await;
    let verdict = history.verdict();
    assert_eq!(verdict.manager.as_deref(), Some("dbmate"));
    assert_eq!(verdict.never_used, ["drizzle.__drizzle_migrations"]);
    assert!(!verdict.several_active);
    assert_eq!(
        verdict.lines,
        [
            "dbmate (public.schema_migrations) manages this database: 18 applied, last 2025-08-29",
            "Drizzle (drizzle.__drizzle_migrations): never used",
        ]
    );
    assert!(!history.has_findings(&[]));
    // The dbmate directory has 26 files: 19 to 26 never ran.
    let dbmate = history.tool("dbmate").next().unwrap();
    assert_eq!(
        history.tool_for_dir(&dir("dbmate")).map(|t| t.tool),
        Some("dbmate")
    );
    let c = compare(dbmate, "dbmate");
    assert_eq!((c.files, c.applied), (26, 18));
    let never: Vec<String> = (19..=26)
        .map(|i| format!("202509{:02}120000_step_{i}.sql", i - 18))
        .collect();
    assert_eq!(files(&c.never_applied), never);
    assert!(c.rows_without_file.is_empty() && c.checksum_mismatches.is_empty());
    assert_eq!(
        c.not_comparable.as_deref(),
        Some("the tool records no checksums")
    );
    let comparisons = vec![("dbmate".to_string(), c)];
    assert!(history.has_findings(&comparisons));
    let text = render_text(&history, &comparisons, false);
    assert!(
        text.contains("never applied (8): 20250901120000_step_19.sql, 20250902120000_step_20.sql,"),
        "{text}"
    );
    assert!(text.ends_with(
        "Verdict\n  dbmate (public.schema_migrations) manages this database: 18 applied, last 2025-08-29\n  Drizzle (drizzle.__drizzle_migrations): never used\n"
    ), "{text}");
}

#[tokio::test]
async fn several_active_tools_are_a_finding() {
    let history = history_of(&["dbmate", "drizzle", "knex"]).await;
    let verdict = history.verdict();
    assert_eq!(verdict.manager.as_deref(), Some("drizzle"));
    assert_eq!(
        verdict.manager_table.as_deref(),
        Some("drizzle.__drizzle_migrations")
    );
    assert_eq!(
        verdict.legacy,
        ["public.schema_migrations", "public.knex_migrations"]
    );
    assert!(verdict.several_active);
    assert_eq!(
        verdict.lines,
        [
            "Drizzle (drizzle.__drizzle_migrations) manages this database: 2 applied, last 2025-10-03",
            "legacy schema_migrations (dbmate): 18 applied, last 2025-08-29",
            "legacy knex_migrations (Knex): 2 applied, last 2024-01-05",
            "3 tools have recorded migrations here (Drizzle, dbmate, Knex): only one should manage a database",
        ]
    );
    assert!(history.has_findings(&[]));
    let json = render_json(&history, &[]);
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["verdict"]["manager"], "drizzle");
    assert_eq!(json["findings"], true);
    assert_eq!(json["trackers"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn drizzle_watermark_skips_an_older_unapplied_entry() {
    let history = history_of(&["drizzle"]).await;
    let t = only(&history);
    assert_eq!(
        history.tool_for_dir(&dir("drizzle")).map(|t| t.tool),
        Some("drizzle")
    );
    let c = compare(t, "drizzle");
    assert_eq!(c.format, Some("drizzle"));
    assert_eq!((c.files, c.applied), (4, 2));
    assert_eq!(
        c.skipped_by_watermark,
        [FileRef {
            key: "1759400000000".into(),
            file: "0001_add_posts.sql".into()
        }]
    );
    assert_eq!(files(&c.never_applied), ["0003_add_bio.sql"]);
    assert_eq!(c.checksum_mismatches.len(), 1);
    let m = &c.checksum_mismatches[0];
    assert_eq!(m.file, "0002_add_name.sql");
    assert_eq!(
        m.recorded,
        "97c991018b4d4a6514eb3c063b72c0b0a8916ca69fc535f317d6d3d3db94d16c"
    );
    assert_eq!(
        m.computed,
        pgdrift::migrate::history::sha256_hex(
            &std::fs::read(dir("drizzle").join("0002_add_name.sql")).unwrap()
        )
    );
    assert!(c.rows_without_file.is_empty());
    assert_eq!(c.not_comparable, None);
    let comparisons = vec![("drizzle".to_string(), c)];
    let text = render_text(&history, &comparisons, false);
    assert!(
        text.contains(
            "never applied, and the Drizzle watermark would skip it (0001_add_posts.sql)"
        ),
        "{text}"
    );
    let json = render_json(&history, &comparisons);
    assert_eq!(
        json["comparisons"][0]["skipped_by_watermark"][0]["file"],
        "0001_add_posts.sql"
    );
}

#[tokio::test]
async fn flyway_edited_failed_missing_and_repeatable_files() {
    let history = history_of(&["flyway"]).await;
    let t = only(&history);
    assert_eq!(t.rows.iter().filter(|r| r.repeatable).count(), 2);
    assert_eq!(t.failed[0].status, RowStatus::Failed);
    assert!(!t.failed[0].success);
    let c = compare(t, "flyway");
    assert_eq!((c.files, c.applied), (5, 3));
    assert_eq!(files(&c.never_applied), ["V4__add_view.sql"]);
    assert_eq!(c.rows_without_file, ["1.1"]);
    assert_eq!(c.checksum_mismatches.len(), 1);
    let m = &c.checksum_mismatches[0];
    assert_eq!(
        (m.file.as_str(), m.key.as_str()),
        ("V2__add_users.sql", "2")
    );
    assert_eq!(m.recorded, "647625551");
    assert_eq!(
        m.computed,
        pgdrift::migrate::history::flyway_crc32(
            &std::fs::read(dir("flyway").join("V2__add_users.sql")).unwrap()
        )
        .to_string()
    );
    assert_eq!(files(&c.changed_repeatables), ["R__refresh_grants.sql"]);
    assert!(c.skipped_by_watermark.is_empty());
}

#[tokio::test]
async fn flyway_baseline_covers_older_versions() {
    let history = history_of(&["flyway-baseline"]).await;
    let t = only(&history);
    assert_eq!(t.applied, 2);
    assert_eq!(t.rows[0].status, RowStatus::Baseline);
    let c = compare(t, "flyway");
    assert_eq!((c.applied, c.covered_by_baseline), (2, 1));
    assert_eq!(
        files(&c.never_applied),
        ["V4__add_view.sql", "R__refresh_grants.sql"]
    );
    assert!(c.rows_without_file.is_empty());
    assert!(
        c.checksum_mismatches.is_empty(),
        "{:?}",
        c.checksum_mismatches
    );
}

#[tokio::test]
async fn sqlx_checksums_are_sha384() {
    let history = history_of(&["sqlx"]).await;
    let t = only(&history);
    assert_eq!(
        t.rows[1].checksum.as_deref(),
        Some("c72d83fd3fa44d3458d479ba249777d97527fde4ccd1e1483878051ba8ee6f15fcf7964f412c5d17e122e4397248e42a")
    );
    let c = compare(t, "sqlx");
    assert_eq!((c.files, c.applied), (3, 2));
    assert_eq!(files(&c.never_applied), ["20240103000000_add_name.sql"]);
    assert_eq!(c.rows_without_file, ["20231231000000"]);
    let mismatched: Vec<&str> = c
        .checksum_mismatches
        .iter()
        .map(|m| m.file.as_str())
        .collect();
    assert_eq!(mismatched, ["20240102000000_add_email.sql"]);
}

#[tokio::test]
async fn pgdrift_own_table_compares_by_relative_path_and_sha256() {
    let history = history_of(&["pgdrift"]).await;
    let t = only(&history);
    assert_eq!(t.rows[0].status, RowStatus::Baseline);
    let c = compare(t, "pgdrift");
    assert_eq!((c.files, c.applied), (3, 2));
    assert_eq!(files(&c.never_applied), ["003_add_stock.sql"]);
    assert_eq!(c.rows_without_file, ["000_bootstrap.sql"]);
    let mismatched: Vec<&str> = c
        .checksum_mismatches
        .iter()
        .map(|m| m.file.as_str())
        .collect();
    assert_eq!(mismatched, ["002_add_price.sql"]);
}

/// A copy of a fixture directory to change files in.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[tokio::test]
async fn prisma_failed_rolled_back_and_line_endings() {
    let history = history_of(&["prisma"]).await;
    let t = only(&history);
    // add_email failed, was resolved as rolled back, then applied: applied now.
    let add_email: Vec<RowStatus> = t
        .rows
        .iter()
        .filter(|r| r.version == "20240115000000_add_email")
        .map(|r| r.status)
        .collect();
    assert_eq!(add_email, [RowStatus::RolledBack, RowStatus::Applied]);
    let c = compare(t, "prisma");
    assert_eq!((c.files, c.applied), (4, 2));
    assert_eq!(
        files(&c.never_applied),
        ["20240301000000_add_tags/migration.sql"]
    );
    assert_eq!(c.rows_without_file, ["20231201000000_legacy"]);
    assert!(c.checksum_mismatches.is_empty());

    // Checked out with CRLF line ends, a file still matches; an edited one does not.
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&dir("prisma"), tmp.path());
    let init = tmp.path().join("20240101000000_init/migration.sql");
    let text = std::fs::read_to_string(&init).unwrap();
    std::fs::write(&init, text.replace('\n', "\r\n")).unwrap();
    let email = tmp.path().join("20240115000000_add_email/migration.sql");
    std::fs::write(
        &email,
        "ALTER TABLE \"User\" ADD COLUMN \"email\" VARCHAR(320);\n",
    )
    .unwrap();
    let c = compare_dir(t, tmp.path()).unwrap();
    let mismatched: Vec<&str> = c
        .checksum_mismatches
        .iter()
        .map(|m| m.file.as_str())
        .collect();
    assert_eq!(mismatched, ["20240115000000_add_email/migration.sql"]);
}

#[tokio::test]
async fn golang_migrate_current_version_and_dirty_flag() {
    let history = history_of(&["golang-migrate"]).await;
    let t = only(&history);
    assert!(!t.keeps_history);
    assert_eq!(t.failed[0].status, RowStatus::Dirty);
    assert!(history.has_findings(&[]));
    let c = compare(t, "golang-migrate");
    assert_eq!((c.files, c.applied), (3, 2));
    assert_eq!(
        files(&c.never_applied),
        ["20240310120000_add_refunds.up.sql"]
    );
    assert!(c.rows_without_file.is_empty());
    let text = render_text(&history, &[], false);
    assert!(text.contains("at 20240305120000"), "{text}");
    assert!(text.contains("dirty (stopped half-way"), "{text}");
}

#[tokio::test]
async fn alembic_revisions_after_the_head_were_never_applied() {
    let history = history_of(&["alembic"]).await;
    let t = only(&history);
    assert_eq!(
        history.tool_for_dir(&dir("alembic")).map(|t| t.tool),
        Some("alembic")
    );
    let c = compare(t, "alembic");
    assert_eq!((c.files, c.applied), (5, 3));
    // The branch d4 and the merge e5 come after the head c3 (parents first).
    assert_eq!(
        files(&c.never_applied),
        [
            "versions/d4d4d4d4d4d4_add_orders.py",
            "versions/e5e5e5e5e5e5_merge.py"
        ]
    );
    assert!(c.rows_without_file.is_empty());
    assert_eq!(
        c.not_comparable.as_deref(),
        Some("Alembic records no checksums")
    );
}

#[tokio::test]
async fn tools_without_sql_files_match_by_name() {
    let history = history_of(&["rails"]).await;
    let c = compare(only(&history), "rails");
    assert_eq!((c.files, c.applied), (3, 2));
    assert_eq!(
        files(&c.never_applied),
        ["20240301000000_add_index_to_users.rb"]
    );
    assert_eq!(c.rows_without_file, ["20231115080000"]);

    let history = history_of(&["knex"]).await;
    let c = compare(only(&history), "knex");
    assert_eq!((c.files, c.applied), (2, 1));
    assert_eq!(files(&c.never_applied), ["20240201000000_create_posts.js"]);
    assert_eq!(c.rows_without_file, ["20231201000000_old_seed.js"]);

    // Only the apps the directory holds are compared (not Django's own auth, contenttypes).
    let history = history_of(&["django"]).await;
    let c = compare(only(&history), "django");
    assert_eq!((c.files, c.applied), (3, 2));
    assert_eq!(
        c.never_applied,
        [FileRef {
            key: "shop.0003_orders".into(),
            file: "shop/migrations/0003_orders.py".into()
        }]
    );
    assert!(c.rows_without_file.is_empty());
    let c = compare(only(&history), "django/shop/migrations");
    assert_eq!(files(&c.never_applied), ["0003_orders.py"]);

    // goose: version 3 was taken down again, so it is to be applied, like 4.
    let history = history_of(&["goose"]).await;
    let c = compare(only(&history), "goose");
    assert_eq!((c.files, c.applied), (4, 2));
    assert_eq!(
        files(&c.never_applied),
        ["00003_backfill.go", "00004_index_email.sql"]
    );
    assert!(c.rows_without_file.is_empty());

    // Designer files and the model snapshot are not migrations.
    let history = history_of(&["ef-core"]).await;
    let c = compare(only(&history), "ef");
    assert_eq!((c.files, c.applied), (3, 2));
    assert_eq!(files(&c.never_applied), ["20240401100000_AddPosts.cs"]);
}

#[tokio::test]
async fn the_directory_picks_its_tool() {
    let history = history_of(&["dbmate", "drizzle", "knex", "sqlx"]).await;
    for (name, tool) in [
        ("drizzle", "drizzle"),
        ("dbmate", "dbmate"),
        ("knex", "knex"),
        ("sqlx", "sqlx"),
    ] {
        assert_eq!(
            history.tool_for_dir(&dir(name)).map(|t| t.tool),
            Some(tool),
            "{name}"
        );
    }
    // A directory of another tool's format is refused, naming it.
    let dbmate = history.tool("dbmate").next().unwrap();
    let err = compare_dir(dbmate, &dir("drizzle"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("a drizzle directory; dbmate migrations come in dbmate or plain directories"),
        "{err}"
    );
}

#[tokio::test]
async fn homegrown_logs_are_read_by_their_shape() {
    let history = history_of(&["homegrown"]).await;
    let found: Vec<(&str, &str, usize, Option<&str>)> = history
        .trackers
        .iter()
        .map(|t| (t.table.as_str(), t.tool, t.applied, t.latest.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "ecto.schema_migrations",
                "homegrown",
                1,
                Some("20240101000000")
            ),
            ("public.schema_migrations", "homegrown", 18, Some("18")),
            (
                "runner.db_changelog",
                "homegrown",
                2,
                Some("002_orders.sql")
            ),
        ]
    );
    let runner = &history.trackers[2];
    assert_eq!(versions(&runner.failed), ["010_fix.sql"]);
    assert_eq!(runner.last_activity.as_deref(), Some("2024-05-03 10:00:00"));
    // Ecto records when each version was inserted.
    assert_eq!(
        history.trackers[0].last_activity.as_deref(),
        Some("2024-01-01 00:00:00")
    );
    assert!(
        history.unrecognized.is_empty(),
        "{:#?}",
        history.unrecognized
    );
}

/// A directory of `n` numbered files, `001_step_1.sql` ...
fn numbered_dir(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for i in 1..=n {
        std::fs::write(
            dir.path().join(format!("{i:03}_step_{i}.sql")),
            format!("CREATE TABLE t{i} (id int);\n"),
        )
        .unwrap();
    }
    dir
}

#[tokio::test]
async fn a_homegrown_runner_stuck_at_18_of_26() {
    let db = TestDb::with_sql(
        "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now());
         INSERT INTO schema_migrations
         SELECT g, 'step_' || g, timestamptz '2025-08-11 09:00:00+00' + g * interval '1 day'
         FROM generate_series(1, 18) g;",
    )
    .await;
    let history = read_history(&db.connect().await).await.unwrap();
    let t = only(&history);
    assert_eq!((t.tool, t.applied), ("homegrown", 18));
    let verdict = history.verdict();
    assert_eq!(verdict.manager.as_deref(), Some("homegrown"));
    assert_eq!(
        verdict.lines[0],
        "homegrown tracker (public.schema_migrations) manages this database: 18 applied, last 2025-08-29"
    );
    let files_dir = numbered_dir(26);
    assert_eq!(
        history.tool_for_dir(files_dir.path()).map(|t| t.tool),
        Some("homegrown")
    );
    let c = compare_dir(t, files_dir.path()).unwrap();
    assert_eq!((c.files, c.applied), (26, 18));
    let never: Vec<String> = (19..=26).map(|i| format!("{i:03}_step_{i}.sql")).collect();
    assert_eq!(files(&c.never_applied), never);
    assert!(c.rows_without_file.is_empty(), "{:?}", c.rows_without_file);
    assert_eq!(c.not_comparable, None);
    let comparisons = [("homegrown".to_string(), c)];
    assert!(history.has_findings(&comparisons));
    let text = render_text(&history, &comparisons, false);
    assert!(
        text.contains("homegrown tracker · public.schema_migrations\n  18 rows · versions 1–18 · last applied 2025-08-29\n"),
        "{text}"
    );
    assert!(
        text.contains("never applied (8): 019_step_19.sql, 020_step_20.sql"),
        "{text}"
    );
}

#[tokio::test]
async fn homegrown_rows_match_files_by_name_and_failed_ones_are_not_pending() {
    let history = history_of(&["homegrown"]).await;
    let runner = history
        .trackers
        .iter()
        .find(|t| t.table == "runner.db_changelog")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "001_init.sql",
        "002_orders.sql",
        "010_fix.sql",
        "011_new.sql",
    ] {
        std::fs::write(dir.path().join(name), "SELECT 1;\n").unwrap();
    }
    std::fs::write(dir.path().join("011_new.down.sql"), "SELECT 1;\n").unwrap();
    let c = compare_dir(runner, dir.path()).unwrap();
    assert_eq!((c.files, c.applied), (4, 2));
    assert_eq!(files(&c.never_applied), ["011_new.sql"]);
    assert_eq!(
        c.last_applied.map(|f| f.file).as_deref(),
        Some("002_orders.sql")
    );
}

/// Versions past 9 sort as numbers, not as text, in every tool whose version is a number
/// read as text: the latest of 1..12 is 12.
#[tokio::test]
async fn numeric_versions_are_ordered_as_numbers() {
    let sql = format!(
        "{}\n{}\n{}\n
         TRUNCATE _sqlx_migrations;
         INSERT INTO _sqlx_migrations
         SELECT g, 'm' || g, timestamptz '2024-01-01' + g * interval '1 hour', true, '\\x00', 1
         FROM generate_series(1, 12) g;
         INSERT INTO refinery_schema_history SELECT g, 'm' || g, '2024-03-01T10:00:00Z', 'x'
         FROM generate_series(3, 12) g;
         INSERT INTO goose_db_version (version_id, is_applied, tstamp)
         SELECT g, true, timestamp '2024-05-01' + g * interval '1 hour'
         FROM generate_series(4, 12) g;",
        table_sql("sqlx"),
        table_sql("refinery"),
        table_sql("goose")
    );
    let db = TestDb::with_sql(&sql).await;
    let history = read_history(&db.connect().await).await.unwrap();
    for tool in ["sqlx", "refinery", "goose"] {
        let t = history.tool(tool).next().unwrap();
        assert_eq!(t.latest.as_deref(), Some("12"), "{tool}: {:#?}", t.rows);
    }
}
