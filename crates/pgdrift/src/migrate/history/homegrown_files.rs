//! A homegrown tracker's files: the directory's SQL files (down and undo scripts left out),
//! keyed the way its rows name them. A runner of one's own may record a file's number
//! (`19` for `019_add_orders.sql`), its full name, or its name without the extension;
//! whichever of the three matches the most recorded rows is the one used.

use super::files::DirFile;
use super::keys::{compare_versions, leading_number, number};
use super::{walk, HistoryError, ToolHistory};
use crate::source::dir::Ignore;
use std::collections::HashSet;
use std::path::Path;

/// How a homegrown tracker's rows name files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Naming {
    /// The number the file's name starts with.
    Number,
    /// The full file name.
    Name,
    /// The file name without its extension.
    Stem,
}

const NAMINGS: [Naming; 3] = [Naming::Number, Naming::Name, Naming::Stem];

impl Naming {
    fn file_key(self, name: &str) -> Option<String> {
        match self {
            Naming::Number => leading_number(name),
            Naming::Name => Some(name.to_string()),
            Naming::Stem => Some(stem(name).to_string()),
        }
    }

    /// The key of a recorded version.
    pub(super) fn row_key(self, version: &str) -> Option<String> {
        let v = version.trim();
        match self {
            Naming::Number if v.bytes().all(|b| b.is_ascii_digit()) => Some(number(v)),
            Naming::Number => leading_number(v),
            Naming::Name => Some(v.to_string()),
            Naming::Stem => Some(stem(v).to_string()),
        }
    }
}

fn stem(name: &str) -> &str {
    let name = name.rsplit('/').next().unwrap_or(name);
    name.strip_suffix(".sql").unwrap_or(name)
}

/// True for the files a homegrown runner applies: SQL files that are not down or undo
/// scripts.
fn is_up_script(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".sql")
        && !lower.ends_with(".down.sql")
        && !lower.ends_with(".undo.sql")
        && !lower.ends_with("_down.sql")
}

/// True when `ignore` leaves out the file at `rel` or a folder above it.
fn ignored(ignore: &Ignore, rel: &str) -> bool {
    let folders = rel
        .match_indices('/')
        .any(|(i, _)| ignore.matches(&rel[..i], true));
    folders || ignore.matches(rel, false)
}

/// The directory's SQL files keyed as `history`'s rows name them, in version order, and the
/// naming that was chosen.
pub(super) fn keyed_files(
    history: &ToolHistory,
    dir: &Path,
    ignore: &Ignore,
) -> Result<(Vec<DirFile>, Naming), HistoryError> {
    let scripts: Vec<(String, std::path::PathBuf)> = walk::files(dir)?
        .into_iter()
        .filter(|(rel, _)| is_up_script(rel.rsplit('/').next().unwrap_or(rel)))
        .filter(|(rel, _)| !ignored(ignore, rel))
        .collect();
    let name_of = |rel: &str| rel.rsplit('/').next().unwrap_or(rel).to_string();
    let versions: Vec<&str> = history
        .applied_rows()
        .iter()
        .map(|r| r.version.as_str())
        .collect();
    let score = |naming: Naming| {
        let keys: HashSet<String> = scripts
            .iter()
            .filter_map(|(rel, _)| naming.file_key(&name_of(rel)))
            .collect();
        versions
            .iter()
            .filter(|v| naming.row_key(v).is_some_and(|k| keys.contains(&k)))
            .count()
    };
    // The first naming wins a tie: numbers, then full names, then stems.
    let naming = NAMINGS
        .iter()
        .copied()
        .fold((Naming::Number, 0), |best, n| {
            let s = score(n);
            if s > best.1 {
                (n, s)
            } else {
                best
            }
        })
        .0;
    let naming = if versions.is_empty()
        && scripts
            .iter()
            .any(|(rel, _)| leading_number(&name_of(rel)).is_none())
    {
        Naming::Stem
    } else {
        naming
    };
    let mut files: Vec<DirFile> = scripts
        .into_iter()
        .filter_map(|(rel, path)| {
            Some(DirFile {
                key: naming.file_key(&name_of(&rel))?,
                rel,
                path,
                repeatable: false,
            })
        })
        .collect();
    files.sort_by(|a, b| compare_versions(&a.key, &b.key).then_with(|| a.rel.cmp(&b.rel)));
    Ok((files, naming))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_files_meet_under_each_naming() {
        assert_eq!(Naming::Number.row_key("0019").as_deref(), Some("19"));
        assert_eq!(
            Naming::Number.file_key("019_add.sql").as_deref(),
            Some("19")
        );
        assert_eq!(Naming::Number.row_key("019_add.sql").as_deref(), Some("19"));
        assert_eq!(Naming::Stem.row_key("019_add").as_deref(), Some("019_add"));
        assert_eq!(
            Naming::Stem.file_key("019_add.sql").as_deref(),
            Some("019_add")
        );
        assert_eq!(
            Naming::Name.file_key("019_add.sql").as_deref(),
            Some("019_add.sql")
        );
        assert!(is_up_script("001_x.sql"));
        assert!(!is_up_script("001_x.down.sql"));
        assert!(!is_up_script("README.md"));
    }
}
