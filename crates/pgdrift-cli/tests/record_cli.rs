//! `pgdrift migrate baseline --tool X` and `apply --record-for X` for the tools whose rows
//! are checked against their documented layouts and algorithms rather than by running the
//! tool: Prisma (SHA-256, what `migrate resolve --applied` writes), Flyway (CRC32 over lines,
//! installed rank, description from the file name), sqlx (SHA-384, its description),
//! golang-migrate (one row), dbmate (an existing table elsewhere). Every tool's rows read back
//! through `pgdrift migrate history --dir` as every file applied, no checksum mismatch.
//! Also: refusals that write nothing, --dry-run, and the fleet form.

mod common;

use common::text;
use pgdrift::testing::TestDb;
use sha2::{Digest, Sha256, Sha384};
use std::path::Path;
use std::process::Output;

fn pgdrift(args: &[&str]) -> Output {
    common::pgdrift_in(None, args)
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn baseline(dir: &Path, db: &TestDb, tool: &str, version: &str, extra: &[&str]) -> Output {
    let url = db.url();
    let mut args = vec![
        "migrate",
        "baseline",
        "--dir",
        dir.to_str().unwrap(),
        "--url",
        &url,
        "--tool",
        tool,
        "--version",
        version,
    ];
    args.extend_from_slice(extra);
    pgdrift(&args)
}

/// `history --dir` finds `tool`'s table and every one of `applied` files applied, nothing
/// never applied, no checksum that differs.
fn assert_round_trip(db: &TestDb, dir: &Path, tool: &str, applied: u64) {
    let url = db.url();
    let args = [
        "migrate",
        "history",
        "--url",
        &url,
        "--dir",
        dir.to_str().unwrap(),
        "-f",
        "json",
    ];
    let out = pgdrift(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &v["comparisons"][0];
    assert_eq!(c["tool"], tool, "{c}");
    assert_eq!(c["applied"], applied, "{c}");
    assert_eq!(c["never_applied"], serde_json::json!([]), "{c}");
    assert_eq!(c["checksum_mismatches"], serde_json::json!([]), "{c}");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// CRC-32 (IEEE, reflected, as java.util.zip.CRC32 computes it), bit by bit.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Flyway's documented checksum: the CRC-32 of the file's lines without their line breaks,
/// stored in a (signed) Java int.
fn flyway_checksum(text: &str) -> i32 {
    let joined: String = text.lines().collect();
    crc32(joined.as_bytes()) as i32
}

const PRISMA: &[(&str, &str)] = &[
    ("migration_lock.toml", "provider = \"postgresql\"\n"),
    ("20240101000000_init/migration.sql", "-- CreateTable\nCREATE TABLE \"User\" (\n    \"id\" SERIAL NOT NULL,\n    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n);\n"),
    ("20240115000000_add_email/migration.sql", "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"email\" TEXT;\n"),
];

#[tokio::test]
async fn prisma_rows_are_what_migrate_resolve_writes() {
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), PRISMA);
    let db = TestDb::with_sql(&format!("{}{}", PRISMA[1].1, PRISMA[2].1)).await;
    let out = baseline(dir.path(), &db, "prisma", "20240115000000_add_email", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("in Prisma's table public._prisma_migrations"),
        "{}",
        text(&out)
    );
    let layout = db.strings("SELECT string_agg(column_name || ' ' || data_type || ' ' || is_nullable, ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = '_prisma_migrations'").await;
    assert_eq!(layout, ["id character varying NO, checksum character varying NO, finished_at timestamp with time zone YES, migration_name character varying NO, logs text YES, rolled_back_at timestamp with time zone YES, started_at timestamp with time zone NO, applied_steps_count integer NO"]);
    let rows = db.strings("SELECT concat_ws('|', migration_name, checksum, logs, applied_steps_count, finished_at = started_at, rolled_back_at IS NULL, id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$') FROM _prisma_migrations ORDER BY migration_name").await;
    let sum = |i: usize| hex(&Sha256::digest(PRISMA[i].1.as_bytes()));
    assert_eq!(
        rows,
        [
            format!("20240101000000_init|{}||0|t|t|t", sum(1)),
            format!("20240115000000_add_email|{}||0|t|t|t", sum(2)),
        ]
    );
    assert_round_trip(&db, dir.path(), "prisma", 2);
}

const FLYWAY: &[(&str, &str)] = &[
    (
        "V1__init.sql",
        "CREATE TABLE account (\r\n    id bigint PRIMARY KEY\r\n);\r\n",
    ),
    (
        "V1_1__add_users.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY);\n",
    ),
    (
        "V2__add_email.sql",
        "ALTER TABLE users ADD COLUMN email text;\n",
    ),
    (
        "R__users_view.sql",
        "CREATE OR REPLACE VIEW users_v AS SELECT id FROM users;\n",
    ),
];

#[tokio::test]
async fn flyway_rows_carry_its_checksum_rank_and_description() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &FLYWAY[..3]);
    let db = TestDb::with_sql(&format!("{}{}", FLYWAY[0].1, FLYWAY[1].1)).await;
    let out = baseline(dir.path(), &db, "flyway", "1.1", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let rows = db.strings("SELECT concat_ws('|', installed_rank, version, description, type, script, checksum, installed_by = current_user, execution_time, success) FROM flyway_schema_history ORDER BY installed_rank").await;
    assert_eq!(
        rows,
        [
            format!(
                "1|1|init|SQL|V1__init.sql|{}|t|0|t",
                flyway_checksum(FLYWAY[0].1)
            ),
            format!(
                "2|1.1|add users|SQL|V1_1__add_users.sql|{}|t|0|t",
                flyway_checksum(FLYWAY[1].1)
            ),
        ]
    );
    let indexes = db.strings("SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'flyway_schema_history'").await;
    assert_eq!(
        indexes,
        ["flyway_schema_history_pk,flyway_schema_history_s_idx"]
    );
    // The next file by `apply --record-for flyway`, with pgdrift's own row, once pgdrift too
    // records the files Flyway has.
    let url = db.url();
    let d = dir.path().to_str().unwrap();
    let out = baseline(dir.path(), &db, "pgdrift", "1.1", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = pgdrift(&[
        "migrate",
        "apply",
        "--dir",
        d,
        "--url",
        &url,
        "--record-for",
        "flyway",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let rows = db.strings("SELECT concat_ws('|', installed_rank, version, description, checksum) FROM flyway_schema_history WHERE installed_rank = 3").await;
    assert_eq!(
        rows,
        [format!("3|2|add email|{}", flyway_checksum(FLYWAY[2].1))]
    );
    let history = db
        .strings("SELECT version FROM pgdrift.migrations ORDER BY version")
        .await;
    assert_eq!(
        history,
        ["V1_1__add_users.sql", "V1__init.sql", "V2__add_email.sql"]
    );
}

const SQLX: &[(&str, &str)] = &[
    (
        "20240101000000_create_users.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY);\n",
    ),
    (
        "20240102000000_add_user_email.sql",
        "ALTER TABLE users ADD COLUMN email text;\n",
    ),
];

#[tokio::test]
async fn sqlx_rows_carry_sha384_and_its_description() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SQLX);
    let db = TestDb::with_sql(&format!("{}{}", SQLX[0].1, SQLX[1].1)).await;
    let out = baseline(dir.path(), &db, "sqlx", "20240102000000", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let rows = db.strings("SELECT concat_ws('|', version, description, success, encode(checksum, 'hex'), execution_time) FROM _sqlx_migrations ORDER BY version").await;
    let sum = |i: usize| hex(&Sha384::digest(SQLX[i].1.as_bytes()));
    assert_eq!(
        rows,
        [
            format!("20240101000000|create users|t|{}|0", sum(0)),
            format!("20240102000000|add user email|t|{}|0", sum(1)),
        ]
    );
    assert_round_trip(&db, dir.path(), "sqlx", 2);
}

const UPDOWN: &[(&str, &str)] = &[
    (
        "1_users.up.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY);\n",
    ),
    ("1_users.down.sql", "DROP TABLE users;\n"),
    (
        "2_orders.up.sql",
        "CREATE TABLE orders (id bigint PRIMARY KEY);\n",
    ),
    ("2_orders.down.sql", "DROP TABLE orders;\n"),
];

#[tokio::test]
async fn golang_migrate_keeps_one_row_and_moves_it_forward() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), UPDOWN);
    let db = TestDb::with_sql(&format!("{}{}", UPDOWN[0].1, UPDOWN[2].1)).await;
    let out = baseline(dir.path(), &db, "golang-migrate", "1", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let row = "SELECT version || '|' || dirty FROM schema_migrations";
    assert_eq!(db.strings(row).await, ["1|false"]);
    let out = baseline(dir.path(), &db, "golang-migrate", "2", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(db.strings(row).await, ["2|false"]);
    assert_round_trip(&db, dir.path(), "golang-migrate", 2);
    // Going back is a conflict, and so is a dirty row: refused, nothing written.
    let out = baseline(dir.path(), &db, "golang-migrate", "1", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains(
            "2_orders.up.sql is recorded as applied (version 2), but it comes after 1_users.up.sql"
        ),
        "{}",
        text(&out)
    );
    db.execute("UPDATE schema_migrations SET dirty = true")
        .await;
    let out = baseline(dir.path(), &db, "golang-migrate", "2", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("as dirty"), "{}", text(&out));
    assert_eq!(db.strings(row).await, ["2|true"]);
}

const DBMATE: &[(&str, &str)] = &[
    ("20240101000000_users.sql", "-- migrate:up\nCREATE TABLE users (id bigint PRIMARY KEY);\n-- migrate:down\nDROP TABLE users;\n"),
    ("20240102000000_orders.sql", "-- migrate:up\nCREATE TABLE orders (id bigint PRIMARY KEY);\n-- migrate:down\nDROP TABLE orders;\n"),
];

#[tokio::test]
async fn rows_go_into_the_tools_existing_table_wherever_it_is() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), DBMATE);
    // dbmate ran the first file with its table in another schema (an older dbmate's layout).
    let db = TestDb::with_sql(
        "CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY);\n\
         CREATE SCHEMA ops;\nCREATE TABLE ops.schema_migrations (version varchar(128) PRIMARY KEY);\n\
         INSERT INTO ops.schema_migrations VALUES ('20240101000000');\n",
    )
    .await;
    let out = baseline(dir.path(), &db, "dbmate", "20240102000000", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("recorded 1 migration(s) up to 20240102000000_orders.sql as applied (baseline, not run) in dbmate's table ops.schema_migrations"), "{}", text(&out));
    let versions = db
        .strings("SELECT version::text FROM ops.schema_migrations ORDER BY version")
        .await;
    assert_eq!(versions, ["20240101000000", "20240102000000"]);
    let public = db
        .strings("SELECT coalesce(to_regclass('public.schema_migrations')::text, 'none')")
        .await;
    assert_eq!(public, ["none"]);
    assert_round_trip(&db, dir.path(), "dbmate", 2);
    // Again: nothing to record, and nothing is duplicated.
    let out = baseline(dir.path(), &db, "dbmate", "20240102000000", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("nothing to record"), "{}", text(&out));
}

