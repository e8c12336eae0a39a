//! One database against its role's desired catalog: the diff's changes become findings and
//! matrix cells. Sub-objects (columns, constraints, indexes, triggers, policies) count
//! against their table; an extra object that another role's desired catalog holds is
//! *leaked*; migration tools' tracking tables (one list: `migrate::owned`) are never
//! missing, extra, changed or leaked.

use super::findings::{self, Finding};
use super::report::Cell;
use crate::diff::{diff, Change, DiffOptions, Op};
use crate::migrate::owned::ToolOwned;
use crate::model::{Catalog, Kind};
use crate::report::shell::Command;
use std::collections::{BTreeMap, HashSet};

/// A top-level object: `table public.orders`.
pub type ObjectKey = String;

/// Where the database being classified is and what it should be.
#[derive(Debug)]
pub struct Context<'a> {
    pub server: &'a str,
    pub database: &'a str,
    /// How fix commands name the database: `env:NAME/DB`, or its connection string with the
    /// password masked.
    pub target: &'a str,
    pub role: &'a str,
    /// How fix commands name the role's desired source (`env:NAME`, or masked).
    pub desired_source: &'a str,
    pub desired: &'a Catalog,
    /// The other roles' desired objects, by role name.
    pub others: &'a [(String, HashSet<ObjectKey>)],
    /// Migration tools' tracking tables and what goes with them, in this database.
    pub owned: &'a ToolOwned,
}

/// The key of the top-level object a change counts against, and whether it is the object
/// itself (not one of its parts).
fn top_level(change: &Change<'_>) -> (ObjectKey, bool) {
    let table = |schema: &str, table: &str| format!("table {schema}.{table}");
    match change.subject.parent_table() {
        Some((schema, name)) => (table(schema, name), false),
        None => (object_key(change.kind, &change.name), true),
    }
}

/// `kind name`, as rows of the matrix show it.
pub fn object_key(kind: Kind, name: &str) -> ObjectKey {
    format!("{} {name}", kind.info().singular)
}

/// Every top-level object of `catalog`, as matrix rows name them.
pub fn objects(catalog: &Catalog) -> Vec<ObjectKey> {
    let empty = Catalog::default();
    diff(&empty, catalog, &DiffOptions::default())
        .changes
        .iter()
        .map(top_level)
        .filter(|(_, own)| *own)
        .map(|(k, _)| k)
        .collect()
}

/// The findings and the cells that differ from "present as desired" for one database.
#[derive(Debug, Default)]
pub struct Classified {
    pub findings: Vec<Finding>,
    pub cells: BTreeMap<ObjectKey, Cell>,
}

/// Compares `live` with the role's desired catalog.
pub fn classify(ctx: &Context<'_>, live: &Catalog) -> Classified {
    let d = diff(live, ctx.desired, &DiffOptions::default());
    // Objects created or dropped whole: their parts need no findings of their own.
    let whole: HashSet<ObjectKey> = d
        .changes
        .iter()
        .filter(|c| c.op != Op::Alter)
        .map(top_level)
        .filter(|(_, own)| *own)
        .map(|(k, _)| k)
        .collect();
    let mut out = Classified::default();
    for change in d.changes.iter().filter(|c| ctx.owned.owner_of(c).is_none()) {
        let (key, own) = top_level(change);
        if !own && whole.contains(&key) {
            continue;
        }
        let (cell, finding) = judge(ctx, change, &key, own);
        let entry = out.cells.entry(key).or_insert(cell);
        if cell_rank(cell) > cell_rank(*entry) {
            *entry = cell;
        }
        out.findings.push(finding);
    }
    out
}

fn cell_rank(c: Cell) -> u8 {
    match c {
        Cell::Present | Cell::Absent | Cell::Unknown => 0,
        Cell::Differs => 1,
        Cell::Extra => 2,
        Cell::Missing => 3,
        Cell::Leaked => 4,
    }
}

/// The cell and the finding for one change (`from` = live, `to` = desired).
fn judge(ctx: &Context<'_>, change: &Change<'_>, key: &str, own: bool) -> (Cell, Finding) {
    let what = format!("{} {}", change.kind.info().singular, change.name);
    let base = |kind| Finding::new(kind, ctx.server, Some(ctx.database)).object(what.clone());
    let plan = Command::pgdrift(["diff", ctx.target, ctx.desired_source, "-f", "sql"]);
    match change.op {
        Op::Create => (
            if own { Cell::Missing } else { Cell::Differs },
            base(findings::MISSING_OBJECT)
                .message(format!("{what} is missing (role {})", ctx.role))
                .fix(plan.to_string()),
        ),
        Op::Alter => {
            let fields: Vec<&str> = change.fields.iter().map(|f| f.field.as_str()).collect();
            (
                Cell::Differs,
                base(findings::CHANGED_OBJECT)
                    .message(format!("{what} differs: {}", fields.join(", ")))
                    .fix(plan.to_string()),
            )
        }
        Op::Drop => {
            let owner = own
                .then(|| {
                    ctx.others
                        .iter()
                        .find(|(_, objects)| objects.contains(key))
                        .map(|(r, _)| r.as_str())
                })
                .flatten();
            let drop = (plan.clone()).args(["--allow-destructive", "--reverse", "undo.sql"]);
            match owner {
                Some(role) => (
                    Cell::Leaked,
                    base(findings::LEAKED_OBJECT)
                        .message(format!(
                            "{what} belongs to role {role}, not to {} (role {})",
                            ctx.database, ctx.role
                        ))
                        .fix(drop.to_string()),
                ),
                None => (
                    if own { Cell::Extra } else { Cell::Differs },
                    base(findings::EXTRA_OBJECT)
                        .message(format!("{what} is in no desired schema"))
                        .fix(drop.to_string()),
                ),
            }
        }
    }
}
