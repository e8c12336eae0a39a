//! Orphans across a fleet: from an audit of `pgdrift.toml`, every object a database holds
//! that its role's desired schema lacks (PA021) or that belongs to another role (PA023),
//! with the evidence the audit read for relations, worst first per database.

use super::object::{Brief, VerdictState};
use crate::fleet::audit::findings::{EXTRA_OBJECT, LEAKED_OBJECT};
use crate::fleet::audit::AuditReport;
use serde::Serialize;

/// The layout of the JSON form; raised when a field changes meaning or goes.
pub const FORMAT_VERSION: u32 = 1;

/// What `pgdrift orphans --config` reports.
#[derive(Debug, Clone, Serialize)]
pub struct FleetOrphans {
    pub format_version: u32,
    /// Always `fleet`: tells this layout from one database's.
    pub layout: &'static str,
    pub config: Option<String>,
    /// Databases with orphans, and those that could not be read, by server and name.
    pub databases: Vec<DatabaseOrphans>,
    /// Databases read that have no orphans.
    pub clean: usize,
}

/// One database's orphans.
#[derive(Debug, Clone, Serialize)]
pub struct DatabaseOrphans {
    pub server: String,
    pub database: String,
    pub role: Option<String>,
    /// Why it could not be read; then `orphans` is empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Worst first.
    pub orphans: Vec<FleetOrphan>,
}

/// One object no desired schema of its database's role declares.
#[derive(Debug, Clone, Serialize)]
pub struct FleetOrphan {
    /// `table public.backup_test`.
    pub object: String,
    /// `PA021` (in no desired schema) or `PA023` (another role's).
    pub code: &'static str,
    pub message: String,
    /// For tables, views and sequences; other kinds have none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Brief>,
}

impl FleetOrphans {
    pub fn count(&self) -> usize {
        self.databases.iter().map(|d| d.orphans.len()).sum()
    }

    pub fn unreadable(&self) -> usize {
        self.databases.iter().filter(|d| d.error.is_some()).count()
    }
}

/// The orphans an audit found.
pub fn from_audit(report: &AuditReport) -> FleetOrphans {
    let mut databases = Vec::new();
    let mut clean = 0;
    for d in &report.databases {
        let mut orphans: Vec<FleetOrphan> = (report.findings.iter())
            .filter(|f| f.server == d.server && f.database.as_deref() == Some(d.name.as_str()))
            .filter(|f| f.code == EXTRA_OBJECT.code || f.code == LEAKED_OBJECT.code)
            .map(|f| FleetOrphan {
                object: f.object.clone().unwrap_or_default(),
                code: f.code,
                message: f.message.clone(),
                evidence: f.evidence.clone(),
            })
            .collect();
        if orphans.is_empty() && d.error.is_none() {
            clean += 1;
            continue;
        }
        orphans.sort_by_key(|o| (rank(o), std::cmp::Reverse(size(o)), o.object.clone()));
        databases.push(DatabaseOrphans {
            server: d.server.clone(),
            database: d.name.clone(),
            role: d.role.clone(),
            error: d.error.clone(),
            orphans,
        });
    }
    FleetOrphans {
        format_version: FORMAT_VERSION,
        layout: "fleet",
        config: report.config.clone(),
        databases,
        clean,
    }
}

/// In use first, then unknown, likely unused, unused; objects without evidence last.
fn rank(o: &FleetOrphan) -> u8 {
    match o.evidence.as_ref().map(|e| e.verdict) {
        Some(VerdictState::InUse) => 0,
        Some(VerdictState::Unknown) => 1,
        Some(VerdictState::LikelyUnused) => 2,
        Some(VerdictState::Unused) => 3,
        None => 4,
    }
}

fn size(o: &FleetOrphan) -> i64 {
    o.evidence.as_ref().map_or(0, |e| e.total_bytes)
}
