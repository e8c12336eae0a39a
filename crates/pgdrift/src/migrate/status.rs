//! The state of every migration: the directory's files against the tracking table's rows.
//! Pure: no database, no files — the runner, `status`, `baseline` and `repair` all start here.

use super::files::MigrationFile;
use super::tracking::AppliedMigration;
use super::MigrationKind;

/// What is true of one migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Recorded, with the file's current checksum.
    Applied,
    /// Not recorded yet.
    Pending,
    /// Not recorded, and older than the newest applied file.
    OutOfOrder,
    /// Recorded, but the file changed since.
    Modified,
    /// Recorded, but the file is gone.
    MissingFile,
    /// A repeatable migration whose file changed since it last ran: runs again.
    RepeatableChanged,
}

impl State {
    /// Whether this state stops `migrate apply` (unless an `--allow-*` flag says otherwise).
    pub fn is_problem(self) -> bool {
        matches!(
            self,
            State::OutOfOrder | State::Modified | State::MissingFile
        )
    }

    /// Whether this migration would run.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            State::Pending | State::OutOfOrder | State::RepeatableChanged
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Applied => "applied",
            State::Pending => "pending",
            State::OutOfOrder => "out of order",
            State::Modified => "modified since applied",
            State::MissingFile => "missing file",
            State::RepeatableChanged => "changed, runs again",
        }
    }
}

/// One line of the status: a file, a row, or both.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    pub version: String,
    pub description: String,
    pub state: State,
    /// The file's position in the directory's order (`None` for a missing file).
    #[serde(skip)]
    pub position: Option<usize>,
    /// The file's checksum now.
    pub checksum: Option<String>,
    /// What the tracking table says.
    pub applied: Option<AppliedMigration>,
}

/// Every file and row, in the directory's order; rows without files after them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Status {
    pub entries: Vec<Entry>,
}

impl Status {
    pub fn compute(files: &[MigrationFile], applied: &[AppliedMigration]) -> Status {
        let by_version: std::collections::HashMap<&str, &AppliedMigration> =
            applied.iter().map(|a| (a.version.as_str(), a)).collect();
        let newest_applied = files.iter().rposition(|f| {
            f.kind() == MigrationKind::Versioned && by_version.contains_key(f.version.as_str())
        });
        let mut entries: Vec<Entry> = files
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let row = by_version.get(f.version.as_str()).copied();
                let state = match (row, f.kind()) {
                    (None, MigrationKind::Repeatable) => State::Pending,
                    (None, MigrationKind::Versioned) if newest_applied.is_some_and(|n| n > i) => {
                        State::OutOfOrder
                    }
                    (None, MigrationKind::Versioned) => State::Pending,
                    (Some(r), MigrationKind::Repeatable) if r.checksum != f.checksum => {
                        State::RepeatableChanged
                    }
                    (Some(r), MigrationKind::Versioned) if r.checksum != f.checksum => {
                        State::Modified
                    }
                    (Some(_), _) => State::Applied,
                };
                Entry {
                    version: f.version.clone(),
                    description: f.description.clone(),
                    state,
                    position: Some(i),
                    checksum: Some(f.checksum.clone()),
                    applied: row.cloned(),
                }
            })
            .collect();
        let known: std::collections::HashSet<&str> =
            files.iter().map(|f| f.version.as_str()).collect();
        entries.extend(
            applied
                .iter()
                .filter(|a| !known.contains(a.version.as_str()))
                .map(|a| Entry {
                    version: a.version.clone(),
                    description: a.description.clone(),
                    state: State::MissingFile,
                    position: None,
                    checksum: None,
                    applied: Some(a.clone()),
                }),
        );
        Status { entries }
    }

    /// Entries in `state`.
    pub fn with(&self, state: State) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(move |e| e.state == state)
    }

    pub fn count(&self, state: State) -> usize {
        self.with(state).count()
    }

    /// Whether anything is pending or wrong (exit code 1 for `status`).
    pub fn needs_attention(&self) -> bool {
        self.entries.iter().any(|e| e.state != State::Applied)
    }
}

#[cfg(test)]
mod tests;
