//! Comparing a tracking table with a migrations directory: the directory's keyed
//! migrations matched against the rows' keys: files never applied, rows without a file,
//! checksums that differ where they can be recomputed, changed repeatables, and files
//! Drizzle's watermark will never apply.

use super::files::{dir_files, DirFile};
use super::keys::compare_versions;
use super::tracker::{Checksum, Files, Record};
use super::{alembic, homegrown_files, AppliedRow, HistoryError, RowStatus, ToolHistory};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// What a directory and a tracking table say differently.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DirComparison {
    /// The tool id and table compared.
    pub tool: &'static str,
    pub table: String,
    pub dir: String,
    /// The directory's format, when it was read as SQL migrations (`drizzle`, `flyway`).
    pub format: Option<&'static str>,
    /// Migrations found in the directory.
    pub files: usize,
    /// Files the table records as applied.
    pub applied: usize,
    /// The last of them in the tool's order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_applied: Option<FileRef>,
    /// Files the tool has not applied and would apply next, in the tool's order.
    pub never_applied: Vec<FileRef>,
    /// Applied migrations (by key) that no file of the directory has.
    pub rows_without_file: Vec<String>,
    pub checksum_mismatches: Vec<ChecksumMismatch>,
    /// Repeatable migrations changed since their last run: the tool runs them again.
    pub changed_repeatables: Vec<FileRef>,
    /// Drizzle: files never applied whose journal time is not newer than the newest applied
    /// migration, so the Drizzle watermark would skip them for ever.
    pub skipped_by_watermark: Vec<FileRef>,
    /// Files older than a baseline, which the tool counts as applied.
    pub covered_by_baseline: usize,
    /// Why checksums were not compared, when they were not.
    pub not_comparable: Option<String>,
}

/// A file, with the key its tool records for it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileRef {
    pub key: String,
    /// The path relative to the directory.
    pub file: String,
}

/// A file whose content is not what the tool recorded when it applied it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChecksumMismatch {
    pub key: String,
    pub file: String,
    pub recorded: String,
    pub computed: String,
}

impl DirComparison {
    /// True when anything differs: files not applied, rows without files, changed files.
    pub fn has_findings(&self) -> bool {
        !(self.never_applied.is_empty()
            && self.rows_without_file.is_empty()
            && self.checksum_mismatches.is_empty()
            && self.changed_repeatables.is_empty()
            && self.skipped_by_watermark.is_empty())
    }
}

/// Compares the rows of `history` with the migrations directory `dir`.
pub fn compare_dir(history: &ToolHistory, dir: &Path) -> Result<DirComparison, HistoryError> {
    compare_dir_with(history, dir, &crate::source::dir::Ignore::none())
}

/// [`compare_dir`], leaving out the entries of an SQL directory that `ignore` matches.
pub fn compare_dir_with(
    history: &ToolHistory,
    dir: &Path,
    ignore: &crate::source::dir::Ignore,
) -> Result<DirComparison, HistoryError> {
    let tracker = history.tracker;
    if matches!(tracker.files, Files::AlembicChain) {
        return alembic::compare(history, dir);
    }
    let (files, format, naming) = match tracker.files {
        Files::Homegrown => {
            let (files, naming) = homegrown_files::keyed_files(history, dir, ignore)?;
            (files, None, Some(naming))
        }
        _ => {
            let (files, format) = dir_files(tracker, dir, ignore)?;
            (files, format, None)
        }
    };
    let mut out = DirComparison {
        tool: tracker.id,
        table: history.table.clone(),
        dir: dir.display().to_string(),
        format,
        files: files.len(),
        not_comparable: match tracker.checksum {
            // A homegrown log without a checksum column has nothing to compare.
            _ if history
                .layout
                .as_ref()
                .is_some_and(|l| l.checksum.is_none()) =>
            {
                None
            }
            Checksum::NotComparable(reason) => Some(reason.to_string()),
            _ => None,
        },
        ..DirComparison::default()
    };
    let row_key = |r: &AppliedRow| match naming {
        Some(n) => n.row_key(&r.version),
        None => (tracker.row_key)(r),
    };
    match tracker.record {
        Record::Current => compare_current(history, &files, &mut out),
        Record::Ledger | Record::Heads => compare_ledger(history, &files, &row_key, &mut out)?,
    }
    Ok(out)
}

/// The state of each key: its last applied row, and whether its latest row failed.
#[derive(Debug, Default)]
struct KeyState<'a> {
    applied: Option<&'a AppliedRow>,
    failed: bool,
}

