//! `pgdrift report merge`: the reports of the N shards of one audit (`audit --shard K/N
//! -f json`) put back together into the report the unsharded audit gives. Each shard's
//! report carries its part (roles' desired objects, server findings, matrix cells); the
//! merge rebuilds every database's result from it and assembles the report once more, so
//! counts, order and the drift matrix are computed over the whole fleet.

use super::assemble::{assemble, mask_finding};
use super::findings::Finding;
use super::matrix::build_matrix;
use super::report::{
    DatabaseCells, DatabaseEntry, RolePart, ServerEntry, ShardPart, FORMAT_VERSION,
};
use super::run::{DbResult, Role};
use super::AuditReport;
use crate::fleet::shard::Shard;
use crate::source::dir::Ignore;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// A shard's JSON report, as `report merge` reads it.
#[derive(Debug, serde::Deserialize)]
pub struct ShardFile {
    pub format_version: u32,
    pub pgdrift_version: String,
    pub config: Option<String>,
    pub servers: Vec<ServerEntry>,
    pub databases: Vec<DatabaseEntry>,
    pub findings: Vec<Finding>,
    pub shard: Option<ShardPart>,
}

/// Why shard reports could not be merged; nothing is written.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error(
        "no shard reports given: pass the JSON reports of `pgdrift audit --shard K/N -f json`"
    )]
    Empty,
    #[error("{path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path} is not a shard's report: write each shard's with `pgdrift audit --shard K/N -f json -o FILE`")]
    NotShard { path: String },
    #[error("{path}: report layout {found}, this pgdrift reads layout {FORMAT_VERSION}: audit the shards again with this version")]
    Layout { path: String, found: u32 },
    #[error("{path} was written by pgdrift {found} and {first} by {expected}: audit every shard with the same version")]
    Version {
        path: String,
        found: String,
        first: String,
        expected: String,
    },
    #[error("{path} is shard {found} but {first} is shard {expected}: merge the shards of one audit, all with the same N")]
    Count {
        path: String,
        found: String,
        first: String,
        expected: String,
    },
    #[error("shard {shard} is given twice ({first} and {second}): give each shard's report once")]
    Duplicate {
        shard: String,
        first: String,
        second: String,
    },
    #[error("shard(s) {missing} of {count} missing: the merged report would leave their databases out; give every shard's report")]
    Missing { missing: String, count: u32 },
    #[error("{path} and {first} were audited against different {what}: audit every shard with the same pgdrift.toml and desired schemas")]
    Differs {
        path: String,
        first: String,
        what: String,
    },
}

/// Reads one shard's JSON report.
pub fn read_shard(path: &Path) -> Result<ShardFile, MergeError> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| MergeError::Read {
        path: shown.clone(),
        reason: e.to_string(),
    })?;
    let read: ShardFile =
        serde_json::from_reader(std::io::BufReader::new(file)).map_err(|e| MergeError::Read {
            path: shown.clone(),
            reason: format!("not an audit report in JSON ({e})"),
        })?;
    if read.format_version != FORMAT_VERSION {
        return Err(MergeError::Layout {
            path: shown,
            found: read.format_version,
        });
    }
    if read.shard.is_none() {
        return Err(MergeError::NotShard { path: shown });
    }
    Ok(read)
}

/// The part of the report `audit --shard` adds: what the merge needs beyond the report.
pub(super) fn part(
    shard: Shard,
    roles: &[Role],
    results: &[DbResult],
    fleet: &[Finding],
) -> ShardPart {
    let mask = |s: &Option<String>| s.as_deref().map(crate::pg::mask_urls);
    let roles = roles
        .iter()
        .map(|r| {
            let mut objects: Vec<String> = r.objects.iter().cloned().collect();
            objects.sort();
            RolePart {
                name: r.name.clone(),
                desired: mask(&r.arg),
                loaded: r.loaded,
                objects,
                error: mask(&r.error),
            }
        })
        .collect();
    let mut fleet_findings = fleet.to_vec();
    fleet_findings.iter_mut().for_each(mask_finding);
    let cells = results
        .iter()
        .map(|d| DatabaseCells {
            server: d.entry.server.clone(),
            database: d.entry.name.clone(),
            cells: d.cells.clone(),
        })
        .collect();
    ShardPart {
        shard: shard.to_string(),
        roles,
        fleet_findings,
        cells,
    }
}

