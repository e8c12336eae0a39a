//! Homegrown trackers: tables a team's own runner keeps as a migration log, recognised by
//! their shape, not by a tool's name. A candidate is one when its name reads like a log
//! (`*migration*`, `*schema_version*`, `*changelog*`, `*_history`), it has a version-like
//! column (a number, or text holding numbers, stamps or file names), and every other column
//! is something such a log keeps (an id, a name, when and by whom it ran, a checksum, a
//! status, a duration). A table with any other column is data, never a tracker: a wrong
//! "tracker" would hide a real table from every comparison.

use super::detect::Candidate;
use super::read::ALIAS;
use super::tracker::{Checksum, Files, Record, TimeSource, Tracker};
use crate::sql::{Ident, QualIdent};

/// At most this many columns: a log keeps few.
const MAX_COLUMNS: usize = 10;

/// `LIKE` patterns (on the lowercased name) the catalog query looks for.
pub(super) const NAME_PATTERNS: &[&str] = &[
    "%migration%",
    "%schema\\_version%",
    "%schemaversion%",
    "%changelog%",
    "%\\_history",
];

/// True when a table's name reads like a migration log.
pub fn name_reads_like_log(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("migration")
        || n.contains("schema_version")
        || n.contains("schemaversion")
        || n.contains("changelog")
        || (n.ends_with("_history") && n.len() > "_history".len())
}

/// What a column of a migration log is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Version,
    /// A name or file name (the version when no column is called like one).
    Name,
    Time,
    Checksum,
    /// A boolean that is true when the migration succeeded.
    Success,
    /// A boolean that is true when the migration stopped half-way.
    Dirty,
    /// A text status (`success`, `failed`, ...).
    Status,
    /// Bookkeeping: ids, ranks, durations, who ran it, kinds, batches.
    Other,
}

const VERSION_NAMES: &[&str] = &[
    "version",
    "version_num",
    "version_id",
    "version_number",
    "schema_version",
    "migration",
    "migration_id",
    "migration_version",
    "migration_name",
    "revision",
];
const NAME_NAMES: &[&str] = &[
    "name",
    "description",
    "title",
    "label",
    "comment",
    "filename",
    "file_name",
    "file",
    "script",
    "script_name",
    "path",
    "migration_file",
];
const TIME_NAMES: &[&str] = &[
    "applied_at",
    "applied_on",
    "run_at",
    "run_on",
    "executed_at",
    "executed_on",
    "installed_at",
    "installed_on",
    "migrated_at",
    "created_at",
    "inserted_at",
    "tstamp",
];
const CHECKSUM_NAMES: &[&str] = &[
    "checksum", "hash", "md5", "md5sum", "sha", "sha1", "sha256", "digest",
];
const OTHER_NAMES: &[&str] = &[
    "id",
    "rank",
    "installed_rank",
    "seq",
    "execution_time",
    "execution_ms",
    "duration",
    "duration_ms",
    "elapsed",
    "elapsed_ms",
    "time_ms",
    "runtime",
    "applied_by",
    "installed_by",
    "executed_by",
    "run_by",
    "author",
    "username",
    "user_name",
    "user",
    "kind",
    "type",
    "batch",
];

fn is_number_type(t: &str) -> bool {
    ["smallint", "integer", "bigint", "numeric"]
        .iter()
        .any(|p| t.starts_with(p))
}

fn is_text_type(t: &str) -> bool {
    ["text", "character varying", "character", "citext"]
        .iter()
        .any(|p| t.starts_with(p))
}

fn is_time_type(t: &str) -> bool {
    t.starts_with("timestamp") || t == "date"
}

/// The role of column `name` of type `t`, or `None` when a migration log has no such column.
fn role(name: &str, t: &str) -> Option<Role> {
    let n = name.to_ascii_lowercase();
    let n = n.as_str();
    let scalar = is_number_type(t) || is_text_type(t);
    if VERSION_NAMES.contains(&n) && scalar {
        return Some(Role::Version);
    }
    if NAME_NAMES.contains(&n) && is_text_type(t) {
        return Some(Role::Name);
    }
    if is_time_type(t) && (TIME_NAMES.contains(&n) || n.ends_with("_at") || n.ends_with("_on")) {
        return Some(Role::Time);
    }
    if CHECKSUM_NAMES.contains(&n) && (scalar || t == "bytea") {
        return Some(Role::Checksum);
    }
    if t == "boolean" {
        return match n {
            "success" | "succeeded" | "applied" | "is_applied" | "ok" => Some(Role::Success),
            "dirty" | "failed" => Some(Role::Dirty),
            _ => None,
        };
    }
    if (n == "status" || n == "state" || n == "error") && is_text_type(t) {
        return Some(Role::Status);
    }
    (OTHER_NAMES.contains(&n) && (scalar || is_time_type(t))).then_some(Role::Other)
}

