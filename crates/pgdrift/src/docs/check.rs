//! `docs --check`: the docs a directory holds against the docs the schema gives now, in
//! schema terms. Both sides are read the same way — sections, fact tables keyed by their
//! first cell, other lines — with notes, volatile lines (sizes, row estimates, the file that
//! created an object) and volatile columns (`Rows`, `Size`) left out, so only the schema can
//! make the docs stale.

use super::notes::{self, ORPHANS};
use crate::report::docs::markdown::{PAGE_MARKER, VOLATILE_MARKER};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The layout version of the check's JSON.
pub const FORMAT_VERSION: u32 = 1;
const VOLATILE_COLUMNS: &[&str] = &["Rows", "Size"];

/// What the check found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CheckReport {
    pub format_version: u32,
    pub dir: String,
    pub source: String,
    /// Pages compared.
    pub pages: usize,
    pub stale: Vec<Stale>,
    /// Notes kept in `ORPHANED-NOTES.md`, by key.
    pub orphaned_notes: Vec<String>,
}

/// One difference: the object and what differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stale {
    /// `table public.orders`, `schema public`.
    pub object: String,
    /// `column `status` missing from the docs`.
    pub what: String,
    /// The page, relative to the docs directory.
    pub file: String,
}

/// Compares `existing` (path → text, from the directory) with `generated` (path → text).
pub fn compare(
    existing: &[(String, String)],
    generated: &[(String, String)],
) -> (Vec<Stale>, usize) {
    let have: HashMap<&str, &str> = existing
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let mut stale = Vec::new();
    let mut pages = 0;
    for (path, text) in generated.iter().filter(|(p, _)| p != ORPHANS) {
        let key = page_key(text).unwrap_or_else(|| path.clone());
        match have.get(path.as_str()) {
            None => stale.push(Stale {
                object: key,
                what: "missing from the docs".into(),
                file: path.clone(),
            }),
            Some(old) => {
                pages += 1;
                compare_page(&key, path, old, text, &mut stale);
            }
        }
    }
    let generated: HashMap<&str, ()> = generated.iter().map(|(p, _)| (p.as_str(), ())).collect();
    for (path, text) in existing {
        if generated.contains_key(path.as_str()) {
            continue;
        }
        if let Some(key) = page_key(text) {
            stale.push(Stale {
                object: key,
                what: "documented but gone".into(),
                file: path.clone(),
            });
        }
    }
    (stale, pages)
}

/// The object a generated page documents, from its first line.
pub fn page_key(text: &str) -> Option<String> {
    let first = text.lines().next()?;
    let key = first
        .trim()
        .strip_prefix(PAGE_MARKER)?
        .strip_suffix("-->")?;
    Some(key.trim().to_string())
}

/// A page read as sections of fact tables and lines.
#[derive(Debug, Default)]
struct Parsed {
    /// (section, item word) → rows by key → cells by header.
    tables: BTreeMap<(String, String), BTreeMap<String, BTreeMap<String, String>>>,
    /// Section → lines (paragraphs, code, diagrams), in order.
    lines: BTreeMap<String, Vec<String>>,
    diagrams: Vec<String>,
}

