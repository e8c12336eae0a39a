//! Living beside other migration tools: before pgdrift runs a directory on a database, it
//! reads the tracking tables there (read-only) and notices when another tool — a known one
//! or a homegrown runner — has recorded migrations while pgdrift has recorded none: running
//! the files would run them a second time. It also names the tool whose directory layout a
//! directory has, whose own history pgdrift does not update unless asked.

use super::history::{compare_dir_with, read_history, HistoryError, ToolHistory};
use crate::pg::Connection;
use crate::report::shell::Command;
use crate::source::dir::DirFormat;
use crate::source::dir::Ignore;
use std::path::Path;

/// Another tool manages the database pgdrift was asked to migrate.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OtherManager {
    /// The tool's id (`drizzle`, `homegrown`) and its name for people.
    pub tool: &'static str,
    pub tool_name: &'static str,
    /// Its tracking table, `schema.name`.
    pub table: String,
    /// "12 applied, last 2026-01-05".
    pub summary: String,
    /// The newest file of the directory the tool recorded as applied, when it can tell.
    pub last_applied_file: Option<String>,
}

impl OtherManager {
    fn from_history(t: &ToolHistory, dir: &Path, ignore: &Ignore) -> OtherManager {
        let last = t
            .last_activity
            .as_deref()
            .map(|at| format!(", last {}", at.get(..10).unwrap_or(at)))
            .unwrap_or_default();
        let count = if t.keeps_history {
            format!("{} applied", t.applied)
        } else {
            format!("at {}", t.latest.as_deref().unwrap_or("?"))
        };
        OtherManager {
            tool: t.tool,
            tool_name: t.tool_name,
            table: t.table.clone(),
            summary: format!("{count}{last}"),
            last_applied_file: compare_dir_with(t, dir, ignore)
                .ok()
                .and_then(|c| c.last_applied)
                .map(|f| f.file),
        }
    }

    /// What the refusal says, with the commands that adopt the database or override it.
    /// `target` is the database as commands should name it (`env:NAME`, or its URL with the
    /// password masked); `ignore`, the globs the directory was read with.
    pub fn refusal(&self, target: &str, dir: &Path, ignore: &Ignore) -> String {
        let (version, which) = match &self.last_applied_file {
            Some(file) => (file.as_str(), String::new()),
            None => (
                "VERSION",
                " (VERSION: the last migration the database already has)".to_string(),
            ),
        };
        let who = match self.tool {
            "homegrown" => "a homegrown runner".to_string(),
            _ => self.tool_name.to_string(),
        };
        let baseline = Command::pgdrift(["migrate", "baseline", "--url", target, "--dir"])
            .arg(dir.display().to_string())
            .ignore(ignore.patterns())
            .args(["--version", version]);
        format!(
            "this database is managed by {who} ({}; table {}) and pgdrift has recorded no \
             migration here, so applying {} would run migrations a second time. Adopt it with \
             `{baseline}`{which}, after which pgdrift applies only what is new; or pass \
             --ignore-other-tools to run the files anyway",
            self.summary,
            self.table,
            dir.display(),
        )
    }
}

/// The tool that manages the database `conn` is connected to, when it is not pgdrift and
/// pgdrift has recorded nothing there. Reads only (one read-only transaction).
pub async fn other_manager(
    conn: &Connection,
    dir: &Path,
    ignore: &Ignore,
) -> Result<Option<OtherManager>, HistoryError> {
    let history = read_history(conn).await?;
    let pgdrift_used = history
        .trackers
        .iter()
        .any(|t| t.tool == "pgdrift" && t.is_used());
    if pgdrift_used {
        return Ok(None);
    }
    Ok(history
        .trackers
        .iter()
        .filter(|t| t.tool != "pgdrift" && t.is_used())
        .max_by(|a, b| a.last_activity.cmp(&b.last_activity))
        .map(|t| OtherManager::from_history(t, dir, ignore)))
}

/// The tool (or tools) whose own layout a directory of `format` has, when it is not one
/// that pgdrift's plain numbered files share with everyone.
pub fn layout_owner(format: DirFormat) -> Option<(&'static str, &'static [&'static str])> {
    match format {
        DirFormat::Drizzle => Some(("Drizzle", &["drizzle"])),
        DirFormat::Prisma => Some(("Prisma", &["prisma"])),
        DirFormat::Flyway => Some(("Flyway", &["flyway"])),
        DirFormat::Dbmate => Some(("dbmate", &["dbmate"])),
        DirFormat::UpDown => Some(("golang-migrate or sqlx", &["golang-migrate", "sqlx"])),
        DirFormat::Plain => None,
    }
}

/// The warning for applying a directory laid out for another tool without keeping that
/// tool's history in step.
pub fn layout_warning(format: DirFormat, dir: &Path) -> Option<String> {
    let (name, ids) = layout_owner(format)?;
    Some(format!(
        "{} is a {name} directory: pgdrift records what it applies in pgdrift.migrations, not \
         in {name}'s own history, so {name} would run these files again; pass --record-for {} \
         to keep its history in step",
        dir.display(),
        ids[0]
    ))
}
