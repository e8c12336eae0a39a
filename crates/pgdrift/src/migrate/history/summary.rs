//! Summing up one tracking table: the latest row of each migration decides its state (a
//! Prisma migration rolled back then applied again is applied; a goose version taken down
//! is not); from those states come the applied count, the latest migration, the failures,
//! and the newest activity.

use super::keys::stamp_time;
use super::tracker::{Record, TimeSource};
use super::{AppliedRow, RowStatus, ToolHistory, Tracker};
use std::collections::HashMap;

impl ToolHistory {
    /// The summary of `rows`, read from `schema.table` with `tracker`.
    pub(crate) fn build(
        tracker: &'static Tracker,
        schema: &str,
        table: &str,
        rows: Vec<AppliedRow>,
    ) -> ToolHistory {
        let latest_rows = latest_per_version(&rows);
        let applied: Vec<&AppliedRow> = latest_rows
            .iter()
            .map(|i| &rows[*i])
            .filter(|r| r.status.is_applied())
            .collect();
        let failed: Vec<AppliedRow> = latest_rows
            .iter()
            .map(|i| &rows[*i])
            .filter(|r| r.status.is_failure())
            .cloned()
            .collect();
        let (last_activity, estimated) = last_activity(tracker, &rows);
        ToolHistory {
            tool: tracker.id,
            tool_name: tracker.name,
            table: format!("{schema}.{table}"),
            schema: schema.to_string(),
            table_name: table.to_string(),
            keeps_history: tracker.record == Record::Ledger,
            applied: applied.len(),
            // golang-migrate's one row is the current version, dirty or not.
            latest: match tracker.record {
                Record::Ledger => applied
                    .iter()
                    .rfind(|r| !r.repeatable)
                    .map(|r| r.version.clone()),
                _ => latest_rows.last().map(|i| rows[*i].version.clone()),
            },
            last_activity,
            last_activity_estimated: estimated,
            failed,
            rows,
            unreadable: None,
            layout: None,
            tracker,
        }
    }

    /// True when the tool has recorded any migration (applied, failed or undone): its table
    /// holds more than the tool's own bookkeeping.
    pub fn is_used(&self) -> bool {
        self.rows.iter().any(|r| r.status != RowStatus::Marker)
    }

    /// The state of each migration: the latest row per version, in the order those rows
    /// come.
    pub fn latest_rows(&self) -> Vec<&AppliedRow> {
        latest_per_version(&self.rows)
            .into_iter()
            .map(|i| &self.rows[i])
            .collect()
    }

    /// The applied migrations' rows, each migration's latest row, in the tool's order.
    pub fn applied_rows(&self) -> Vec<&AppliedRow> {
        self.latest_rows()
            .into_iter()
            .filter(|r| r.status.is_applied())
            .collect()
    }
}

/// Indices of the latest row of each version (markers left out), in row order.
fn latest_per_version(rows: &[AppliedRow]) -> Vec<usize> {
    let mut last: HashMap<&str, usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        if r.status != RowStatus::Marker {
            last.insert(&r.version, i);
        }
    }
    let mut indices: Vec<usize> = last.into_values().collect();
    indices.sort_unstable();
    indices
}

/// The newest time the rows record, and whether it is only an estimate (a migration's own
/// stamp rather than the time it ran).
fn last_activity(tracker: &Tracker, rows: &[AppliedRow]) -> (Option<String>, bool) {
    let real = rows
        .iter()
        .filter(|r| r.status != RowStatus::Marker)
        .filter_map(|r| r.applied_at.clone())
        .max();
    match tracker.time {
        TimeSource::Applied => (real, false),
        TimeSource::None => (None, false),
        TimeSource::Stamp => {
            let stamped = real.or_else(|| {
                rows.iter()
                    .filter(|r| r.status != RowStatus::Marker)
                    .filter_map(|r| stamp_time(&r.version))
                    .max()
            });
            let found = stamped.is_some();
            (stamped, found)
        }
    }
}