/// The report of the whole fleet from the reports of all its shards, in any order.
pub fn merge(files: Vec<(PathBuf, ShardFile)>) -> Result<AuditReport, MergeError> {
    let role_parts = check(&files)?;
    let config = files.first().and_then(|(_, f)| f.config.clone());
    let mut servers: Vec<ServerEntry> = Vec::new();
    let mut fleet: Vec<Finding> = Vec::new();
    let mut results = Vec::new();
    for (path, file) in files {
        let Some(part) = file.shard else {
            let path = path.display().to_string();
            return Err(MergeError::NotShard { path });
        };
        if servers.is_empty() {
            servers = file.servers;
        } else {
            add_servers(&mut servers, &file.servers);
        }
        for f in &part.fleet_findings {
            if !fleet.contains(f) {
                fleet.push(f.clone());
            }
        }
        results.extend(results_of(file.databases, file.findings, part));
    }
    let roles = roles(&role_parts);
    Ok(assemble(
        config,
        servers,
        &roles,
        results,
        fleet,
        build_matrix,
    ))
}

/// Checks each file against the first (same version, same N, same servers and roles) and
/// that every shard is there once; returns the roles.
fn check(files: &[(PathBuf, ShardFile)]) -> Result<Vec<RolePart>, MergeError> {
    let Some((first_path, first)) = files.first() else {
        return Err(MergeError::Empty);
    };
    let first_shown = first_path.display().to_string();
    let shard_of = |path: &Path, f: &ShardFile| -> Result<(Shard, ShardPart), MergeError> {
        let shown = path.display().to_string();
        let part = f.shard.clone().ok_or(MergeError::NotShard {
            path: shown.clone(),
        })?;
        let shard = part.shard.parse::<Shard>().map_err(|e| MergeError::Read {
            path: shown,
            reason: e.to_string(),
        })?;
        Ok((shard, part))
    };
    let (first_shard, first_part) = shard_of(first_path, first)?;
    let mut seen: BTreeMap<u32, String> = BTreeMap::new();
    for (path, file) in files {
        let shown = path.display().to_string();
        let (shard, part) = shard_of(path, file)?;
        if file.pgdrift_version != first.pgdrift_version {
            return Err(MergeError::Version {
                path: shown,
                found: file.pgdrift_version.clone(),
                first: first_shown,
                expected: first.pgdrift_version.clone(),
            });
        }
        if shard.count != first_shard.count {
            return Err(MergeError::Count {
                path: shown,
                found: shard.to_string(),
                first: first_shown,
                expected: first_shard.to_string(),
            });
        }
        if let Some(earlier) = seen.insert(shard.index, shown.clone()) {
            return Err(MergeError::Duplicate {
                shard: shard.to_string(),
                first: earlier,
                second: shown,
            });
        }
        differs(&shown, &first_shown, file, first, &part, &first_part)?;
    }
    // Every index seen is in 1..=N, so N entries mean all of them.
    if seen.len() as u64 != u64::from(first_shard.count) {
        let absent = u64::from(first_shard.count) - seen.len() as u64;
        let mut missing: Vec<String> = (1..=first_shard.count)
            .filter(|k| !seen.contains_key(k))
            .take(10)
            .map(|k| k.to_string())
            .collect();
        if absent > 10 {
            missing.push(format!("and {} more", absent - 10));
        }
        return Err(MergeError::Missing {
            missing: missing.join(", "),
            count: first_shard.count,
        });
    }
    Ok(first_part.roles)
}

