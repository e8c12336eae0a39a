//! Renames weighed against the application's code (`lint --migrations DIR --code SRC`): a
//! rename matters only while code still uses the old name. With code directories, a rename
//! finding (PL706, PL707) stays when a file names the old table — or, for a column, names
//! it in a file that references its table — and says where; it is dropped otherwise.

use crate::evidence::code::names::Names;
use crate::evidence::code::scan::Named;
use crate::evidence::code::walk::walk;
use crate::lint::RuleId;
use crate::model::QualName;
use crate::report::finding::Finding;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;

/// What a rename finding is about: the old table, and the old column for a column rename.
fn renamed(f: &Finding) -> Option<(QualName, Option<String>)> {
    let object = f.object.as_ref()?;
    let parts: Vec<&str> = object.name.splitn(3, '.').collect();
    let table = |s: &str, t: &str| QualName::new(s, t);
    match (f.code, parts.as_slice()) {
        (c, [s, t]) if c == RuleId::RenamesTable.info().code => Some((table(s, t), None)),
        (c, [s, t, col]) if c == RuleId::RenamesColumn.info().code => {
            Some((table(s, t), Some(col.to_string())))
        }
        _ => None,
    }
}

/// Keeps the rename findings code still depends on, each saying where; the others go.
/// Errors name a root that is not a directory.
pub fn weigh_renames(findings: &mut Vec<Finding>, roots: &[PathBuf]) -> Result<(), String> {
    if let Some(bad) = roots.iter().find(|r| !r.is_dir()) {
        return Err(format!(
            "code directory {} does not exist or is not a directory",
            bad.display()
        ));
    }
    let targets: Vec<(usize, QualName, Option<String>)> = (findings.iter().enumerate())
        .filter_map(|(i, f)| renamed(f).map(|(t, c)| (i, t, c)))
        .collect();
    if targets.is_empty() {
        return Ok(());
    }
    let mut columns: BTreeMap<QualName, Vec<String>> = BTreeMap::new();
    for (_, t, c) in &targets {
        columns.entry(t.clone()).or_default().extend(c.clone());
    }
    let tables: Vec<QualName> = columns.keys().cloned().collect();
    let names = Names::with_columns(tables.clone(), columns.values().cloned().collect());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let walked = walk(roots, &names, threads, &AtomicU64::new(0));
    // Places by (table index, column name or "" for the table itself).
    let mut places: BTreeMap<(usize, String), Vec<String>> = BTreeMap::new();
    for file in &walked.files {
        let mut tables_here = Vec::new();
        for h in &file.hits {
            if let Named::Table(i) = h.named {
                tables_here.push(i as usize);
                let at = format!("{}:{}", file.path, h.line);
                places
                    .entry((i as usize, String::new()))
                    .or_default()
                    .push(at);
            }
        }
        for h in &file.hits {
            let Named::Column(id) = h.named else { continue };
            let name = names.columns().name(id).to_string();
            for t in &tables_here {
                if names.columns().of_table(*t as u32).contains(&id) {
                    let at = format!("{}:{}", file.path, h.line);
                    places.entry((*t, name.clone())).or_default().push(at);
                }
            }
        }
    }
    let mut drop = Vec::new();
    for (i, table, column) in targets {
        let t = tables
            .iter()
            .position(|q| *q == table)
            .unwrap_or(usize::MAX);
        let key = (t, column.unwrap_or_default());
        match places.get(&key) {
            None => drop.push(i),
            Some(at) => {
                let mut at = at.clone();
                at.dedup();
                let more = at.len().saturating_sub(3);
                let shown = at.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
                let more = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                findings[i].message =
                    format!("{}; code still uses it: {shown}{more}", findings[i].message);
            }
        }
    }
    for i in drop.into_iter().rev() {
        findings.remove(i);
    }
    Ok(())
}
