//! Alembic's revision chain, as pgdrift writes `alembic_version` from it: each `.py` file's
//! `revision` and `down_revision`, followed from the root to the head. Recording needs one
//! line of revisions, each standing for the SQL file at the same position of the migrations
//! directory; branches and merges are refused with the revisions named.

use super::RecordError;
use crate::migrate::history::alembic_revision;
use std::collections::HashMap;
use std::path::Path;

/// One revision file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub id: String,
    /// The file's name inside the revisions directory.
    pub file: String,
    downs: Vec<String>,
}

fn parse(text: &str, file: String) -> Option<Revision> {
    let (id, downs) = alembic_revision(text)?;
    Some(Revision { id, file, downs })
}

/// The revision files of `dir` (and its subdirectories), by name.
fn read(dir: &Path, prefix: &str, out: &mut Vec<Revision>) -> Result<(), RecordError> {
    let io = |path: &Path, e: std::io::Error| RecordError::File {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if name.starts_with('.') || name == "__pycache__" {
            continue;
        }
        if path.is_dir() {
            read(&path, &format!("{prefix}{name}/"), out)?;
        } else if name.ends_with(".py") {
            let text = crate::source::file::read_to_string(&path).map_err(|e| io(&path, e))?;
            out.extend(parse(&text, format!("{prefix}{name}")));
        }
    }
    Ok(())
}

/// The revisions of `dir`, root first, when they form one line.
pub fn chain(dir: &Path) -> Result<Vec<Revision>, RecordError> {
    let mut found = Vec::new();
    read(dir, "", &mut found)?;
    let refuse = |why: String| RecordError::Revisions(format!("{}: {why}", dir.display()));
    if found.is_empty() {
        return Err(refuse(
            "no Alembic revision files (`revision = ...`) here".into(),
        ));
    }
    if let Some(merge) = found.iter().find(|r| r.downs.len() > 1) {
        return Err(refuse(format!(
            "{} ({}) merges {}; pgdrift records Alembic histories of one line of revisions",
            merge.id,
            merge.file,
            merge.downs.join(" and ")
        )));
    }
    let mut child: HashMap<&str, &Revision> = HashMap::new();
    for r in &found {
        if let Some(down) = r.downs.first() {
            if let Some(other) = child.insert(down, r) {
                return Err(refuse(format!(
                    "{down} has two next revisions, {} and {}: a branch; merge it first",
                    other.id, r.id
                )));
            }
        }
    }
    let roots: Vec<&Revision> = found.iter().filter(|r| r.downs.is_empty()).collect();
    let [root] = roots.as_slice() else {
        let ids: Vec<&str> = roots.iter().map(|r| r.id.as_str()).collect();
        return Err(refuse(format!(
            "{} revisions have no down_revision ({}); one line of revisions has one",
            ids.len(),
            ids.join(", ")
        )));
    };
    let mut line = vec![(*root).clone()];
    while let Some(next) = child.get(line[line.len() - 1].id.as_str()) {
        if line.len() > found.len() {
            return Err(refuse("the down_revision links make a cycle".into()));
        }
        line.push((*next).clone());
    }
    if line.len() != found.len() {
        let linked: Vec<&str> = line.iter().map(|r| r.id.as_str()).collect();
        let stray: Vec<&str> = found
            .iter()
            .filter(|r| !linked.contains(&r.id.as_str()))
            .map(|r| r.file.as_str())
            .collect();
        return Err(refuse(format!(
            "{} is not linked to the chain from {} (its down_revision names no revision here)",
            stray.join(", "),
            root.id
        )));
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, files: &[(&str, &str)]) {
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }

    #[test]
    fn follows_down_revisions_from_the_root() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                (
                    "b_second.py",
                    "revision: str = 'b2'\ndown_revision = \"a1\"\n",
                ),
                (
                    "a_first.py",
                    "revision = 'a1'\ndown_revision = None  # root\n",
                ),
                ("c_third.py", "revision = 'c3'\ndown_revision = 'b2'\n"),
                ("helpers.py", "def f():\n    revision = 'x'\n"),
            ],
        );
        let ids: Vec<String> = chain(dir.path())
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(ids, ["a1", "b2", "c3"]);
    }

    #[test]
    fn branches_and_merges_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                ("a.py", "revision = 'a1'\ndown_revision = None\n"),
                ("b.py", "revision = 'b2'\ndown_revision = 'a1'\n"),
                ("c.py", "revision = 'c3'\ndown_revision = 'a1'\n"),
            ],
        );
        let err = chain(dir.path()).unwrap_err().to_string();
        assert!(err.contains("a1 has two next revisions"), "{err}");
        write(
            dir.path(),
            &[("d.py", "revision = 'd4'\ndown_revision = ('b2', 'c3')\n")],
        );
        let err = chain(dir.path()).unwrap_err().to_string();
        assert!(err.contains("d4 (d.py) merges b2 and c3"), "{err}");
    }
}