#[tokio::test]
async fn misfits_and_conflicts_are_refused_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), DBMATE);
    // golang-migrate's table where dbmate's would go.
    let db = TestDb::with_sql(
        "CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY);\n\
         CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);\n",
    )
    .await;
    let d = dir.path().to_str().unwrap();
    let url = db.url();
    let args = [
        "migrate",
        "baseline",
        "--dir",
        d,
        "--url",
        &url,
        "--tool",
        "dbmate",
        "--version",
        "20240102000000",
    ];
    let out = pgdrift(&args);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("public.schema_migrations is not dbmate's table: its column version is bigint, not character varying"), "{}", text(&out));
    // A tool that does not read this directory's layout.
    let args = [
        "migrate",
        "baseline",
        "--dir",
        d,
        "--url",
        &url,
        "--tool",
        "flyway",
        "--version",
        "20240102000000",
    ];
    let out = pgdrift(&args);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("Flyway does not read dbmate directories"),
        "{}",
        text(&out)
    );
    // Prisma recorded a file whose text has changed since.
    let prisma = tempfile::tempdir().unwrap();
    write(prisma.path(), PRISMA);
    let db = TestDb::with_sql(&format!("{}{}", PRISMA[1].1, PRISMA[2].1)).await;
    baseline(prisma.path(), &db, "prisma", "20240101000000_init", &[]);
    write(
        prisma.path(),
        &[(
            "20240101000000_init/migration.sql",
            &format!("{}-- edited\n", PRISMA[1].1),
        )],
    );
    let out = baseline(
        prisma.path(),
        &db,
        "prisma",
        "20240115000000_add_email",
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains(
            "20240101000000_init/migration.sql (20240101000000_init) is recorded with checksum"
        ),
        "{}",
        text(&out)
    );
    let names = db
        .strings("SELECT migration_name::text FROM _prisma_migrations")
        .await;
    assert_eq!(names, ["20240101000000_init"]);
}

