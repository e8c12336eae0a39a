//! The tables of one database a backup before its pending migrations holds: each table a
//! statement touches, its unqualified name looked up through the database's `search_path`
//! (a table an earlier statement of the run creates is not backed up: it does not exist
//! yet), and, when a statement hides its targets, every table of the schemas it names, or
//! every table when it names none.

use super::backup_targets::{effects, is_system, Effect, Named};
use super::files::MigrationFile;
use crate::model::QualName;
use std::collections::BTreeSet;

/// What a backup holds, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub tables: BTreeSet<QualName>,
    /// Statements whose targets could not be told: `file: why` (the backup is wider).
    pub opaque: Vec<String>,
    /// With `opaque`: every table of these schemas was added (`None`: of every schema).
    pub widened_to: Option<Option<BTreeSet<String>>>,
}

/// Why a pending file could not be read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct ScopeError {
    pub file: String,
    pub reason: String,
}

/// The tables to back up before `pending` runs on a database whose `search_path` is
/// `search_path` (its schemas that exist, in order) and whose tables are `existing`.
pub fn scope(
    pending: &[&MigrationFile],
    search_path: &[String],
    existing: &BTreeSet<QualName>,
) -> Result<Scope, ScopeError> {
    let mut all = Vec::new();
    for file in pending {
        let found = effects(&file.script).map_err(|e| ScopeError {
            file: file.migration.path.display().to_string(),
            reason: e.to_string(),
        })?;
        all.push((file.migration.path.display().to_string(), found));
    }
    Ok(resolve(&all, search_path, existing))
}

/// `scope` on effects already read, each with the file it comes from.
pub fn resolve(
    effects: &[(String, Vec<Effect>)],
    search_path: &[String],
    existing: &BTreeSet<QualName>,
) -> Scope {
    let mut out = Scope::default();
    let mut created: BTreeSet<QualName> = BTreeSet::new();
    let mut wide: Option<BTreeSet<String>> = Some(BTreeSet::new());
    for (file, list) in effects {
        for effect in list {
            match effect {
                Effect::Creates(n) => {
                    let schema = n.schema.as_ref().or(search_path.first());
                    if let Some(schema) = schema {
                        created.insert(QualName::new(schema, &n.name));
                    }
                }
                Effect::Touches(n) => {
                    let found = lookup(n, search_path, |q| {
                        created.contains(q) || existing.contains(q)
                    });
                    if let Some(q) = found.filter(|q| !created.contains(q) && existing.contains(q))
                    {
                        out.tables.insert(q);
                    }
                }
                Effect::Opaque { schemas, why } => {
                    out.opaque.push(format!("{file}: {why}"));
                    match (&mut wide, schemas.is_empty()) {
                        (_, true) => wide = None,
                        (Some(w), false) => w.extend(schemas.iter().cloned()),
                        (None, false) => {}
                    }
                }
            }
        }
    }
    if !out.opaque.is_empty() {
        widen(&mut out, existing, wide);
    }
    out
}

/// Adds every table of the schemas `wide` names (of every schema when `None`).
fn widen(out: &mut Scope, existing: &BTreeSet<QualName>, wide: Option<BTreeSet<String>>) {
    out.tables.extend(
        (existing.iter())
            .filter(|q| !is_system(&q.schema))
            .filter(|q| wide.as_ref().is_none_or(|w| w.contains(&q.schema)))
            .cloned(),
    );
    out.widened_to = Some(wide);
}

/// The table `n` names: its own schema, else the first schema of `search_path` where
/// `known` finds it.
fn lookup(
    n: &Named,
    search_path: &[String],
    known: impl Fn(&QualName) -> bool,
) -> Option<QualName> {
    match &n.schema {
        Some(s) => Some(QualName::new(s, &n.name)),
        None => (search_path.iter())
            .map(|s| QualName::new(s, &n.name))
            .find(|q| known(q)),
    }
}
