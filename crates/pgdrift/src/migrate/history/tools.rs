//! The table of migration tools: one [`Tracker`] per tool, with its tracking table as the
//! tool itself creates it. Adding a tool is adding one row here.
//!
//! Each `select` reads a row as (version, description, file, checksum, applied_at, status);
//! times go through `ts!` so every tool prints them alike (UTC for time zone aware columns,
//! as the read transaction sets).

use super::keys::*;
use super::tracker::{Checksum, Files, Record, TimeSource, Tracker};
use crate::source::dir::DirFormat;

/// A timestamp column as `YYYY-MM-DD HH:MM:SS` text.
macro_rules! ts {
    ($col:literal) => {
        concat!("to_char(", $col, ", 'YYYY-MM-DD HH24:MI:SS')")
    };
}

/// A time in milliseconds since 1970 (Drizzle's `created_at`, TypeORM's `timestamp`) as text.
macro_rules! ms {
    ($col:literal) => {
        concat!(
            "to_char(to_timestamp(",
            $col,
            " / 1000.0), 'YYYY-MM-DD HH24:MI:SS')"
        )
    };
}

/// A tracker with the defaults most rows share; each row sets what differs.
const BASE: Tracker = Tracker {
    id: "",
    name: "",
    table: "",
    default_schema: "public",
    companions: &[],
    generic_name: false,
    recognize: |_| false,
    select: "",
    repeatable: "false",
    order: "",
    record: Record::Ledger,
    time: TimeSource::Applied,
    files: Files::Names(|_| None),
    row_key: row_version,
    checksum: Checksum::NotComparable("the tool records no checksums"),
    watermark: false,
    baseline_covers_older: false,
    scoped_keys: false,
};

