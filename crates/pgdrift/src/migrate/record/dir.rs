//! A migrations directory as one tool records it: the tool, checked against the directory's
//! format, and what the tool needs besides the files — Drizzle's journal times, Alembic's
//! revisions (one per versioned SQL file, in order) — and which file a version names.

use super::alembic::{self, Revision};
use super::rows::ToolFile;
use super::{RecordError, Recorder};
use crate::migrate::files::{find, MigrationFile};
use crate::migrate::MigrationKind;
use crate::source::dir::DirFormat;
use std::collections::HashMap;
use std::path::Path;

/// A directory's files as `recorder`'s tool sees them.
#[derive(Debug, Clone)]
pub struct ToolDir {
    pub recorder: &'static Recorder,
    pub format: DirFormat,
    /// Drizzle: the journal's `when` of each tag.
    when: HashMap<String, i64>,
    /// Alembic: the revision of each versioned file, by the file's position.
    revisions: HashMap<usize, Revision>,
}

impl ToolDir {
    /// Checks that `recorder`'s tool reads `files` (a directory of `format`) and reads what it
    /// needs besides them. Alembic needs `revisions`, the directory of its revision files.
    pub fn new(
        recorder: &'static Recorder,
        format: DirFormat,
        files: &[MigrationFile],
        revisions: Option<&Path>,
    ) -> Result<ToolDir, RecordError> {
        recorder.reads(format)?;
        let when = match format {
            DirFormat::Drizzle => journal_when(files)?,
            _ => HashMap::new(),
        };
        let revisions = match (recorder.id, revisions) {
            ("alembic", Some(dir)) => by_position(files, alembic::chain(dir)?, dir)?,
            ("alembic", None) => {
                return Err(RecordError::Revisions(
                    "Alembic's history is its revision chain: pass --revisions DIR, the \
                     directory of its revision files (alembic/versions)"
                        .into(),
                ))
            }
            _ => HashMap::new(),
        };
        Ok(ToolDir {
            recorder,
            format,
            when,
            revisions,
        })
    }

    /// The position of the versioned file `wanted` names: its name or version, or for
    /// Alembic the revision id or revision file name that stands for it.
    pub fn position(&self, files: &[MigrationFile], wanted: &str) -> Result<usize, RecordError> {
        let by_revision = self.revisions.iter().find(|(_, r)| {
            r.id == wanted || r.file == wanted || r.file.strip_suffix(".py") == Some(wanted)
        });
        let at = match (find(files, wanted), by_revision) {
            (Ok(at), _) => at,
            (Err(_), Some((&at, _))) => at,
            (Err(e), None) => return Err(RecordError::Version(e)),
        };
        if files[at].kind() == MigrationKind::Repeatable {
            return Err(RecordError::Version(format!(
                "{} is a repeatable migration; name a versioned one",
                files[at].version
            )));
        }
        Ok(at)
    }

    /// The key the tool records the file at `index` by (keys never need the file's bytes).
    pub(super) fn key_of(
        &self,
        files: &[MigrationFile],
        index: usize,
    ) -> Result<String, RecordError> {
        let file = &files[index];
        (self.recorder.key)(&ToolFile {
            file,
            bytes: Vec::new(),
            when: self.when.get(&file.migration.version).copied(),
            revision: self.revisions.get(&index).map(|r| r.id.as_str()),
        })
    }

    /// The file at `index`, with what its tool records of it.
    pub(super) fn tool_file<'a>(
        &'a self,
        files: &'a [MigrationFile],
        index: usize,
    ) -> Result<ToolFile<'a>, RecordError> {
        let file = &files[index];
        let bytes =
            crate::source::file::read(&file.migration.path).map_err(|e| RecordError::File {
                path: file.migration.path.clone(),
                reason: e.to_string(),
            })?;
        Ok(ToolFile {
            file,
            bytes,
            when: self.when.get(&file.migration.version).copied(),
            revision: self.revisions.get(&index).map(|r| r.id.as_str()),
        })
    }
}

/// Alembic's revisions matched with the versioned files, in order, one for one.
fn by_position(
    files: &[MigrationFile],
    chain: Vec<Revision>,
    dir: &Path,
) -> Result<HashMap<usize, Revision>, RecordError> {
    let versioned: Vec<usize> = (0..files.len())
        .filter(|&i| files[i].kind() == MigrationKind::Versioned)
        .collect();
    if versioned.len() != chain.len() {
        return Err(RecordError::Revisions(format!(
            "{} holds {} revisions and the migrations directory {} versioned files: each \
             revision stands for the file at the same position, so the two must match one for one",
            dir.display(),
            chain.len(),
            versioned.len()
        )));
    }
    Ok(versioned.into_iter().zip(chain).collect())
}

/// Drizzle's journal, `meta/_journal.json` beside the files: the `when` of each tag.
fn journal_when(files: &[MigrationFile]) -> Result<HashMap<String, i64>, RecordError> {
    #[derive(serde::Deserialize)]
    struct Journal {
        entries: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        tag: String,
        when: i64,
    }
    let Some(dir) = files.first().and_then(|f| f.migration.path.parent()) else {
        return Ok(HashMap::new());
    };
    let path = dir.join("meta").join("_journal.json");
    let invalid = |reason: String| RecordError::File {
        path: path.clone(),
        reason,
    };
    let text = crate::source::file::read_to_string(&path).map_err(|e| invalid(e.to_string()))?;
    let journal: Journal = serde_json::from_str(crate::source::dir::without_bom(&text))
        .map_err(|e| invalid(format!("every entry needs a `tag` and a `when`: {e}")))?;
    Ok(journal
        .entries
        .into_iter()
        .map(|e| (e.tag, e.when))
        .collect())
}