/// Shards of one audit list the same servers and load the same roles.
fn differs(
    path: &str,
    first_path: &str,
    file: &ShardFile,
    first: &ShardFile,
    part: &ShardPart,
    first_part: &ShardPart,
) -> Result<(), MergeError> {
    let names = |f: &ShardFile| f.servers.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    let what = if names(file) != names(first) {
        "servers"
    } else if part.roles != first_part.roles {
        "roles"
    } else {
        return Ok(());
    };
    Err(MergeError::Differs {
        path: path.to_string(),
        first: first_path.to_string(),
        what: what.to_string(),
    })
}

/// Each server's databases add up; what one shard could read of it stands.
fn add_servers(into: &mut [ServerEntry], more: &[ServerEntry]) {
    for (s, m) in into.iter_mut().zip(more) {
        s.databases += m.databases;
        if s.version.is_none() {
            s.version.clone_from(&m.version);
        }
        if s.error.is_none() {
            s.error.clone_from(&m.error);
        }
    }
}

/// The shard's databases as the audit produced them: each with its own findings (the
/// report's findings about it, in the report's order) and its matrix cells.
fn results_of(
    databases: Vec<DatabaseEntry>,
    findings: Vec<Finding>,
    part: ShardPart,
) -> Vec<DbResult> {
    let mut fleet = part.fleet_findings;
    let mut by_db: HashMap<(String, String), Vec<Finding>> = HashMap::new();
    for f in findings {
        if let Some(i) = fleet.iter().position(|g| *g == f) {
            fleet.swap_remove(i);
            continue;
        }
        if let Some(db) = &f.database {
            by_db
                .entry((f.server.clone(), db.clone()))
                .or_default()
                .push(f);
        }
    }
    let mut cells: HashMap<(String, String), _> = part
        .cells
        .into_iter()
        .map(|c| ((c.server, c.database), c.cells))
        .collect();
    databases
        .into_iter()
        .map(|entry| {
            let key = (entry.server.clone(), entry.name.clone());
            DbResult {
                findings: by_db.remove(&key).unwrap_or_default(),
                cells: cells.remove(&key).flatten(),
                entry,
            }
        })
        .collect()
}

fn roles(parts: &[RolePart]) -> Vec<Role> {
    parts
        .iter()
        .map(|r| Role {
            name: r.name.clone(),
            arg: r.desired.clone(),
            catalog: None,
            loaded: r.loaded,
            objects: r.objects.iter().cloned().collect(),
            migrations: None,
            ignore: Ignore::none(),
            error: r.error.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(shard: &str) -> (PathBuf, ShardFile) {
        let part = ShardPart {
            shard: shard.to_string(),
            roles: Vec::new(),
            fleet_findings: Vec::new(),
            cells: Vec::new(),
        };
        let f = ShardFile {
            format_version: FORMAT_VERSION,
            pgdrift_version: "1".into(),
            config: None,
            servers: Vec::new(),
            databases: Vec::new(),
            findings: Vec::new(),
            shard: Some(part),
        };
        (
            PathBuf::from(format!("s{}.json", shard.replace('/', "of"))),
            f,
        )
    }

    fn refusal(shards: &[&str]) -> String {
        let files = shards.iter().map(|s| file(s)).collect();
        match merge(files) {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn every_shard_once_merges_and_anything_else_is_refused() {
        assert_eq!(refusal(&["2/3", "1/3", "3/3"]), "");
        assert!(refusal(&[]).contains("no shard reports given"));
        assert!(refusal(&["1/3", "3/3"]).starts_with("shard(s) 2 of 3 missing"));
        assert!(refusal(&["1/2", "1/2"]).contains("shard 1/2 is given twice"));
        assert!(refusal(&["1/2", "2/3"])
            .contains("s2of3.json is shard 2/3 but s1of2.json is shard 1/2"));
        assert!(refusal(&["0/2"]).contains("K, the shard, counts from 1"));
    }

    #[test]
    fn a_huge_shard_count_is_refused_at_once() {
        let t = refusal(&["1/4294967295"]);
        assert!(t.starts_with("shard(s) 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, and 4294967284 more of 4294967295 missing"), "{t}");
    }
}
