//! Listing a migrations directory of any tool: every file below it (hidden entries, caches
//! and dependency folders left out), with its path relative to the directory, sorted.

use super::HistoryError;
use std::path::{Path, PathBuf};

/// How deep to look: Django's `<app>/migrations/` under a project, Liquibase's nested
/// changelogs.
const MAX_DEPTH: usize = 6;

/// Folders that never hold migrations.
const SKIP: &[&str] = &[
    "node_modules",
    "__pycache__",
    "target",
    "vendor",
    "bin",
    "obj",
];

/// Every file under `dir`: (relative path with `/` separators, absolute path), the
/// directory canonicalised first so that rules can look at the folders above it.
pub(super) fn files(dir: &Path) -> Result<Vec<(String, PathBuf)>, HistoryError> {
    let root = dir.canonicalize().map_err(|e| HistoryError::io(dir, &e))?;
    if !root.is_dir() {
        return Err(HistoryError::invalid(dir, "not a directory"));
    }
    let mut out = Vec::new();
    visit(&root, "", 0, &mut out)?;
    out.sort();
    Ok(out)
}

fn visit(
    dir: &Path,
    prefix: &str,
    depth: usize,
    out: &mut Vec<(String, PathBuf)>,
) -> Result<(), HistoryError> {
    let entries = std::fs::read_dir(dir).map_err(|e| HistoryError::io(dir, &e))?;
    for entry in entries {
        let entry = entry.map_err(|e| HistoryError::io(dir, &e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let kind = entry.file_type().map_err(|e| HistoryError::io(&path, &e))?;
        if kind.is_dir() {
            if depth < MAX_DEPTH && !SKIP.contains(&name.as_str()) {
                visit(&path, &rel, depth + 1, out)?;
            }
        } else if path.is_file() {
            out.push((rel, path));
        }
    }
    Ok(())
}
