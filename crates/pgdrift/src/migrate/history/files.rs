//! The migrations of a directory, each with the key its tool records for it: SQL
//! directories read by the directory readers (Drizzle's journal times added), files of any
//! kind keyed by the tracker's name rule, or Alembic's revision chain.

use super::keys::compare_versions;
use super::tracker::{Files, SqlFile, Tracker};
use super::{alembic, walk, HistoryError};
use crate::migrate::MigrationKind;
use crate::source::dir::{read_dir, DirFormat};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A migration of the directory, keyed.
#[derive(Debug)]
pub(super) struct DirFile {
    pub key: String,
    pub rel: String,
    pub path: PathBuf,
    pub repeatable: bool,
}

/// The directory's migrations with their keys, and the SQL format it was read in.
pub(super) fn dir_files(
    tracker: &Tracker,
    dir: &Path,
    ignore: &crate::source::dir::Ignore,
) -> Result<(Vec<DirFile>, Option<&'static str>), HistoryError> {
    match tracker.files {
        Files::Sql { formats, key } => {
            let read = read_dir(dir, None, ignore)?;
            if !formats.is_empty() && !formats.contains(&read.format) {
                let wanted: Vec<&str> = formats.iter().map(|f| f.info().name).collect();
                return Err(HistoryError::invalid(
                    dir,
                    format!(
                        "a {} directory; {} migrations come in {} directories",
                        read.format.info().name,
                        tracker.name,
                        wanted.join(" or ")
                    ),
                ));
            }
            let when = match read.format {
                DirFormat::Drizzle => journal_when(dir)?,
                _ => HashMap::new(),
            };
            let files = read
                .migrations
                .iter()
                .filter_map(|m| {
                    let rel = relative(dir, &m.path);
                    let file = SqlFile {
                        migration: m,
                        rel: &rel,
                        journal_when: when.get(&m.version).copied(),
                    };
                    Some(DirFile {
                        key: key(&file)?,
                        path: m.path.clone(),
                        repeatable: m.kind == MigrationKind::Repeatable,
                        rel,
                    })
                })
                .collect();
            Ok((files, Some(read.format.info().name)))
        }
        Files::Names(key) => {
            let mut files: Vec<DirFile> = walk::files(dir)?
                .into_iter()
                .filter_map(|(rel, path)| {
                    let name = super::FileName {
                        rel: &rel,
                        path: &path,
                    };
                    Some(DirFile {
                        key: key(&name)?,
                        rel,
                        path,
                        repeatable: false,
                    })
                })
                .collect();
            files.sort_by(|a, b| compare_versions(&a.key, &b.key).then_with(|| a.rel.cmp(&b.rel)));
            Ok((files, None))
        }
        Files::AlembicChain => Ok((alembic::dir_files(dir)?, None)),
        // Keyed by `compare_dir`, which knows the rows the keys must meet.
        Files::Homegrown => Ok((Vec::new(), None)),
    }
}

fn relative(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Drizzle's journal: the `when` (ms) of each tag.
fn journal_when(dir: &Path) -> Result<HashMap<String, i64>, HistoryError> {
    #[derive(serde::Deserialize)]
    struct Journal {
        entries: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        tag: String,
        when: i64,
    }
    let path = dir.join("meta").join("_journal.json");
    let text =
        crate::source::file::read_to_string(&path).map_err(|e| HistoryError::io(&path, &e))?;
    let journal: Journal = serde_json::from_str(crate::source::dir::without_bom(&text))
        .map_err(|e| HistoryError::invalid(&path, format!("an entry without `when`? {e}")))?;
    Ok(journal
        .entries
        .into_iter()
        .map(|e| (e.tag, e.when))
        .collect())
}
