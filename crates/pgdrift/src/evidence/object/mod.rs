//! Evidence about relations of a live database, for "can I delete this?": what each holds
//! (rows, sizes, the oldest and newest indexed timestamps), what ties to it (foreign keys,
//! views, triggers, policies, owned sequences, publications, functions whose bodies name it),
//! its activity since the statistics were reset, and a [`Verdict`] with every reason.
//!
//! Read in one `REPEATABLE READ, READ ONLY` transaction, a query per kind of fact for every
//! relation at once; only the exact row counts and timestamp ranges are read per table,
//! each bounded by its own timeout. Statistics are read before anything is counted, since a
//! count is a sequential scan.
//!
//! Beyond that one database: [`replicas`] adds each replica's statistics, [`statements`]
//! the statements of pg_stat_statements, and [`fleet_run`] and [`fleet`] investigate every
//! database of a fleet and aggregate per relation; `judge` weighs all of it.

mod bodies;
mod brief;
pub mod fleet;
pub mod fleet_run;
mod judge;
pub mod other;
mod read;
pub mod replicas;
pub mod statements;
mod verdict;

pub use brief::Brief;
pub use read::{investigate, investigate_exact, EvidenceError, InvestigateOptions};
pub use replicas::{add_replicas, InstanceActivity};
pub use statements::{add_statements, StatementUse};
pub use verdict::{apply_claims, verdict, Inputs, Verdict, VerdictState};

use serde::Serialize;

/// The layout of the JSON form; raised when a field changes meaning or goes.
pub const FORMAT_VERSION: u32 = 1;

/// What one relation holds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Holds {
    /// Rows: counted exactly when the count finished within the timeout, else the planner's
    /// estimate (see `rows_exact`); `None` when neither is known.
    pub rows: Option<i64>,
    pub rows_exact: bool,
    pub total_bytes: i64,
    pub table_bytes: i64,
    pub index_bytes: i64,
    pub toast_bytes: i64,
    /// False when the sizes come from the planner's page counts, not the files.
    pub sizes_exact: bool,
    /// Oldest and newest values of indexed timestamp and date columns.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub timestamps: Vec<TimeRange>,
}

/// The range of one timestamp column.
#[derive(Debug, Clone, Serialize)]
pub struct TimeRange {
    pub column: String,
    pub oldest: Option<String>,
    pub newest: Option<String>,
}

/// One thing tied to a relation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tie {
    /// `fk_in`, `fk_out`, `view`, `trigger`, `policy`, `sequence`, `publication`, `function`.
    pub kind: String,
    /// The other object (`app.orders`, a trigger's name, `app.f(integer)`).
    pub other: String,
    /// The constraint's name, the trigger's function, the statement that names it...
    pub detail: String,
}

impl Tie {
    /// True for ties that break or stop working when the relation goes: a foreign key
    /// pointing at it, a view reading it, a function naming it, a publication of it.
    pub fn depends_on_it(&self) -> bool {
        matches!(
            self.kind.as_str(),
            "fk_in" | "view" | "function" | "publication" | "dependent"
        )
    }
}

/// Statistics since the last reset (per server instance: a replica keeps its own).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Activity {
    pub seq_scan: i64,
    /// PostgreSQL 16+.
    pub last_seq_scan: Option<String>,
    pub idx_scan: i64,
    pub last_idx_scan: Option<String>,
    pub inserted: i64,
    pub updated: i64,
    pub deleted: i64,
    pub last_vacuum: Option<String>,
    pub last_autovacuum: Option<String>,
    pub last_analyze: Option<String>,
    pub last_autoanalyze: Option<String>,
    /// When the database's statistics were reset (`None`: never, since the server started).
    pub stats_reset: Option<String>,
    /// How long the statistics cover, in seconds.
    pub window_seconds: i64,
}

impl ObjectEvidence {
    /// Takes the code references found for this object and judges it again with them.
    pub fn with_code(&mut self, found: Vec<crate::evidence::code::Location>) {
        self.code = Some(found);
        self.judge();
    }

    /// Takes who claims this object (desired schemas, migrations) and judges it again.
    pub fn with_claims(&mut self, claims: crate::evidence::claims::Claims) {
        self.claims = Some(claims);
        self.judge();
    }
}

impl Activity {
    pub fn reads(&self) -> i64 {
        self.seq_scan + self.idx_scan
    }
    pub fn writes(&self) -> i64 {
        self.inserted + self.updated + self.deleted
    }
}

/// Everything found about one relation.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectEvidence {
    /// `schema.name`.
    pub object: String,
    /// `table`, `partitioned table`, `foreign table`, `view`, `materialized view`, `sequence`.
    pub kind: &'static str,
    pub owner: String,
    pub holds: Holds,
    pub ties: Vec<Tie>,
    /// `None` for relations without table statistics (views, sequences).
    pub activity: Option<Activity>,
    /// Where code references it; `None` when no code was searched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Vec<crate::evidence::code::Location>>,
    /// Which desired schemas and migrations claim it; `None` when none were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<crate::evidence::claims::Claims>,
    /// Statistics per server instance, the primary first; empty unless replicas were read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub activity_by_instance: Vec<InstanceActivity>,
    /// A function's calls since the statistics were reset; `None` for other kinds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calls: Option<other::Calls>,
    /// The statements of pg_stat_statements that name it; `None` when not looked at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statements: Option<StatementUse>,
    pub verdict: Verdict,
}

/// The evidence for every relation asked about.
#[derive(Debug, Clone, Serialize)]
pub struct Investigation {
    pub format_version: u32,
    /// The database, its connection string masked.
    pub database: String,
    pub server_version: String,
    pub objects: Vec<ObjectEvidence>,
    /// Patterns that matched nothing, with the closest names.
    pub not_found: Vec<NotFound>,
}

/// A pattern that matched no relation.
#[derive(Debug, Clone, Serialize)]
pub struct NotFound {
    pub pattern: String,
    pub closest: Vec<String>,
}

/// `relkind` as a word.
pub fn relkind_name(relkind: &str) -> &'static str {
    match relkind {
        "r" => "table",
        "p" => "partitioned table",
        "f" => "foreign table",
        "v" => "view",
        "m" => "materialized view",
        "S" => "sequence",
        _ => "relation",
    }
}
