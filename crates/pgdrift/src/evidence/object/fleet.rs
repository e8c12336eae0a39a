//! The evidence for removing relations across a fleet: the investigation of every database
//! aggregated per relation — where it exists and where not, its rows and activity summed, a
//! verdict (in use in any database: in use), and one line per database. Databases that
//! could not be read are listed and keep any verdict short of "unused".

use super::fleet_run::{DatabaseRun, FleetRun};
use super::{ObjectEvidence, Verdict, VerdictState};
use serde::Serialize;
use std::collections::BTreeMap;

/// The layout of the fleet JSON form (the single-database form has its own).
pub const FLEET_FORMAT_VERSION: u32 = 1;

/// Every relation investigated across the fleet.
#[derive(Debug, Clone, Serialize)]
pub struct FleetInvestigation {
    pub format_version: u32,
    /// Always `fleet`: tells this layout from the single-database one.
    pub layout: &'static str,
    /// Every database investigated, in the configuration's order.
    pub databases: Vec<FleetDatabase>,
    /// Servers whose databases could not be listed.
    pub unreachable_servers: Vec<UnreachableServer>,
    /// By `schema.name`.
    pub objects: Vec<FleetObject>,
    /// Patterns that matched nothing in any database read.
    pub not_found: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FleetDatabase {
    /// How lines name it: the database, or `server/database` when there are several servers.
    pub name: String,
    pub server: String,
    /// Its connection string, masked.
    pub target: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_version: Option<String>,
    /// Why it could not be investigated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnreachableServer {
    pub server: String,
    pub error: String,
}

/// One relation across the fleet.
#[derive(Debug, Clone, Serialize)]
pub struct FleetObject {
    pub object: String,
    pub kind: &'static str,
    pub present_in: Vec<String>,
    /// Databases read that do not have it.
    pub absent_in: Vec<String>,
    /// Rows in all the databases that have it (counted or estimated; unknown ones left out).
    pub rows: i64,
    /// True when every database's rows were counted exactly.
    pub rows_exact: bool,
    /// Databases where its rows are unknown (never analyzed, and not counted).
    pub rows_unknown_in: Vec<String>,
    pub activity: FleetActivity,
    /// Calls pg_stat_statements recorded for it, in all databases.
    pub statement_calls: i64,
    pub verdict: Verdict,
    /// Which roles' desired schemas (pgdrift.toml) declare it, and their conflicts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<crate::evidence::claims::Claims>,
    pub per_database: Vec<DatabaseLine>,
}

/// Statistics summed over every database (and every instance read).
#[derive(Debug, Clone, Default, Serialize)]
pub struct FleetActivity {
    pub seq_scan: i64,
    pub idx_scan: i64,
    pub inserted: i64,
    pub updated: i64,
    pub deleted: i64,
}

/// The relation in one database.
#[derive(Debug, Clone, Serialize)]
pub struct DatabaseLine {
    pub database: String,
    pub rows: Option<i64>,
    pub rows_exact: bool,
    pub reads: i64,
    pub writes: i64,
    pub verdict: VerdictState,
    pub reasons: Vec<String>,
    pub missing: Vec<String>,
}

/// Aggregates the runs of a fleet, per relation.
pub fn aggregate(run: &FleetRun) -> FleetInvestigation {
    let databases = databases(run);
    let mut objects: BTreeMap<String, FleetObject> = BTreeMap::new();
    let mut read: Vec<String> = Vec::new();
    let mut matched: Vec<&str> = Vec::new();
    for (r, db) in run.runs.iter().zip(&databases) {
        let Ok(inv) = &r.result else { continue };
        read.push(db.name.clone());
        for o in &inv.objects {
            let entry = objects.entry(o.object.clone()).or_insert_with(|| empty(o));
            add(entry, &db.name, o);
        }
        let found = |p: &&String| !inv.not_found.iter().any(|n| &n.pattern == *p);
        matched.extend(run.patterns.iter().filter(found).map(String::as_str));
    }
    let unreadable: Vec<&str> = (databases.iter())
        .filter(|d| d.error.is_some())
        .map(|d| d.name.as_str())
        .collect();
    let mut objects: Vec<FleetObject> = objects.into_values().collect();
    for o in &mut objects {
        o.absent_in = (read.iter())
            .filter(|d| !o.present_in.contains(d))
            .cloned()
            .collect();
        o.verdict = fleet_verdict(&o.per_database, &unreadable);
    }
    let mut not_found: Vec<String> = (run.patterns.iter())
        .filter(|p| !read.is_empty() && !matched.contains(&p.as_str()))
        .cloned()
        .collect();
    not_found.dedup();
    FleetInvestigation {
        format_version: FLEET_FORMAT_VERSION,
        layout: "fleet",
        databases,
        unreachable_servers: run.unreachable_servers.clone(),
        objects,
        not_found,
    }
}

/// Every database run, named by database alone when they are all on one server, else as
/// `server/database`.
fn databases(run: &FleetRun) -> Vec<FleetDatabase> {
    let several = (run.runs.iter()).any(|r| r.server != run.runs[0].server);
    let name = |r: &DatabaseRun| match several {
        true => format!("{}/{}", r.server, r.database),
        false => r.database.clone(),
    };
    (run.runs.iter())
        .map(|r| FleetDatabase {
            name: name(r),
            server: r.server.clone(),
            target: r.target.clone(),
            server_version: r.result.as_ref().ok().map(|i| i.server_version.clone()),
            error: r.result.as_ref().err().cloned(),
        })
        .collect()
}

fn empty(o: &ObjectEvidence) -> FleetObject {
    FleetObject {
        object: o.object.clone(),
        kind: o.kind,
        present_in: Vec::new(),
        absent_in: Vec::new(),
        rows: 0,
        rows_exact: true,
        rows_unknown_in: Vec::new(),
        activity: FleetActivity::default(),
        statement_calls: 0,
        verdict: Verdict {
            state: VerdictState::Unknown,
            reasons: Vec::new(),
            missing: Vec::new(),
        },
        claims: None,
        per_database: Vec::new(),
    }
}

impl FleetObject {
    /// Takes which roles' desired schemas declare it, and judges it again: a role that
    /// declares it claims it.
    pub fn with_claims(&mut self, claims: crate::evidence::claims::Claims) {
        super::verdict::apply_claims(&mut self.verdict, Some(&claims));
        self.claims = Some(claims);
    }
}

/// Adds one database's evidence about the relation.
fn add(f: &mut FleetObject, db: &str, o: &ObjectEvidence) {
    f.present_in.push(db.to_string());
    match o.holds.rows {
        Some(n) => f.rows += n,
        None => f.rows_unknown_in.push(db.to_string()),
    }
    f.rows_exact &= o.holds.rows_exact;
    let instances: Vec<_> = match o.activity_by_instance.is_empty() {
        true => o.activity.iter().collect(),
        false => (o.activity_by_instance.iter())
            .filter_map(|i| i.activity.as_ref())
            .collect(),
    };
    let (mut reads, mut writes) = (0, 0);
    for a in instances {
        f.activity.seq_scan += a.seq_scan;
        f.activity.idx_scan += a.idx_scan;
        f.activity.inserted += a.inserted;
        f.activity.updated += a.updated;
        f.activity.deleted += a.deleted;
        (reads, writes) = (reads + a.reads(), writes + a.writes());
    }
    f.statement_calls += o.statements.as_ref().map_or(0, |s| s.calls);
    f.per_database.push(DatabaseLine {
        database: db.to_string(),
        rows: o.holds.rows,
        rows_exact: o.holds.rows_exact,
        reads,
        writes,
        verdict: o.verdict.state,
        reasons: o.verdict.reasons.clone(),
        missing: o.verdict.missing.clone(),
    });
}

/// In use in any database: in use. Otherwise the least certain verdict of all; databases
/// that could not be read keep it from "unused".
fn fleet_verdict(lines: &[DatabaseLine], unreadable: &[&str]) -> Verdict {
    let has = |state: VerdictState| lines.iter().any(|l| l.verdict == state);
    let in_use = has(VerdictState::InUse);
    let state = if in_use {
        VerdictState::InUse
    } else if has(VerdictState::Unknown) {
        VerdictState::Unknown
    } else if lines.iter().all(|l| l.verdict == VerdictState::Unused) && unreadable.is_empty() {
        VerdictState::Unused
    } else {
        VerdictState::LikelyUnused
    };
    let reasons = (lines.iter())
        .filter(|l| !in_use || l.verdict == VerdictState::InUse)
        .map(|l| {
            let label = l.verdict.label();
            format!("{label} in {}: {}", l.database, l.reasons.join("; "))
        })
        .collect();
    Verdict {
        state,
        reasons,
        missing: missing(lines, unreadable, in_use),
    }
}

/// The databases that could not be read, then (unless it is in use anyway) what each
/// database's verdict missed.
fn missing(lines: &[DatabaseLine], unreadable: &[&str], in_use: bool) -> Vec<String> {
    let mut missing = Vec::new();
    if !unreadable.is_empty() {
        missing.push(format!(
            "{} database(s) could not be read, and may use it: {}",
            unreadable.len(),
            unreadable.join(", ")
        ));
    }
    if !in_use {
        for l in lines.iter().filter(|l| !l.missing.is_empty()) {
            missing.push(format!("{}: {}", l.database, l.missing.join("; ")));
        }
    }
    missing
}
