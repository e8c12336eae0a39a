//! The audit's result as data: servers, roles, databases with their facts and trackers, the
//! findings, and the drift matrix. Renderers (text, markdown, HTML, JSON) read only this.

use super::findings::{Finding, Severity};
use crate::fleet::facts::DatabaseFacts;

/// The layout version of the JSON report.
pub const FORMAT_VERSION: u32 = 1;

/// Everything an audit found.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditReport {
    pub format_version: u32,
    pub pgdrift_version: &'static str,
    /// The configuration file the audit ran from.
    pub config: Option<String>,
    pub servers: Vec<ServerEntry>,
    pub roles: Vec<RoleEntry>,
    /// Worst first, then by server and name.
    pub databases: Vec<DatabaseEntry>,
    /// Worst first, then by server, database and code.
    pub findings: Vec<Finding>,
    pub matrix: DriftMatrix,
    /// What `pgdrift report merge` needs to rebuild the whole fleet's report from the
    /// shards' reports; only in the report of `pgdrift audit --shard K/N`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardPart>,
}

/// A shard's part of a fleet audit, beyond its report: the roles' desired objects, the
/// findings about servers rather than databases, and each database's matrix cells.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShardPart {
    /// `K/N`.
    pub shard: String,
    pub roles: Vec<RolePart>,
    /// Findings about a server or the fleet (in `findings` too), not about one database.
    pub fleet_findings: Vec<Finding>,
    pub cells: Vec<DatabaseCells>,
}

/// A role as the shard loaded it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RolePart {
    pub name: String,
    pub desired: Option<String>,
    /// Whether its desired schema was loaded.
    pub loaded: bool,
    /// Its desired schema's top-level objects, sorted.
    pub objects: Vec<String>,
    pub error: Option<String>,
}

/// A database's deviations from its role's desired schema, by object.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DatabaseCells {
    pub server: String,
    pub database: String,
    /// `None` when the database could not be compared.
    pub cells: Option<std::collections::BTreeMap<String, Cell>>,
}

/// A server of the fleet.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ServerEntry {
    pub name: String,
    /// development, test, staging or production.
    pub stage: String,
    /// Its connection string, password masked.
    pub target: String,
    pub version: Option<String>,
    /// Databases audited on it.
    pub databases: usize,
    /// Why it could not be reached.
    pub error: Option<String>,
}

/// A role: which databases play it and what they should contain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RoleEntry {
    pub name: String,
    /// The desired schema's source as configured.
    pub desired: Option<String>,
    /// Top-level objects in the desired schema.
    pub objects: usize,
    /// Databases that play it.
    pub databases: usize,
    /// Why the desired schema could not be loaded.
    pub error: Option<String>,
}

/// How alive a database is, from the server's statistics.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ActivityHints {
    /// Transactions committed and rolled back since `stats_reset`.
    pub commits: i64,
    pub rollbacks: i64,
    /// Sessions connected when it was read.
    pub sessions: i32,
    /// When the counters start (`None`: since the statistics were created).
    pub stats_reset: Option<String>,
}

/// A migration tool's tracking table, in short.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TrackerSummary {
    pub tool: String,
    pub table: String,
    /// `None` when the table could not be read (see `unreadable`): never a false 0.
    pub applied: Option<usize>,
    /// Why the audit's role could not read it, with the GRANT that lets it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
    pub latest: Option<String>,
    pub last_activity: Option<String>,
}

/// One database of the fleet.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DatabaseEntry {
    pub server: String,
    pub name: String,
    pub role: Option<String>,
    pub owner: Option<String>,
    pub encoding: Option<String>,
    pub size_bytes: Option<i64>,
    pub facts: Option<DatabaseFacts>,
    /// From the server's statistics (`pg_stat_database`).
    pub activity: Option<ActivityHints>,
    pub trackers: Vec<TrackerSummary>,
    /// The tool that manages it, as the history verdict says.
    pub managed_by: Option<String>,
    /// Findings per severity.
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Why it could not be read.
    pub error: Option<String>,
    /// Where its generated docs are (`[docs] link` of pgdrift.toml), as the user wrote it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
}

impl DatabaseEntry {
    /// The worst severity among its findings.
    pub fn worst(&self) -> Option<Severity> {
        if self.errors > 0 {
            Some(Severity::Error)
        } else if self.warnings > 0 {
            Some(Severity::Warning)
        } else if self.infos > 0 {
            Some(Severity::Info)
        } else {
            None
        }
    }
}

/// What a matrix cell says about an object in a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cell {
    /// There, as desired.
    Present,
    /// Desired, not there.
    Missing,
    /// There, but not as desired.
    Differs,
    /// There, though no desired schema has it.
    Extra,
    /// There, though it belongs to another role's desired schema.
    Leaked,
    /// Not desired here and not there.
    Absent,
    /// The column could not be read.
    Unknown,
}

/// A column of the matrix: a desired schema or a database.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MatrixColumn {
    /// `desired: master` or `prod/tenant_1`.
    pub label: String,
    /// `desired` or `database`.
    pub kind: &'static str,
    pub role: Option<String>,
}

/// A row of the matrix: one top-level object (`table public.orders`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MatrixRow {
    pub object: String,
    /// One per column.
    pub cells: Vec<Cell>,
}

/// Objects × (desired schemas, databases); only rows where some database is not as desired
/// are kept, unless the fleet is small.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DriftMatrix {
    pub columns: Vec<MatrixColumn>,
    pub rows: Vec<MatrixRow>,
    /// Rows left out because they are the same everywhere.
    pub rows_in_agreement: usize,
}

impl AuditReport {
    /// Whether any finding is at or above `level`.
    pub fn fails_at(&self, level: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= level)
    }
}