fn compare_ledger(
    history: &ToolHistory,
    files: &[DirFile],
    row_key: &dyn Fn(&AppliedRow) -> Option<String>,
    out: &mut DirComparison,
) -> Result<(), HistoryError> {
    let tracker = history.tracker;
    let scopes: Option<HashSet<&str>> = tracker.scoped_keys.then(|| {
        files
            .iter()
            .filter_map(|f| f.key.split_once('.'))
            .map(|(s, _)| s)
            .collect()
    });
    let in_scope = |key: &str| {
        scopes.as_ref().is_none_or(|s| {
            key.split_once('.')
                .is_some_and(|(scope, _)| s.contains(scope))
        })
    };
    let mut states: Vec<(String, KeyState)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for row in history.latest_rows() {
        let Some(key) = row_key(row).filter(|k| in_scope(k)) else {
            continue;
        };
        let at = *index.entry(key.clone()).or_insert_with(|| {
            states.push((key, KeyState::default()));
            states.len() - 1
        });
        let state = &mut states[at].1;
        if row.status.is_applied() {
            state.applied = Some(row);
        } else if row.status.is_failure() {
            state.failed = true;
        }
    }
    let by_key: HashMap<&str, &KeyState> = states.iter().map(|(k, s)| (k.as_str(), s)).collect();
    let watermark = tracker
        .watermark
        .then(|| {
            states
                .iter()
                .filter(|(_, s)| s.applied.is_some())
                .filter_map(|(k, _)| k.parse::<i64>().ok())
                .max()
        })
        .flatten();
    let baseline = states
        .iter()
        .filter(|(_, s)| s.applied.is_some_and(|r| r.status == RowStatus::Baseline))
        .map(|(k, _)| k.as_str())
        .max_by(|a, b| compare_versions(a, b));
    for file in files {
        let file_ref = || FileRef {
            key: file.key.clone(),
            file: file.rel.clone(),
        };
        match by_key.get(file.key.as_str()) {
            Some(KeyState {
                applied: Some(row), ..
            }) => {
                out.applied += 1;
                out.last_applied = Some(file_ref());
                check_sum(tracker.checksum, file, row, out)?;
            }
            Some(KeyState { failed: true, .. }) => {}
            _ if watermark.is_some_and(|w| file.key.parse::<i64>().is_ok_and(|k| k <= w)) => {
                out.skipped_by_watermark.push(file_ref());
            }
            _ if tracker.baseline_covers_older
                && !file.repeatable
                && baseline.is_some_and(|b| compare_versions(&file.key, b).is_le()) =>
            {
                out.covered_by_baseline += 1;
            }
            _ => out.never_applied.push(file_ref()),
        }
    }
    let file_keys: HashSet<&str> = files.iter().map(|f| f.key.as_str()).collect();
    out.rows_without_file = states
        .iter()
        .filter(|(k, s)| {
            // A Flyway baseline row stands for older versions, not for a file of its own.
            let expects_file =
                |r: &AppliedRow| r.status == RowStatus::Applied || !tracker.baseline_covers_older;
            s.applied.is_some_and(expects_file) && !file_keys.contains(k.as_str())
        })
        .map(|(k, _)| k.clone())
        .collect();
    Ok(())
}

fn check_sum(
    checksum: Checksum,
    file: &DirFile,
    row: &AppliedRow,
    out: &mut DirComparison,
) -> Result<(), HistoryError> {
    let Some(recorded) = row.checksum.as_deref().filter(|c| !c.is_empty()) else {
        return Ok(());
    };
    if matches!(checksum, Checksum::NotComparable(_)) {
        return Ok(());
    }
    let bytes =
        crate::source::file::read(&file.path).map_err(|e| HistoryError::io(&file.path, &e))?;
    if checksum.matches(&bytes, recorded) {
        return Ok(());
    }
    if file.repeatable {
        out.changed_repeatables.push(FileRef {
            key: file.key.clone(),
            file: file.rel.clone(),
        });
    } else {
        out.checksum_mismatches.push(ChecksumMismatch {
            key: file.key.clone(),
            file: file.rel.clone(),
            recorded: recorded.to_string(),
            computed: checksum.compute(&bytes).unwrap_or_default(),
        });
    }
    Ok(())
}

/// golang-migrate: every file up to the current version counts as applied.
fn compare_current(history: &ToolHistory, files: &[DirFile], out: &mut DirComparison) {
    let current = history
        .latest_rows()
        .last()
        .map(|r| (history.tracker.row_key)(r));
    let current = current.flatten();
    for file in files {
        let applied = current
            .as_deref()
            .is_some_and(|c| compare_versions(&file.key, c).is_le());
        if applied {
            out.applied += 1;
            out.last_applied = Some(FileRef {
                key: file.key.clone(),
                file: file.rel.clone(),
            });
        } else {
            out.never_applied.push(FileRef {
                key: file.key.clone(),
                file: file.rel.clone(),
            });
        }
    }
    if let Some(c) = current {
        if !files.iter().any(|f| f.key == c) {
            out.rows_without_file.push(c);
        }
    }
}