/// How a homegrown tracker's columns are read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Layout {
    /// The column that identifies a migration.
    pub version: String,
    /// True when it holds numbers (sorted as numbers).
    pub numeric: bool,
    /// A name or description column besides the version.
    pub name: Option<String>,
    /// When the migration ran (a timestamp or date column).
    pub applied_at: Option<String>,
    pub checksum: Option<String>,
    /// A success/dirty boolean or a text status, with its role.
    status: Option<(String, StatusKind)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
enum StatusKind {
    Success,
    Dirty,
    Text,
}

/// The layout of `c` when it is a homegrown migration log.
pub fn recognize(c: &Candidate) -> Option<Layout> {
    if !c.plain_table || !name_reads_like_log(&c.table) || c.columns.len() > MAX_COLUMNS {
        return None;
    }
    let mut roles = Vec::with_capacity(c.columns.len());
    for (name, t) in &c.columns {
        roles.push((name.as_str(), t.as_str(), role(name, t)?));
    }
    let first = |wanted: Role| roles.iter().find(|(_, _, r)| *r == wanted);
    let (version, vtype, _) = first(Role::Version).or_else(|| first(Role::Name))?;
    let name = roles
        .iter()
        .find(|(n, _, r)| *r == Role::Name && n != version)
        .map(|(n, _, _)| n.to_string());
    let applied_at = first(Role::Time).map(|(n, _, _)| n.to_string());
    let status = [
        (Role::Success, StatusKind::Success),
        (Role::Dirty, StatusKind::Dirty),
        (Role::Status, StatusKind::Text),
    ]
    .iter()
    .find_map(|(r, k)| first(*r).map(|(n, _, _)| (n.to_string(), *k)));
    Some(Layout {
        version: version.to_string(),
        numeric: is_number_type(vtype),
        name,
        applied_at,
        checksum: first(Role::Checksum).map(|(n, t, _)| {
            if *t == "bytea" {
                format!("encode({}, 'hex')", Ident(n))
            } else {
                format!("{}::text", Ident(n))
            }
        }),
        status,
    })
}

impl Layout {
    /// The query that reads the log as (version, description, file, checksum, applied_at,
    /// status, repeatable), in the order the runner applied the migrations.
    pub fn read_sql(&self, schema: &str, table: &str) -> String {
        let v = Ident(&self.version).to_string();
        let name = self
            .name
            .as_deref()
            .map_or("NULL".to_string(), |n| format!("{}::text", Ident(n)));
        let at = self.applied_at.as_deref().map_or("NULL".to_string(), |a| {
            format!("to_char({}, 'YYYY-MM-DD HH24:MI:SS')", Ident(a))
        });
        let status = match &self.status {
            Some((c, StatusKind::Success)) => {
                format!(
                    "CASE WHEN {} IS FALSE THEN 'failed' ELSE 'applied' END",
                    Ident(c)
                )
            }
            Some((c, StatusKind::Dirty)) => {
                format!("CASE WHEN {} THEN 'dirty' ELSE 'applied' END", Ident(c))
            }
            Some((c, StatusKind::Text)) => format!(
                "CASE WHEN lower({}::text) IN ('failed', 'failure', 'error', 'dirty', 'running', \
                 'pending') THEN 'failed' ELSE 'applied' END",
                Ident(c)
            ),
            None => "'applied'".to_string(),
        };
        // Through the table's alias: the select list's `version::text` is named `version`
        // too, and ORDER BY would take that text.
        let order = match (&self.applied_at, self.numeric) {
            (_, true) | (None, _) => format!("{ALIAS}.{v}"),
            (Some(a), false) => format!("{ALIAS}.{} NULLS FIRST, {ALIAS}.{v}", Ident(a)),
        };
        format!(
            "SELECT {v}::text, {name}, NULL::text, {}, {at}, {status}, false FROM {} AS {ALIAS} \
             WHERE {v} IS NOT NULL ORDER BY {order}",
            self.checksum.as_deref().unwrap_or("NULL::text"),
            QualIdent(schema, table)
        )
    }

