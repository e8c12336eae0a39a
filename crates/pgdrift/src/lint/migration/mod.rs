//! The migration lint: the new files of a migrations directory checked by their statements
//! (text only, lexed; PL7xx) and by their effect (replayed in a shadow database, the catalog
//! before and after each diffed and planned, the plan's hazards reported; PL8xx), every
//! finding located at its file and line and weighed by the real size of the table it
//! touches on the database the migrations will run on (`--against`, [`Against`]).
//!
//! Which files are new is decided here too ([`select_new`]): those changed since a git ref
//! ([`changed_since`]), else those the target database's tracking table has not recorded,
//! else all of them.

mod against;
mod alter;
mod checks;
mod code;
mod columns;
mod drops;
mod effects;
mod file;
mod hazards;
mod keys;
mod newfiles;
mod renames;
pub(crate) mod statement;
pub(crate) mod weigh;

pub use against::{relative, Against, AgainstError, Applied, Sizes, TableStat};
pub use code::weigh_renames;
pub use effects::EffectsError;
pub use file::FileInput;
pub use newfiles::{changed_since, NewFilesError};

use super::{LintConfig, LintError, RuleId, RULES};
use crate::migrate::MigrationDir;
use crate::report::finding::Finding;
use crate::source::LoadOptions;
use std::collections::HashSet;
use std::path::PathBuf;

/// What the rules weigh findings with.
#[derive(Debug)]
pub struct Context<'a> {
    pub config: &'a LintConfig,
    /// Table sizes of the target database, when known.
    pub sizes: Option<Sizes>,
    /// Its `server_version_num`, when known.
    pub server_version_num: Option<u32>,
}

impl<'a> Context<'a> {
    pub fn new(config: &'a LintConfig, against: Option<&Against>) -> Context<'a> {
        Context {
            config,
            sizes: against.map(Against::sizes),
            server_version_num: against.map(|a| a.server_version_num),
        }
    }
}

/// What the statement rules read besides the statement.
pub(crate) struct Env<'a> {
    pub config: &'a LintConfig,
    pub sizes: Option<&'a Sizes>,
    pub server_version_num: Option<u32>,
}

impl Context<'_> {
    pub(crate) fn env(&self) -> Env<'_> {
        Env {
            config: self.config,
            sizes: self.sizes.as_ref(),
            server_version_num: self.server_version_num,
        }
    }
}

/// Why the files are the new ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewBecause {
    /// Added or changed since the merge base with this git ref (or not committed yet).
    ChangedSince(String),
    /// Not recorded by the target database's tracking table (tool, table).
    NotApplied { tool: String, table: String },
    /// The target database has no tracking table for the directory: every file.
    NoTrackingTable,
    /// Neither --base nor --against: every file.
    Everything,
}

/// The positions (in the directory's order) of the new migrations, and why.
pub fn select_new(
    dir: &MigrationDir,
    changed: Option<(&str, &HashSet<PathBuf>)>,
    against: Option<&Against>,
) -> (Vec<usize>, NewBecause) {
    let all = || (0..dir.migrations.len()).collect();
    if let Some((base, changed)) = changed {
        let new = (dir.migrations.iter().enumerate())
            .filter(|(_, m)| {
                let path = m.path.canonicalize().unwrap_or_else(|_| m.path.clone());
                changed.contains(&path)
            })
            .map(|(i, _)| i)
            .collect();
        return (new, NewBecause::ChangedSince(base.to_string()));
    }
    match against.map(|a| &a.applied) {
        Some(Some(applied)) => {
            let done: HashSet<&str> = applied.files.iter().map(String::as_str).collect();
            let new = (dir.migrations.iter().enumerate())
                .filter(|(_, m)| {
                    relative(&dir.path, &m.path).is_none_or(|r| !done.contains(r.as_str()))
                })
                .map(|(i, _)| i)
                .collect();
            let because = NewBecause::NotApplied {
                tool: applied.tool.clone(),
                table: applied.table.clone(),
            };
            (new, because)
        }
        Some(None) => (all(), NewBecause::NoTrackingTable),
        None => (all(), NewBecause::Everything),
    }
}

/// Why a migration lint could not finish.
#[derive(Debug, thiserror::Error)]
pub enum MigrationLintError {
    #[error(transparent)]
    Lint(#[from] LintError),
    #[error(transparent)]
    Effects(#[from] EffectsError),
}

/// Lints the migrations at `new` (positions in `dir`): their statements, then their effects
/// replayed on a shadow server `load` chooses. The findings, worst first.
pub async fn lint(
    dir: &MigrationDir,
    new: &[usize],
    ctx: &Context<'_>,
    load: &LoadOptions,
) -> Result<Vec<Finding>, MigrationLintError> {
    let env = ctx.env();
    let mut statements = Vec::new();
    for &i in new {
        let m = &dir.migrations[i];
        let name = m.path.display().to_string();
        let input = FileInput {
            name: &name,
            sql: &m.sql,
            no_transaction: m.no_transaction,
        };
        statements.extend(file::check_file(&input, &env)?);
    }
    let wanted = RULES
        .iter()
        .any(|r| r.code.starts_with("PL8") && ctx.config.level(r.id).is_some());
    let effects = match wanted && !new.is_empty() {
        true => effects::effects(dir, new, ctx, load).await?,
        false => Vec::new(),
    };
    let mut findings = hazards::merge(statements, effects);
    Finding::sort(&mut findings);
    Ok(findings)
}

/// The rules a migration lint runs.
pub fn rules_run(config: &LintConfig) -> usize {
    super::rules_on(config, &[super::Input::Migration])
}

/// True when `rule` is a migration rule.
pub fn is_migration_rule(rule: RuleId) -> bool {
    rule.info().input == super::Input::Migration
}

#[cfg(test)]
mod tests;