/// Every tool pgdrift recognises, by tracking table. Tools sharing a table name
/// (`schema_migrations`, `migrations`) are told apart by `recognize`, tried in this order.
#[rustfmt::skip] // a table: one row per tool, kept compact
pub const TRACKERS: &[Tracker] = &[
    Tracker {
        id: "pgdrift",
        name: "pgdrift",
        table: "migrations",
        default_schema: "pgdrift",
        generic_name: true,
        recognize: |c| c.has_all(&["version", "checksum", "kind", "applied_at", "pgdrift_version"]),
        select: concat!("version, description, NULL, checksum, ", ts!("applied_at"),
            ", CASE WHEN baseline THEN 'baseline' ELSE 'applied' END"),
        repeatable: "kind = 'repeatable'",
        order: "applied_at, version",
        files: Files::Sql { formats: &[], key: sql_rel_path },
        checksum: Checksum::Sha256,
        ..BASE
    },
    Tracker {
        id: "drizzle",
        name: "Drizzle",
        table: "__drizzle_migrations",
        default_schema: "drizzle",
        recognize: |c| c.has_all(&["id", "hash", "created_at"]),
        select: concat!("coalesce(created_at::text, 'id ' || id), NULL, NULL, hash, ",
            ms!("created_at"), ", 'applied'"),
        order: "created_at NULLS FIRST, id",
        time: TimeSource::Stamp,
        files: Files::Sql { formats: &[DirFormat::Drizzle], key: sql_journal_when },
        // Newer drizzle-orm hashes the file with CRLF made LF; older ones the raw bytes.
        checksum: Checksum::Sha256AnyLineEnds,
        watermark: true,
        ..BASE
    },
    Tracker {
        id: "prisma",
        name: "Prisma",
        table: "_prisma_migrations",
        recognize: |c| {
            c.has_all(&["id", "checksum", "finished_at", "migration_name", "rolled_back_at"])
        },
        select: concat!(
            "migration_name, NULL, NULL, checksum, ",
            ts!("coalesce(finished_at, started_at)"),
            ", CASE WHEN rolled_back_at IS NOT NULL THEN 'rolled_back' \
               WHEN finished_at IS NULL THEN 'failed' ELSE 'applied' END"),
        order: "started_at, migration_name",
        files: Files::Sql { formats: &[DirFormat::Prisma], key: sql_version },
        checksum: Checksum::Sha256AnyLineEnds,
        ..BASE
    },
    Tracker {
        id: "flyway",
        name: "Flyway",
        table: "flyway_schema_history",
        recognize: |c| {
            c.has_all(&["installed_rank", "version", "type", "script", "checksum", "success"])
        },
        select: concat!(
            "coalesce(version, script), description, script, checksum::text, ",
            ts!("installed_on"),
            ", CASE WHEN NOT success THEN 'failed' WHEN type = 'BASELINE' THEN 'baseline' \
               WHEN type IN ('SCHEMA', 'DELETE') THEN 'marker' \
               WHEN type LIKE 'UNDO%' THEN 'rolled_back' ELSE 'applied' END"),
        repeatable: "version IS NULL",
        order: "installed_rank",
        files: Files::Sql { formats: &[DirFormat::Flyway], key: sql_flyway },
        row_key: row_flyway,
        checksum: Checksum::FlywayCrc32,
        baseline_covers_older: true,
        ..BASE
    },
    Tracker {
        id: "alembic",
        name: "Alembic",
        table: "alembic_version",
        recognize: |c| c.has("version_num", "character varying"),
        select: "version_num, NULL, NULL, NULL, NULL, 'applied'",
        order: "version_num",
        record: Record::Heads,
        time: TimeSource::None,
        files: Files::AlembicChain,
        ..BASE
    },
    Tracker {
        id: "sqlx",
        name: "sqlx",
        table: "_sqlx_migrations",
        recognize: |c| {
            c.has("version", "bigint") && c.has("checksum", "bytea") && c.has_all(&["success"])
        },
        select: concat!(
            "version::text, description, NULL, encode(checksum, 'hex'), ",
            ts!("installed_on"),
            ", CASE WHEN success THEN 'applied' ELSE 'failed' END"),
        order: "tracked.version",
        files: Files::Sql { formats: &[DirFormat::Plain, DirFormat::UpDown], key: sql_number },
        row_key: row_number,
        checksum: Checksum::Sha384,
        ..BASE
    },
    Tracker {
        id: "refinery",
        name: "refinery",
        table: "refinery_schema_history",
        recognize: |c| c.has_all(&["version", "name", "applied_on", "checksum"]),
        // applied_on is RFC 3339 text (`2024-03-01T10:00:00.123Z`), kept as written.
        select: "version::text, name, NULL, checksum, \
                 replace(left(applied_on, 19), 'T', ' '), 'applied'",
        order: "tracked.version",
        files: Files::Names(name_refinery),
        row_key: row_number,
        checksum: Checksum::NotComparable(
            "refinery's checksum is a hash of its own over name, version and SQL, \
             which only refinery computes",
        ),
        ..BASE
    },
    Tracker {
        id: "golang-migrate",
        name: "golang-migrate",
        table: "schema_migrations",
        recognize: |c| {
            c.only(&["version", "dirty"]) && c.has("version", "bigint") && c.has("dirty", "boolean")
        },
        select: "version::text, NULL, NULL, NULL, NULL, \
                 CASE WHEN dirty THEN 'dirty' ELSE 'applied' END",
        order: "tracked.version",
        record: Record::Current,
        time: TimeSource::Stamp,
        files: Files::Sql { formats: &[DirFormat::UpDown], key: sql_number },
        row_key: row_number,
        ..BASE
    },
    Tracker {
        id: "rails",
        name: "Rails",
        table: "schema_migrations",
        companions: &["ar_internal_metadata"],
        // ar_internal_metadata beside it (Rails 5 and later). Rails before 5 kept none, and
        // its unbounded varchar is dbmate's today: such a table reads as dbmate's.
        recognize: |c| {
            c.only(&["version"])
                && c.has("version", "character varying")
                && c.beside("ar_internal_metadata")
        },
        select: "version, NULL, NULL, NULL, NULL, 'applied'",
        order: "length(version), version",
        time: TimeSource::Stamp,
        files: Files::Names(name_rails),
        row_key: row_number,
        ..BASE
    },
    Tracker {
        id: "dbmate",
        name: "dbmate",
        table: "schema_migrations",
        // An unbounded varchar (dbmate 2), varchar(128) or varchar(255) (older releases),
        // and no Rails metadata beside it.
        recognize: |c| {
            c.only(&["version"])
                && c.has("version", "character varying")
                && !c.beside("ar_internal_metadata")
        },
        select: "version, NULL, NULL, NULL, NULL, 'applied'",
        order: "length(version), version",
        time: TimeSource::Stamp,
        files: Files::Sql { formats: &[DirFormat::Dbmate, DirFormat::Plain], key: sql_number },
        row_key: row_number,
        ..BASE
    },
    Tracker {
        id: "goose",
        name: "goose",
        table: "goose_db_version",
        recognize: |c| c.has_all(&["id", "version_id", "is_applied", "tstamp"]),
        // The latest row of each version decides; version 0 is goose's own first row.
        select: concat!(
            "DISTINCT ON (tracked.version_id) version_id::text, NULL, NULL, NULL, ",
            ts!("tstamp"),
            ", CASE WHEN version_id = 0 THEN 'marker' WHEN is_applied THEN 'applied' \
               ELSE 'unapplied' END"
        ),
        order: "tracked.version_id, tracked.id DESC",
        files: Files::Names(name_goose),
        row_key: row_number,
        ..BASE
    },
    Tracker {
        id: "knex",
        name: "Knex",
        table: "knex_migrations",
        companions: &["knex_migrations_lock"],
        recognize: |c| c.has_all(&["id", "name", "batch", "migration_time"]),
        select: concat!(
            "name, 'batch ' || batch, NULL, NULL, ",
            ts!("migration_time"),
            ", 'applied'"
        ),
        order: "id",
        files: Files::Names(name_js_file),
        ..BASE
    },
    Tracker {
        id: "sequelize",
        name: "Sequelize",
        table: "SequelizeMeta",
        recognize: |c| c.only(&["name"]),
        select: "name, NULL, NULL, NULL, NULL, 'applied'",
        order: "name",
        time: TimeSource::Stamp,
        files: Files::Names(name_js_file),
        ..BASE
    },
    Tracker {
        id: "typeorm",
        name: "TypeORM",
        table: "migrations",
        generic_name: true,
        recognize: |c| c.only(&["id", "timestamp", "name"]) && c.has("timestamp", "bigint"),
        select: concat!(
            "\"timestamp\"::text, name, NULL, NULL, ",
            ms!("\"timestamp\""),
            ", 'applied'"
        ),
        order: "id",
        time: TimeSource::Stamp,
        files: Files::Names(name_typeorm),
        row_key: row_number,
        ..BASE
    },
    Tracker {
        id: "django",
        name: "Django",
        table: "django_migrations",
        recognize: |c| c.has_all(&["id", "app", "name", "applied"]),
        select: concat!("app || '.' || name, NULL, NULL, NULL, ", ts!("applied"), ", 'applied'"),
        order: "id",
        files: Files::Names(name_django),
        scoped_keys: true,
        ..BASE
    },
    Tracker {
        id: "ef-core",
        name: "EF Core",
        table: "__EFMigrationsHistory",
        recognize: |c| c.has_all(&["MigrationId", "ProductVersion"]),
        select: "\"MigrationId\", 'EF Core ' || \"ProductVersion\", NULL, NULL, NULL, 'applied'",
        order: "\"MigrationId\"",
        time: TimeSource::Stamp,
        files: Files::Names(name_ef),
        ..BASE
    },
    Tracker {
        id: "liquibase",
        name: "Liquibase",
        table: "databasechangelog",
        companions: &["databasechangeloglock"],
        recognize: |c| {
            c.has_all(&["id", "author", "filename", "dateexecuted", "exectype", "md5sum"])
        },
        // One row per changeset, named as Liquibase names them: id::author::file.
        select: concat!(
            "id || '::' || author || '::' || filename, description, filename, md5sum, ",
            ts!("dateexecuted"),
            ", CASE exectype WHEN 'FAILED' THEN 'failed' WHEN 'MARK_RAN' THEN 'baseline' \
               WHEN 'SKIPPED' THEN 'marker' ELSE 'applied' END"
        ),
        order: "orderexecuted, dateexecuted",
        files: Files::Names(name_liquibase),
        row_key: row_file_name,
        checksum: Checksum::NotComparable(
            "Liquibase's MD5 covers each changeset's normalised content, not a file",
        ),
        ..BASE
    },
    Tracker {
        id: "atlas",
        name: "Atlas",
        table: "atlas_schema_revisions",
        default_schema: "atlas_schema_revisions",
        recognize: |c| {
            c.has_all(&["version", "applied", "total", "executed_at", "hash", "partial_hashes"])
        },
        select: concat!("version, description, NULL, hash, ", ts!("executed_at"),
            ", CASE WHEN version LIKE '.%' THEN 'marker' \
               WHEN coalesce(\"error\", '') <> '' OR applied < total THEN 'failed' \
               WHEN \"type\" & 1 = 1 THEN 'baseline' ELSE 'applied' END"),
        order: "executed_at, version",
        files: Files::Names(name_atlas),
        row_key: row_number,
        checksum: Checksum::NotComparable(
            "Atlas's hashes chain each file with the ones before it (atlas.sum); \
             `atlas migrate validate` checks them",
        ),
        ..BASE
    },
    Tracker {
        id: "sqitch",
        name: "Sqitch",
        table: "changes",
        default_schema: "sqitch",
        generic_name: true,
        recognize: |c| {
            c.has_all(&["change_id", "script_hash", "change", "project", "committed_at"])
        },
        select: concat!(
            "\"change\", note, NULL, script_hash, ",
            ts!("committed_at"),
            ", 'applied'"
        ),
        order: "committed_at, \"change\"",
        files: Files::Names(name_sqitch),
        checksum: Checksum::NotComparable(
            "Sqitch's script_hash is a SHA-1 of the deploy script, which pgdrift does not compute",
        ),
        ..BASE
    },
];

#[cfg(test)]
mod tests {
    use super::TRACKERS;
    use crate::migrate::history::sha256_hex;

    #[test]
    fn drizzle_hashes_match_either_line_ending() {
        let drizzle = TRACKERS.iter().find(|t| t.id == "drizzle").unwrap();
        let crlf = b"CREATE TABLE a (id int);\r\n";
        let lf_hash = sha256_hex(b"CREATE TABLE a (id int);\n");
        assert!(drizzle.checksum.matches(crlf, &lf_hash));
        assert!(drizzle.checksum.matches(crlf, &sha256_hex(crlf)));
        assert!(!drizzle.checksum.matches(crlf, &sha256_hex(b"other")));
    }
}