#[tokio::test]
async fn dry_run_prints_the_rows_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SQLX);
    let db = TestDb::with_sql(&format!("{}{}", SQLX[0].1, SQLX[1].1)).await;
    let out = baseline(dir.path(), &db, "sqlx", "20240102000000", &["--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("sqlx: public._sqlx_migrations is created:"),
        "{t}"
    );
    assert!(
        t.contains("CREATE TABLE IF NOT EXISTS public._sqlx_migrations"),
        "{t}"
    );
    assert!(
        t.contains("20240102000000_add_user_email.sql  20240102000000  add user email"),
        "{t}"
    );
    assert!(
        t.contains("would record 2 migration(s) up to 20240102000000_add_user_email.sql"),
        "{t}"
    );
    let out = baseline(
        dir.path(),
        &db,
        "sqlx",
        "20240101000000",
        &["--dry-run", "-f", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let recording = &v["databases"][0]["recording"];
    assert_eq!(recording["table"], "public._sqlx_migrations");
    assert_eq!(recording["rows"][0]["values"][0], 20240101000000i64);
    assert_eq!(
        recording["rows"][0]["values"][3],
        format!("\\x{}", hex(&Sha384::digest(SQLX[0].1.as_bytes())))
    );
    assert_eq!(v["databases"][0]["recorded"], 0);
    let exists = db
        .strings("SELECT coalesce(to_regclass('_sqlx_migrations')::text, 'none')")
        .await;
    assert_eq!(exists, ["none"]);
}

#[tokio::test]
async fn fleet_baseline_gives_each_database_its_evidence_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SQLX);
    let whole = TestDb::with_sql(&format!("{}{}", SQLX[0].1, SQLX[1].1)).await;
    let partial = TestDb::with_sql(SQLX[0].1).await;
    let admin = pgdrift::testing::admin_conninfo();
    let server = pgdrift::pg::ConnInfo {
        password: None,
        ..admin
    }
    .to_string();
    let d = dir.path().to_str().unwrap();
    let args = [
        "migrate",
        "baseline",
        "--dir",
        d,
        "--server",
        &server,
        "--databases",
        whole.name(),
        "--databases",
        partial.name(),
        "--tool",
        "sqlx",
        "--version",
        "20240102000000",
    ];
    let out = pgdrift(&args);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let t = text(&out);
    assert_eq!(
        t.matches("evidence: the migrations up to 20240102000000_add_user_email.sql")
            .count(),
        2,
        "{t}"
    );
    assert!(
        t.contains(&format!("✓ {}: recorded 2 migration(s)", whole.name())),
        "{t}"
    );
    assert!(
        t.contains(&format!("✗ {}: refusing the baseline", partial.name())),
        "{t}"
    );
    assert!(t.contains("2 databases in"), "{t}");
    let rows = "SELECT count(*)::text FROM _sqlx_migrations";
    assert_eq!(whole.strings(rows).await, ["2"]);
    let none = "SELECT coalesce(to_regclass('_sqlx_migrations')::text, 'none')";
    assert_eq!(partial.strings(none).await, ["none"]);
    let mut json = args.to_vec();
    json.extend(["-f", "json", "--dry-run"]);
    let out = pgdrift(&json);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let oks: Vec<bool> = v["databases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["ok"].as_bool().unwrap())
        .collect();
    assert_eq!(oks, [true, false], "{v}");
    assert_eq!(v["failed"], 1);
}

#[tokio::test]
async fn apply_record_for_sqlx_records_files_run_outside_a_transaction_too() {
    let dir = tempfile::tempdir().unwrap();
    let index = "-- no-transaction\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n";
    write(
        dir.path(),
        &[SQLX[0], SQLX[1], ("20240103000000_index_email.sql", index)],
    );
    let db = TestDb::new().await;
    let url = db.url();
    let d = dir.path().to_str().unwrap();
    let out = pgdrift(&[
        "migrate",
        "apply",
        "--dir",
        d,
        "--url",
        &url,
        "--record-for",
        "sqlx",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("(outside a transaction)"),
        "{}",
        text(&out)
    );
    let rows = db
        .strings("SELECT version || ':' || description FROM _sqlx_migrations ORDER BY version")
        .await;
    assert_eq!(
        rows,
        [
            "20240101000000:create users",
            "20240102000000:add user email",
            "20240103000000:index email",
        ]
    );
    let sum = db
        .strings(
            "SELECT encode(checksum, 'hex') FROM _sqlx_migrations WHERE version = 20240103000000",
        )
        .await;
    assert_eq!(sum, [hex(&Sha384::digest(index.as_bytes()))]);
    // A file sqlx recorded with other text is a conflict found before anything runs.
    write(
        dir.path(),
        &[(
            "20240104000000_add_name.sql",
            "ALTER TABLE users ADD COLUMN name text;\n",
        )],
    );
    db.execute("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (20240104000000, 'add name', true, '\\x00', 1)").await;
    let out = pgdrift(&[
        "migrate",
        "apply",
        "--dir",
        d,
        "--url",
        &url,
        "--record-for",
        "sqlx",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out)
            .contains("20240104000000_add_name.sql (20240104000000) is recorded with checksum 00"),
        "{}",
        text(&out)
    );
    let cols = db.strings("SELECT count(*)::text FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'name'").await;
    assert_eq!(cols, ["0"]);
}
