//! The drift matrix: rows are top-level objects, columns the desired schemas and then the
//! databases. A database column holds only its deviations; everything else is derived
//! (present when its role desires the object, absent otherwise), so memory grows with drift,
//! not with fleet size.

use super::classify::ObjectKey;
use super::report::{Cell, DriftMatrix, MatrixColumn, MatrixRow};
use super::run::{DbResult, Role};
use std::collections::{BTreeMap, BTreeSet};

/// Up to this many rows, the matrix keeps rows every database agrees on.
const SMALL: usize = 60;

/// Builds the matrix of `roles` and `databases` (in report order).
pub(super) fn build_matrix(roles: &[Role], databases: &[DbResult]) -> DriftMatrix {
    let desired: Vec<&Role> = roles.iter().filter(|r| r.loaded).collect();
    let mut columns: Vec<MatrixColumn> = desired
        .iter()
        .map(|r| MatrixColumn {
            label: format!("desired: {}", r.name),
            kind: "desired",
            role: Some(r.name.clone()),
        })
        .collect();
    columns.extend(databases.iter().map(|d| MatrixColumn {
        label: format!("{}/{}", d.entry.server, d.entry.name),
        kind: "database",
        role: d.entry.role.clone(),
    }));
    let mut keys: BTreeSet<&ObjectKey> = desired.iter().flat_map(|r| r.objects.iter()).collect();
    for d in databases {
        if let Some(cells) = &d.cells {
            keys.extend(cells.keys());
        }
    }
    let roles_by_name: BTreeMap<&str, &Role> = roles.iter().map(|r| (r.name.as_str(), r)).collect();
    let mut rows = Vec::new();
    let mut agreeing = Vec::new();
    for key in keys {
        let mut cells: Vec<Cell> = desired
            .iter()
            .map(|r| {
                if r.objects.contains(key) {
                    Cell::Present
                } else {
                    Cell::Absent
                }
            })
            .collect();
        let mut deviates = false;
        for d in databases {
            let cell = database_cell(d, key, &roles_by_name);
            deviates |= !matches!(cell, Cell::Present | Cell::Absent | Cell::Unknown);
            cells.push(cell);
        }
        let row = MatrixRow {
            object: key.clone(),
            cells,
        };
        if deviates {
            rows.push(row);
        } else {
            agreeing.push(row);
        }
    }
    let rows_in_agreement = if rows.len() + agreeing.len() <= SMALL {
        rows.extend(agreeing);
        rows.sort_by(|a, b| a.object.cmp(&b.object));
        0
    } else {
        agreeing.len()
    };
    DriftMatrix {
        columns,
        rows,
        rows_in_agreement,
    }
}

fn database_cell(d: &DbResult, key: &ObjectKey, roles: &BTreeMap<&str, &Role>) -> Cell {
    let Some(cells) = &d.cells else {
        return Cell::Unknown;
    };
    if let Some(cell) = cells.get(key) {
        return *cell;
    }
    let desired = d
        .entry
        .role
        .as_deref()
        .and_then(|r| roles.get(r))
        .is_some_and(|r| r.objects.contains(key));
    if desired {
        Cell::Present
    } else {
        Cell::Absent
    }
}
