//! Who manages this database: the tool with the newest activity; other tools with history
//! are legacy, tools with a table but no migrations were never used, and several tools
//! with history is a finding. Also which tool a migrations directory belongs to, and
//! whether anything found calls for attention (exit code 1).

use super::compare::{compare_dir_with, DirComparison};
use super::{Files, History, ToolHistory};
use std::path::Path;

/// The answer to "which tool really manages this database?".
#[derive(Debug, Clone, serde::Serialize)]
pub struct Verdict {
    /// The managing tool's id and table: the used tool with the newest activity.
    pub manager: Option<String>,
    pub manager_table: Option<String>,
    /// Tables of the other tools that have recorded migrations.
    pub legacy: Vec<String>,
    /// Tables of tools that never recorded a migration.
    pub never_used: Vec<String>,
    /// More than one tool has recorded migrations: a finding.
    pub several_active: bool,
    /// The verdict for people, one sentence per line.
    pub lines: Vec<String>,
}

/// `last 2025-08-29` (dates only: the day is what tells tools apart).
fn last(t: &ToolHistory) -> String {
    match &t.last_activity {
        Some(at) => format!(", last {}", at.get(..10).unwrap_or(at)),
        None => String::new(),
    }
}

fn applied(t: &ToolHistory) -> String {
    if t.keeps_history {
        format!("{} applied", t.applied)
    } else {
        match &t.latest {
            Some(v) => format!("at {v}"),
            None => "no current version".to_string(),
        }
    }
}

impl History {
    /// Which tool manages the database, and what the others are.
    pub fn verdict(&self) -> Verdict {
        let mut used: Vec<&ToolHistory> = self.trackers.iter().filter(|t| t.is_used()).collect();
        // Newest activity first; tools that record no times after those that do.
        used.sort_by(|a, b| b.last_activity.cmp(&a.last_activity));
        let never: Vec<&ToolHistory> = self
            .trackers
            .iter()
            .filter(|t| !t.is_used() && t.unreadable.is_none())
            .collect();
        let mut lines = Vec::new();
        let manager = used.first().copied();
        match manager {
            None if self.trackers.is_empty() => lines.push(
                "no migration tracking table: no known tool has migrated this database".to_string(),
            ),
            None if self.trackers.iter().any(|t| t.unreadable.is_some()) => lines.push(
                "no readable tracking table records a migration: what the others hold is unknown"
                    .to_string(),
            ),
            None => lines.push("no tool has recorded a migration in this database".to_string()),
            Some(m) => lines.push(format!(
                "{} ({}) manages this database: {}{}",
                m.tool_name,
                m.table,
                applied(m),
                last(m)
            )),
        }
        for t in used.iter().skip(1) {
            lines.push(format!(
                "legacy {} ({}): {}{}",
                t.table_name,
                t.tool_name,
                applied(t),
                last(t)
            ));
        }
        for t in &never {
            lines.push(format!("{} ({}): never used", t.tool_name, t.table));
        }
        for t in self.trackers.iter().filter(|t| t.unreadable.is_some()) {
            let reason = t
                .unreadable
                .as_ref()
                .map(|u| u.to_string())
                .unwrap_or_default();
            lines.push(format!(
                "{} ({}): not readable, so not weighed ({reason})",
                t.tool_name, t.table
            ));
        }
        let several_active = used.len() > 1;
        if several_active {
            let names: Vec<&str> = used.iter().map(|t| t.tool_name).collect();
            let untimed = used.iter().any(|t| t.last_activity.is_none());
            lines.push(format!(
                "{} tools have recorded migrations here ({}): only one should manage a database{}",
                used.len(),
                names.join(", "),
                if untimed {
                    "; some record no dates, so which is newest is a guess"
                } else {
                    ""
                }
            ));
        }
        Verdict {
            manager: manager.map(|m| m.tool.to_string()),
            manager_table: manager.map(|m| m.table.clone()),
            legacy: used.iter().skip(1).map(|t| t.table.clone()).collect(),
            never_used: never.iter().map(|t| t.table.clone()).collect(),
            several_active,
            lines,
        }
    }

    /// True when something calls for attention: failed or dirty migrations, several tools
    /// with history, or any difference with a compared directory.
    pub fn has_findings(&self, comparisons: &[(String, DirComparison)]) -> bool {
        self.trackers.iter().any(|t| !t.failed.is_empty())
            || self.trackers.iter().filter(|t| t.is_used()).count() > 1
            || comparisons.iter().any(|(_, c)| c.has_findings())
    }

    /// The tool history a migrations directory belongs to: the one for which the most files
    /// of the directory count as applied; on a tie, one whose tool's directory format the
    /// directory has (Drizzle's journal, Prisma's folders, Alembic's revisions) over rules
    /// by file name alone, then one with rows, the newest, the one finding the most files.
    /// When no tracker's rule finds a file: the only or most recently active tool.
    pub fn tool_for_dir(&self, dir: &Path) -> Option<&ToolHistory> {
        self.tool_for_dir_with(dir, &crate::source::dir::Ignore::none())
    }

    /// [`History::tool_for_dir`], leaving out the entries `ignore` matches.
    pub fn tool_for_dir_with(
        &self,
        dir: &Path,
        ignore: &crate::source::dir::Ignore,
    ) -> Option<&ToolHistory> {
        let scored = self.trackers.iter().filter_map(|t| {
            let c = compare_dir_with(t, dir, ignore).ok()?;
            if c.files == 0 {
                return None;
            }
            let claims = match t.tracker.files {
                Files::Sql { formats, .. } => !formats.is_empty(),
                Files::AlembicChain => true,
                Files::Homegrown => false,
                Files::Names(_) => false,
            };
            Some((
                (
                    c.applied,
                    claims,
                    t.is_used(),
                    t.last_activity.clone(),
                    c.files,
                ),
                t,
            ))
        });
        if let Some((_, t)) = scored.max_by(|a, b| a.0.cmp(&b.0)) {
            return Some(t);
        }
        self.trackers
            .iter()
            .filter(|t| t.is_used())
            .max_by(|a, b| a.last_activity.cmp(&b.last_activity))
    }
}