    /// The tracker whose behaviour the log's rows follow.
    pub fn tracker(&self) -> &'static Tracker {
        if self.applied_at.is_some() {
            &HOMEGROWN
        } else {
            &HOMEGROWN_UNTIMED
        }
    }
}

/// A homegrown tracker: one row per migration, matched with files by number or name.
pub static HOMEGROWN: Tracker = Tracker {
    id: "homegrown",
    name: "homegrown tracker",
    table: "",
    default_schema: "public",
    companions: &[],
    generic_name: false,
    recognize: |c| recognize(c).is_some(),
    select: "",
    repeatable: "false",
    order: "",
    record: Record::Ledger,
    time: TimeSource::Applied,
    files: Files::Homegrown,
    row_key: |r| Some(r.version.clone()),
    checksum: Checksum::NotComparable("a homegrown tracker's checksums follow its own rules"),
    watermark: false,
    baseline_covers_older: false,
    scoped_keys: false,
};

/// A homegrown tracker that records no times: a version's own stamp is all there is.
pub static HOMEGROWN_UNTIMED: Tracker = Tracker {
    time: TimeSource::Stamp,
    ..HOMEGROWN
};

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(table: &str, columns: &[(&str, &str)]) -> Candidate {
        super::super::detect::tests::candidate("public", table, columns, &[])
    }

    #[test]
    fn a_versioned_log_is_a_tracker() {
        let c = candidate(
            "schema_migrations",
            &[
                ("version", "integer"),
                ("name", "text"),
                ("applied_at", "timestamp with time zone"),
            ],
        );
        let l = recognize(&c).expect("a tracker");
        assert_eq!(l.version, "version");
        assert!(l.numeric);
        assert_eq!(l.name.as_deref(), Some("name"));
        assert_eq!(l.applied_at.as_deref(), Some("applied_at"));
        let sql = l.read_sql("public", "schema_migrations");
        assert!(sql.contains("FROM public.schema_migrations"), "{sql}");
        assert!(sql.ends_with("ORDER BY tracked.version"), "{sql}");
    }

    #[test]
    fn a_log_of_file_names_is_a_tracker() {
        let c = candidate(
            "pgmigrations",
            &[
                ("id", "integer"),
                ("name", "character varying(255)"),
                ("run_on", "timestamp without time zone"),
            ],
        );
        let l = recognize(&c).expect("a tracker");
        assert_eq!(l.version, "name");
        assert_eq!(l.name, None);
        assert!(!l.numeric);
    }

    #[test]
    fn data_tables_with_history_names_are_not_trackers() {
        for (table, columns) in [
            (
                "price_history",
                vec![("version", "integer"), ("price", "numeric(12,2)")],
            ),
            (
                "order_history",
                vec![("id", "bigint"), ("order_id", "bigint"), ("status", "text")],
            ),
            (
                "bird_migrations",
                vec![("id", "integer"), ("species", "text")],
            ),
            // The shape of a log, but not its name.
            (
                "releases",
                vec![("version", "text"), ("applied_at", "date")],
            ),
            // No version, no name.
            (
                "audit_history",
                vec![("id", "integer"), ("created_at", "date")],
            ),
        ] {
            assert_eq!(recognize(&candidate(table, &columns)), None, "{table}");
        }
        let mut view = candidate("schema_migrations", &[("version", "integer")]);
        view.plain_table = false;
        assert_eq!(recognize(&view), None);
    }

    #[test]
    fn statuses_and_checksums_are_read() {
        let c = candidate(
            "db_changelog",
            &[
                ("version", "text"),
                ("hash", "bytea"),
                ("success", "boolean"),
                ("executed_at", "timestamp(0) without time zone"),
            ],
        );
        let l = recognize(&c).expect("a tracker");
        let sql = l.read_sql("ops", "db_changelog");
        assert!(sql.contains("encode(hash, 'hex')"), "{sql}");
        assert!(sql.contains("success IS FALSE THEN 'failed'"), "{sql}");
        assert!(
            sql.contains("ORDER BY tracked.executed_at NULLS FIRST, tracked.version"),
            "{sql}"
        );
    }

    #[test]
    fn mixed_case_names_are_quoted() {
        let c = candidate("MigrationLog", &[("Version", "bigint")]);
        let l = recognize(&c).expect("a tracker");
        assert!(l
            .read_sql("App", "MigrationLog")
            .contains("\"App\".\"MigrationLog\""));
        assert!(l
            .read_sql("App", "MigrationLog")
            .contains("\"Version\"::text"));
    }
}
