//! People's notes in generated pages: the text between `<!-- pgdrift:notes KEY -->` and
//! `<!-- /pgdrift:notes -->`, where KEY names the object (`table public.orders`). Reading a
//! docs directory collects every region by key; regeneration puts each back on its object's
//! page, and a note whose object is gone is kept in `ORPHANED-NOTES.md` (with its key, so it
//! returns to its page if the object comes back) instead of being dropped.

use std::collections::BTreeMap;
use std::path::Path;

/// The file that keeps notes whose object is gone.
pub const ORPHANS: &str = "ORPHANED-NOTES.md";
const OPEN: &str = "<!-- pgdrift:notes ";
const CLOSE: &str = "<!-- /pgdrift:notes -->";

/// A note and where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub text: String,
    pub file: String,
    pub line: usize,
}

/// Notes by object key.
pub type Notes = BTreeMap<String, Note>;

/// A docs directory whose notes cannot be read safely.
#[derive(Debug, thiserror::Error)]
pub enum NotesError {
    #[error("{file}:{line}: the notes region `{key}` is not closed: add `<!-- /pgdrift:notes -->` after the notes")]
    Unclosed {
        file: String,
        line: usize,
        key: String,
    },
    #[error(
        "{file}:{line}: notes for `{key}` appear twice (also {other}): keep one region per object"
    )]
    Twice {
        file: String,
        line: usize,
        key: String,
        other: String,
    },
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
}

/// The line that opens `key`'s region. Keys are written with `%`, `<`, `>` and newlines
/// percent-encoded, so no name can end the comment early.
pub fn open_marker(key: &str) -> String {
    let mut enc = String::with_capacity(key.len());
    for c in key.chars() {
        match c {
            '%' | '<' | '>' | '\n' | '\r' => enc.push_str(&format!("%{:02X}", c as u32)),
            c => enc.push(c),
        }
    }
    format!("{OPEN}{enc} -->")
}

/// The line that closes a region.
pub fn close_marker() -> &'static str {
    CLOSE
}

fn decode(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut rest = key;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let hex = rest
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(b) => {
                out.push(b as char);
                rest = &rest[i + 3..];
            }
            None => {
                out.push('%');
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The key of a line that opens a region.
fn opened(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix(OPEN)?.strip_suffix("-->")?;
    Some(decode(rest.trim()))
}

/// The regions of one file: (key, text, line of the marker). Empty regions are kept (their
/// text is empty).
pub fn parse(text: &str, file: &str) -> Result<Vec<(String, String, usize)>, NotesError> {
    let mut out = Vec::new();
    let mut open: Option<(String, usize, Vec<&str>)> = None;
    for (n, line) in text.lines().enumerate() {
        match &mut open {
            Some((key, at, body)) => {
                if line.trim() == CLOSE {
                    let text = body.join("\n").trim_matches('\n').to_string();
                    out.push((std::mem::take(key), text, *at));
                    open = None;
                } else {
                    body.push(line);
                }
            }
            None => {
                if let Some(key) = opened(line) {
                    open = Some((key, n + 1, Vec::new()));
                }
            }
        }
    }
    match open {
        Some((key, line, _)) => Err(NotesError::Unclosed {
            file: file.to_string(),
            line,
            key,
        }),
        None => Ok(out),
    }
}

/// `text` with every region emptied (the markers stay): what `docs --check` compares.
pub fn strip(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for line in text.lines() {
        if inside {
            if line.trim() == CLOSE {
                inside = false;
                out.push_str(line);
                out.push('\n');
            }
            continue;
        }
        if opened(line).is_some() {
            inside = true;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Every non-empty note of the Markdown files under `dir` (none when it does not exist).
pub fn read_dir(dir: &Path) -> Result<Notes, NotesError> {
    let mut notes = Notes::new();
    for (rel, text) in markdown_files(dir)? {
        for (key, text, line) in parse(&text, &rel)? {
            if text.trim().is_empty() {
                continue;
            }
            if let Some(first) = notes.get(&key) {
                return Err(NotesError::Twice {
                    file: rel,
                    line,
                    key,
                    other: format!("{}:{}", first.file, first.line),
                });
            }
            notes.insert(
                key,
                Note {
                    text,
                    file: rel.clone(),
                    line,
                },
            );
        }
    }
    Ok(notes)
}

/// The Markdown files under `dir`, relative paths with `/`, sorted.
pub fn markdown_files(dir: &Path) -> Result<Vec<(String, String)>, NotesError> {
    let mut out = Vec::new();
    if dir.is_dir() {
        walk(dir, dir, &mut out)?;
    }
    out.sort();
    Ok(out)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) -> Result<(), NotesError> {
    let fail = |p: &Path, e: std::io::Error| NotesError::Read {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    let entries = std::fs::read_dir(dir).map_err(|e| fail(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| fail(dir, e))?.path();
        if path.is_dir() {
            walk(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(&path).map_err(|e| fail(&path, e))?;
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>();
            out.push((rel.join("/"), text));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_read_and_emptied() {
        let text = format!(
            "# T\n{}\nkeep me\n\nand me\n{CLOSE}\nrest\n",
            open_marker("table public.a<b>")
        );
        let regions = parse(&text, "x.md").unwrap();
        assert_eq!(
            regions,
            [(
                "table public.a<b>".to_string(),
                "keep me\n\nand me".to_string(),
                2
            )]
        );
        assert_eq!(
            strip(&text),
            format!("# T\n{}\n{CLOSE}\nrest\n", open_marker("table public.a<b>"))
        );
    }

    #[test]
    fn an_unclosed_region_is_an_error_naming_its_line() {
        let text = format!("a\n{}\nnotes\n", open_marker("table public.a"));
        let e = parse(&text, "tables/x.md").unwrap_err().to_string();
        assert!(e.starts_with("tables/x.md:2:"), "{e}");
    }
}