fn parse(text: &str) -> Parsed {
    let text = notes::strip(text);
    let mut p = Parsed::default();
    let (mut section, mut h2) = (String::new(), String::new());
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.starts_with("<!--") || line.contains(VOLATILE_MARKER) || line.trim().is_empty() {
            continue;
        }
        if let Some(fence) = fence_of(line) {
            let lang = line.trim_start_matches('`').trim().to_string();
            let mut body = Vec::new();
            for l in lines.by_ref() {
                if l.trim_end() == fence {
                    break;
                }
                body.push(l);
            }
            match lang.as_str() {
                "mermaid" => p.diagrams.push(body.join("\n")),
                _ => p
                    .lines
                    .entry(section.clone())
                    .or_default()
                    .push(body.join("\n")),
            }
        } else if line.starts_with('#') {
            let level = line.chars().take_while(|c| *c == '#').count();
            let heading = unescape(line.trim_start_matches('#').trim());
            section = match level {
                // The title names the source, which may differ (a database, a directory).
                1 => {
                    h2.clear();
                    String::new()
                }
                2 => {
                    h2 = heading.clone();
                    heading
                }
                _ => format!("{h2} / {heading}"),
            };
        } else if line.starts_with('|') {
            let headers = cells(line);
            let _separator = lines.next();
            let item = headers
                .first()
                .map(|h| h.to_lowercase())
                .unwrap_or_default();
            let rows = p.tables.entry((section.clone(), item)).or_default();
            while let Some(row) = lines.next_if(|l| l.starts_with('|')) {
                let cells = cells(row);
                let key = cells.first().map(|c| plain(c)).unwrap_or_default();
                let by_header = headers
                    .iter()
                    .zip(&cells)
                    .skip(1)
                    .filter(|(h, _)| !VOLATILE_COLUMNS.contains(&h.as_str()))
                    .map(|(h, c)| (h.clone(), c.clone()))
                    .collect();
                rows.insert(key, by_header);
            }
        } else {
            p.lines
                .entry(section.clone())
                .or_default()
                .push(line.to_string());
        }
    }
    p
}

fn fence_of(line: &str) -> Option<String> {
    let n = line.chars().take_while(|c| *c == '`').count();
    (n >= 3).then(|| "`".repeat(n))
}

/// A table row's cells (split on unescaped `|`).
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    for c in inner.chars() {
        match (escaped, c) {
            (false, '\\') => {
                escaped = true;
                cur.push(c);
                continue;
            }
            (false, '|') => out.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(c),
        }
        escaped = false;
    }
    out.push(cur.trim().to_string());
    out
}

/// A cell as plain text: links reduced to their label, code ticks and escapes removed.
fn plain(cell: &str) -> String {
    let mut s = cell.to_string();
    while let (Some(open), Some(mid)) = (s.find("]("), s.find('[')) {
        let Some(close) = s[open..].find(')').map(|c| open + c) else {
            break;
        };
        if mid > open {
            break;
        }
        s = format!("{}{}{}", &s[..mid], &s[mid + 1..open], &s[close + 1..]);
    }
    unescape(&s.replace('`', "")).trim().to_string()
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

fn compare_page(key: &str, path: &str, old: &str, new: &str, stale: &mut Vec<Stale>) {
    let (old, new) = (parse(old), parse(new));
    let before = stale.len();
    let mut say = |object: String, what: String| {
        stale.push(Stale {
            object,
            what,
            file: path.to_string(),
        })
    };
    let object = |section: &str| {
        let top = section.split(" / ").next().unwrap_or("");
        match (key, top.strip_prefix("Schema ")) {
            ("database", Some(schema)) => format!("schema {schema}"),
            _ => key.to_string(),
        }
    };
    let mut sections: Vec<&(String, String)> = old.tables.keys().chain(new.tables.keys()).collect();
    sections.sort();
    sections.dedup();
    for at in sections {
        let empty = BTreeMap::new();
        let (o, n) = (
            old.tables.get(at).unwrap_or(&empty),
            new.tables.get(at).unwrap_or(&empty),
        );
        let item = &at.1;
        for (row, cells) in n {
            match o.get(row) {
                None => say(
                    object(&at.0),
                    format!("{item} `{row}` missing from the docs"),
                ),
                Some(was) => {
                    for (header, value) in cells {
                        let before = was.get(header).map(String::as_str).unwrap_or("");
                        if before != value {
                            let (b, v) = (plain(before), plain(value));
                            say(
                                object(&at.0),
                                format!(
                                    "{item} `{row}`: {} documented as `{b}`, is `{v}`",
                                    header.to_lowercase()
                                ),
                            );
                        }
                    }
                }
            }
        }
        for row in o.keys().filter(|r| !n.contains_key(*r)) {
            say(object(&at.0), format!("{item} `{row}` documented but gone"));
        }
    }
    let mut names: Vec<&String> = old.lines.keys().chain(new.lines.keys()).collect();
    names.sort();
    names.dedup();
    for section in names {
        let (o, n) = (old.lines.get(section), new.lines.get(section));
        if o != n {
            let first =
                |v: Option<&Vec<String>>| v.and_then(|v| v.first()).cloned().unwrap_or_default();
            let at = if section.is_empty() {
                String::new()
            } else {
                format!("{section}: ")
            };
            let what = match (o, n) {
                (Some(o), Some(n)) => {
                    let diff = o.iter().zip(n).find(|(a, b)| a != b);
                    let (a, b) = diff
                        .map(|(a, b)| (a.clone(), b.clone()))
                        .unwrap_or_else(|| (first(Some(o)), first(Some(n))));
                    format!("{at}documented as \"{}\", is \"{}\"", short(&a), short(&b))
                }
                (None, Some(n)) => {
                    format!("{at}\"{}\" missing from the docs", short(&first(Some(n))))
                }
                _ => format!("{at}\"{}\" documented but gone", short(&first(o))),
            };
            say(object(section), what);
        }
    }
    if stale.len() == before && old.diagrams != new.diagrams {
        stale.push(Stale {
            object: key.to_string(),
            what: "ER diagram out of date".into(),
            file: path.to_string(),
        });
    }
}

/// The first line of a text, cut at 80 characters.
fn short(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    match line.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_string(),
    }
}

