//! Writing a Markdown docs directory: the notes are read first and every file the run would
//! replace is checked to be one `pgdrift docs` wrote, so a wrong `-o` or a broken notes region
//! changes nothing. Pages of objects that are gone are removed (their notes moved to
//! `ORPHANED-NOTES.md` by the renderer).

use super::check::page_key;
use super::notes::{markdown_files, NotesError, ORPHANS};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What a run wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Written {
    pub pages: usize,
    pub removed: Vec<String>,
    pub unchanged: usize,
}

/// A docs directory that cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path} exists and was not written by `pgdrift docs` (its first line is not a pgdrift:page marker); write the docs to an empty or dedicated directory, or move that file")]
    Foreign { path: String },
    #[error("{path} is not a directory: -o names the directory the Markdown pages go to")]
    NotDir { path: String },
    #[error("cannot write {path}: {message}")]
    Io { path: String, message: String },
    #[error(transparent)]
    Notes(#[from] NotesError),
}

/// Writes `files` (path → text) under `dir` and removes the generated pages no longer in it.
pub fn write_dir(dir: &Path, files: &[(String, String)]) -> Result<Written, WriteError> {
    if dir.exists() && !dir.is_dir() {
        return Err(WriteError::NotDir {
            path: dir.display().to_string(),
        });
    }
    let existing = markdown_files(dir)?;
    let new: HashSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    for (path, text) in &existing {
        if new.contains(path.as_str()) && path != ORPHANS && page_key(text).is_none() {
            return Err(WriteError::Foreign {
                path: dir.join(path).display().to_string(),
            });
        }
    }
    let mut written = Written::default();
    let before: std::collections::HashMap<&str, &str> = existing
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let changed: Vec<&(String, String)> = (files.iter())
        .filter(|(path, text)| before.get(path.as_str()) != Some(&text.as_str()))
        .collect();
    written.unchanged = files.len() - changed.len();
    let mut dirs: Vec<PathBuf> = (changed.iter())
        .filter_map(|(path, _)| dir.join(path).parent().map(Path::to_path_buf))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in dirs {
        std::fs::create_dir_all(&d).map_err(|e| io(d.clone(), e))?;
    }
    let results = crate::report::docs::markdown::in_parallel(&changed, |(path, text)| {
        let target = dir.join(path);
        std::fs::write(&target, text).map_err(|e| io(target, e))
    });
    for r in results {
        r?;
        written.pages += 1;
    }
    for (path, text) in &existing {
        let generated = page_key(text).is_some() || path == ORPHANS;
        if generated && !new.contains(path.as_str()) {
            let target = dir.join(path);
            std::fs::remove_file(&target).map_err(|e| io(target, e))?;
            written.removed.push(path.clone());
        }
    }
    Ok(written)
}

fn io(path: PathBuf, e: std::io::Error) -> WriteError {
    WriteError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}
