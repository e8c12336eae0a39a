//! Alembic: `alembic_version` holds only the current head revision(s), so the history is
//! rebuilt from the revision files: each `.py` file's `revision` and `down_revision` (a
//! tuple for merge revisions) make a graph; everything the heads descend from is applied,
//! every other revision is still to come.

use super::compare::{DirComparison, FileRef};
use super::files::DirFile;
use super::{walk, HistoryError, ToolHistory};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// One revision file.
#[derive(Debug)]
struct Revision {
    id: String,
    downs: Vec<String>,
    rel: String,
    path: std::path::PathBuf,
}

/// The value of a top-level `name = ...` (or annotated `name: T = ...`) assignment.
fn assignment<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(name)?;
    if !rest.starts_with([' ', ':', '=']) {
        return None;
    }
    let (_, value) = rest.split_once('=')?;
    Some(value.trim())
}

/// The quoted strings of a value: `'a'` -> [a], `('a', "b")` -> [a, b], `None` -> [].
fn quoted(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '#' {
            break;
        }
        if c == '\'' || c == '"' {
            let s: String = chars.by_ref().take_while(|x| *x != c).collect();
            out.push(s);
        }
    }
    out
}

/// `revision` and `down_revision` of a revision file, when it is one (also what `record`
/// follows to write `alembic_version`).
pub(crate) fn parse(text: &str) -> Option<(String, Vec<String>)> {
    let mut revision = None;
    let mut downs = Vec::new();
    for line in text.lines() {
        if let Some(v) = assignment(line, "revision") {
            revision = quoted(v).into_iter().next();
        } else if let Some(v) = assignment(line, "down_revision") {
            downs = quoted(v);
        }
    }
    Some((revision?, downs))
}

/// The revision files under `dir`, parents before children.
fn revisions(dir: &Path) -> Result<Vec<Revision>, HistoryError> {
    let mut found = Vec::new();
    for (rel, path) in walk::files(dir)? {
        if !rel.ends_with(".py") {
            continue;
        }
        let text =
            crate::source::file::read_to_string(&path).map_err(|e| HistoryError::io(&path, &e))?;
        if let Some((id, downs)) = parse(&text) {
            found.push(Revision {
                id,
                downs,
                rel,
                path,
            });
        }
    }
    let index: HashMap<&str, usize> = found
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut order = Vec::with_capacity(found.len());
    let mut seen = vec![false; found.len()];
    // Depth first along down_revision: a revision comes after everything it descends from.
    fn visit(
        i: usize,
        found: &[Revision],
        index: &HashMap<&str, usize>,
        seen: &mut [bool],
        order: &mut Vec<usize>,
    ) {
        if std::mem::replace(&mut seen[i], true) {
            return;
        }
        for d in &found[i].downs {
            if let Some(&j) = index.get(d.as_str()) {
                visit(j, found, index, seen, order);
            }
        }
        order.push(i);
    }
    for i in 0..found.len() {
        visit(i, &found, &index, &mut seen, &mut order);
    }
    let mut slots: Vec<Option<Revision>> = found.into_iter().map(Some).collect();
    Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
}

/// The revision files as keyed migrations, parents first.
pub(super) fn dir_files(dir: &Path) -> Result<Vec<DirFile>, HistoryError> {
    Ok(revisions(dir)?
        .into_iter()
        .map(|r| DirFile {
            key: r.id,
            rel: r.rel,
            path: r.path,
            repeatable: false,
        })
        .collect())
}

/// Compares the current head(s) with the revision files under `dir`.
pub(super) fn compare(history: &ToolHistory, dir: &Path) -> Result<DirComparison, HistoryError> {
    let revs = revisions(dir)?;
    let by_id: HashMap<&str, &Revision> = revs.iter().map(|r| (r.id.as_str(), r)).collect();
    let heads: Vec<&str> = history
        .applied_rows()
        .iter()
        .map(|r| r.version.as_str())
        .collect();
    let mut applied: HashSet<&str> = HashSet::new();
    let mut stack: Vec<&str> = heads
        .iter()
        .copied()
        .filter(|h| by_id.contains_key(h))
        .collect();
    while let Some(id) = stack.pop() {
        if applied.insert(id) {
            if let Some(r) = by_id.get(id) {
                stack.extend(r.downs.iter().map(String::as_str));
            }
        }
    }
    let unknown_heads: Vec<String> = heads
        .iter()
        .filter(|h| !by_id.contains_key(*h))
        .map(|h| h.to_string())
        .collect();
    // With a head the files do not know, what follows it cannot be told apart from what
    // precedes it: nothing is called never applied then.
    let never_applied = if unknown_heads.is_empty() {
        revs.iter()
            .filter(|r| !applied.contains(r.id.as_str()))
            .map(|r| FileRef {
                key: r.id.clone(),
                file: r.rel.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(DirComparison {
        tool: history.tool,
        table: history.table.clone(),
        dir: dir.display().to_string(),
        files: revs.len(),
        applied: revs
            .iter()
            .filter(|r| applied.contains(r.id.as_str()))
            .count(),
        never_applied,
        rows_without_file: unknown_heads,
        not_comparable: Some("Alembic records no checksums".to_string()),
        ..DirComparison::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_annotated_and_merge_revisions() {
        let plain = "revision = 'b2'\ndown_revision = 'a1'\nbranch_labels = None\n";
        assert_eq!(parse(plain), Some(("b2".into(), vec!["a1".into()])));
        let annotated = "revision: str = \"c3\"\ndown_revision: Union[str, None] = None  # first\n";
        assert_eq!(parse(annotated), Some(("c3".into(), vec![])));
        let merge = "revision = 'd4'\ndown_revision = ('b2', 'c3')\n";
        assert_eq!(
            parse(merge),
            Some(("d4".into(), vec!["b2".into(), "c3".into()]))
        );
        assert_eq!(parse("def upgrade():\n    revision = 'x'\n"), None);
    }
}