/// The stale list grouped by object, in the order found: `table public.orders: column
/// `status` missing from the docs; index `x` documented but gone`.
pub fn grouped(stale: &[Stale]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for s in stale {
        match out.iter_mut().find(|(o, _)| *o == s.object) {
            Some((_, list)) => list.push(s.what.clone()),
            None => out.push((s.object.clone(), vec![s.what.clone()])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(rows: &str) -> String {
        format!("{PAGE_MARKER}table public.orders -->\n\n# Table public.orders\n\n## Columns\n\n| Column | Type |\n|---|---|\n{rows}\n## Indexes\n\n| Index | Definition |\n|---|---|\n| `orders_created_at` | `USING btree (created_at)` |\n")
    }

    #[test]
    fn differences_are_said_in_schema_terms() {
        let old = page("| `id` | `integer` |\n| `total` | `numeric` |\n");
        let mut new = page("| `id` | `bigint` |\n| `status` | `text` |\n");
        new = new.replace("| `orders_created_at` | `USING btree (created_at)` |\n", "");
        let (stale, pages) = compare(&[("t.md".into(), old)], &[("t.md".into(), new)]);
        assert_eq!(pages, 1);
        let said: Vec<&str> = stale.iter().map(|s| s.what.as_str()).collect();
        assert_eq!(
            said,
            [
                "column `id`: type documented as `integer`, is `bigint`",
                "column `status` missing from the docs",
                "column `total` documented but gone",
                "index `orders_created_at` documented but gone",
            ]
        );
        assert!(stale.iter().all(|s| s.object == "table public.orders"));
    }

    #[test]
    fn notes_volatile_lines_and_columns_are_not_compared() {
        let base = page("| `id` | `integer` |\n");
        let old = base.replace(
            "## Columns",
            &format!(
                "Rows: 5 {VOLATILE_MARKER}\n{}\nmy notes\n{}\n## Columns",
                notes::open_marker("table public.orders"),
                notes::close_marker()
            ),
        );
        let new = base.replace(
            "## Columns",
            &format!(
                "Rows: 9 {VOLATILE_MARKER}\n{}\n{}\n## Columns",
                notes::open_marker("table public.orders"),
                notes::close_marker()
            ),
        );
        let (stale, _) = compare(&[("t.md".into(), old)], &[("t.md".into(), new)]);
        assert_eq!(stale, []);
    }

    #[test]
    fn pages_missing_and_gone() {
        let a = page("| `id` | `integer` |\n");
        let b = a.replace("public.orders", "public.legacy");
        let (stale, _) = compare(&[("b.md".into(), b)], &[("a.md".into(), a)]);
        let said: Vec<String> = stale
            .iter()
            .map(|s| format!("{}: {}", s.object, s.what))
            .collect();
        assert_eq!(
            said,
            [
                "table public.orders: missing from the docs",
                "table public.legacy: documented but gone"
            ]
        );
    }
}
