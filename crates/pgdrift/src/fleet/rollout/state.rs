//! What `--only-failed` reads: the databases whose last run of a rollout failed. The
//! databases cannot hold it: a migration that fails in a transaction is rolled back with
//! everything it wrote, the runner records only applied migrations (`pgdrift.migrations`;
//! `pgdrift.changes` takes plans, repairs and resets), and a database that could not be
//! reached holds nothing at all. So each run writes a small JSON file: per migrations
//! directory, each database's (masked label's) last status. Pending work itself is still
//! read from the tracking tables: the file only chooses which databases to run.

use super::outcome::{Rollout, Status};
use crate::fleet::Target;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the file goes unless `--state-file` says otherwise: `rollouts.json` in
/// `$PGDRIFT_STATE_DIR`, else in the user's state directory (`~/.local/state/pgdrift`).
pub fn default_path() -> PathBuf {
    let dir = std::env::var_os("PGDRIFT_STATE_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            dirs::state_dir()
                .or_else(dirs::data_local_dir)
                .map(|d| d.join("pgdrift"))
        })
        .unwrap_or_else(|| std::env::temp_dir().join("pgdrift"));
    dir.join("rollouts.json")
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    format_version: u32,
    /// Migrations directory → database label → its last status.
    rollouts: BTreeMap<String, BTreeMap<String, Status>>,
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Status, D::Error> {
        let s = String::deserialize(d)?;
        [
            Status::Applied,
            Status::UpToDate,
            Status::Failed,
            Status::NotAttempted,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown status {s}")))
    }
}

/// Why the file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error(
        "cannot read the rollout state {path}: {reason}; delete it, or run without --only-failed"
    )]
    Read { path: String, reason: String },
    #[error("cannot write the rollout state {path}: {reason}; pass --state-file FILE in a writable place")]
    Write { path: String, reason: String },
    #[error("no earlier run of the rollout of {dir} is recorded in {path}: run it without --only-failed first")]
    NoRun { dir: String, path: String },
}

fn read(path: &Path) -> Result<File, StateError> {
    let err = |reason: String| StateError::Read {
        path: path.display().to_string(),
        reason,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| err(e.to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(File::default()),
        Err(e) => Err(err(e.to_string())),
    }
}

/// The labels of the databases whose last run of the rollout of `dir` failed.
pub fn failed(path: &Path, dir: &str) -> Result<Vec<String>, StateError> {
    let file = read(path)?;
    let run = file.rollouts.get(dir).ok_or_else(|| StateError::NoRun {
        dir: dir.to_string(),
        path: path.display().to_string(),
    })?;
    Ok(run
        .iter()
        .filter(|(_, s)| **s == Status::Failed)
        .map(|(label, _)| label.clone())
        .collect())
}

/// Records each database's status after a run of the rollout of `dir`, keeping what the file
/// says of databases this run did not cover (and of other directories that still exist).
pub fn record(
    path: &Path,
    dir: &str,
    targets: &[Target],
    rollout: &Rollout,
) -> Result<(), StateError> {
    let mut file = read(path)?;
    file.format_version = 1;
    // Directories that are gone take their entries with them: the file stays small.
    file.rollouts
        .retain(|d, _| d == dir || Path::new(d).exists());
    let run = file.rollouts.entry(dir.to_string()).or_default();
    for (t, o) in targets.iter().zip(&rollout.outcomes) {
        // A database not attempted keeps its earlier failure, if it had one.
        if o.status != Status::NotAttempted || !run.contains_key(&t.label) {
            run.insert(t.label.clone(), o.status);
        }
    }
    let err = |reason: String| StateError::Write {
        path: path.display().to_string(),
        reason,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| err(e.to_string()))?;
    }
    let text = serde_json::to_string_pretty(&file).map_err(|e| err(e.to_string()))?;
    // A file of this call's own, renamed over the state: runs at the same time (shards on
    // one machine) never leave a mixed file, the last one's record stands.
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_extension(format!("json.{}.{call}.tmp", std::process::id()));
    std::fs::write(&tmp, text + "\n").map_err(|e| err(e.to_string()))?;
    std::fs::rename(&tmp, path).map_err(|e| err(e.to_string()))
}
