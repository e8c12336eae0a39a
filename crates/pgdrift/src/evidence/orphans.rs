//! Orphans: the relations of a live database that no desired schema declares (without
//! desired schemas, every table), each with its evidence and verdict, worst first. Tools'
//! own tables (migration trackers, pgdrift's schemas) are never orphans, and a sequence a
//! column owns goes with its table.

use super::claims::Desired;
use super::object::{ObjectEvidence, VerdictState};
use crate::migrate::owned::ToolOwned;
use crate::model::{Catalog, QualName};
use serde::Serialize;

/// The layout of the JSON form; raised when a field changes meaning or goes.
pub const FORMAT_VERSION: u32 = 1;

/// What `pgdrift orphans` reports for one database.
#[derive(Debug, Clone, Serialize)]
pub struct Orphans {
    pub format_version: u32,
    /// The database, its connection string masked.
    pub database: String,
    pub server_version: String,
    /// The desired schemas checked; empty when none was given (then every table is listed).
    pub desired: Vec<String>,
    /// Relations that a desired schema declares: not orphans, not listed.
    pub declared: usize,
    /// Tools' own tables left out (migration trackers and the like).
    pub tool_owned: usize,
    /// Worst first: see [`rank`].
    pub objects: Vec<ObjectEvidence>,
}

impl Orphans {
    /// How many orphans have each verdict, in the order of [`rank`].
    pub fn counts(&self) -> Vec<(VerdictState, usize)> {
        ORDER
            .iter()
            .map(|&s| {
                let n = self.objects.iter().filter(|o| o.verdict.state == s).count();
                (s, n)
            })
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}

/// Verdicts, worst first: an orphan in use is what a rebuild from the desired schemas
/// would lose; one whose use cannot be told needs looking at; an unused one can go.
const ORDER: [VerdictState; 4] = [
    VerdictState::InUse,
    VerdictState::Unknown,
    VerdictState::LikelyUnused,
    VerdictState::Unused,
];

/// The candidates of `live`: relations no desired schema declares, or every table when
/// `desired` is empty; the count of declared ones and of tool-owned tables left out.
pub fn candidates(live: &Catalog, desired: &[Desired<'_>]) -> (Vec<QualName>, usize, usize) {
    let owned = ToolOwned::of(live);
    let mut mine = live.clone();
    owned.remove_from(&mut mine);
    let tool_owned = live.tables.len() - mine.tables.len();
    let declared_anywhere = |q: &QualName| (desired.iter()).any(|d| relation_in(d.catalog, q));
    let mut relations: Vec<QualName> = mine.tables.keys().cloned().collect();
    if !desired.is_empty() {
        relations.extend(mine.views.keys().cloned());
        let free = (mine.sequences.iter()).filter(|(_, s)| s.owned_by.is_none());
        relations.extend(free.map(|(q, _)| q.clone()));
    }
    relations.sort();
    let total = relations.len();
    relations.retain(|q| !declared_anywhere(q));
    let declared = total - relations.len();
    (relations, declared, tool_owned)
}

fn relation_in(catalog: &Catalog, q: &QualName) -> bool {
    catalog.tables.contains_key(q)
        || catalog.views.contains_key(q)
        || catalog.sequences.contains_key(q)
}

/// Sorts worst first: by verdict (in use, unknown, likely unused, unused), then the
/// biggest first, then by name.
pub fn rank(objects: &mut [ObjectEvidence]) {
    let at = |s: VerdictState| ORDER.iter().position(|&o| o == s).unwrap_or(ORDER.len());
    objects.sort_by(|a, b| {
        at(a.verdict.state)
            .cmp(&at(b.verdict.state))
            .then(b.holds.total_bytes.cmp(&a.holds.total_bytes))
            .then(a.object.cmp(&b.object))
    });
}
