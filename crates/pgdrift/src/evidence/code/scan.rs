//! One file searched: the patterns' references (ORM declarations, query builders, SQL),
//! then every whole-word occurrence of a known table's name that no pattern explained
//! (a mention), each with its line.

use super::names::Names;
use super::patterns::{self, compiled, not_a_table, sql_kind, sql_pattern, RefKind, PATTERNS};
use std::path::Path;

/// What a reference names: a table of the schema, or a name the schema lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    Table(u32),
    Unknown(String),
    /// A column name (its id in `Names::columns`) in a file that references its table.
    Column(u32),
}

/// One reference in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub line: u32,
    pub kind: RefKind,
    /// What names it this way (`drizzle`, `sql`, `word`).
    pub via: &'static str,
    pub named: Named,
}

/// A reference found at a byte offset, before lines are counted.
struct At {
    offset: usize,
    kind: RefKind,
    via: &'static str,
    named: Named,
}

/// The references in `text`, a file named `path`, in order.
pub fn search(path: &Path, text: &[u8], names: &Names) -> Vec<Hit> {
    let ext = (path.extension())
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let mut found: Vec<At> = Vec::new();
    let mut push = |offset: usize, kind, via, name: &[u8], fold: bool| {
        let name = String::from_utf8_lossy(name);
        let ids = names.lookup(&name, fold);
        if ids.is_empty() {
            let named = Named::Unknown(name.trim_matches('"').to_string());
            found.push(At {
                offset,
                kind,
                via,
                named,
            });
        }
        for id in ids {
            found.push(At {
                offset,
                kind,
                via,
                named: Named::Table(id),
            });
        }
    };
    for (p, re) in PATTERNS.iter().zip(compiled()) {
        if !p.extensions.is_empty() && !p.extensions.contains(&ext.as_str()) {
            continue;
        }
        for c in re.captures_iter(text) {
            if let Some(n) = c.name("name") {
                push(n.start(), p.kind, p.via, n.as_bytes(), false);
            }
        }
    }
    if ext == "prisma" {
        for (offset, name) in patterns::prisma_models(text) {
            push(offset, RefKind::Declaration, "prisma", name, false);
        }
    }
    for c in sql_pattern(ext == "sql").captures_iter(text) {
        let (Some(kw), Some(n)) = (c.name("kw"), c.name("name")) else {
            continue;
        };
        let name = String::from_utf8_lossy(n.as_bytes());
        // `FROM f(...)` reads a function; `INTO t (...)` and `TABLE t (...)` name tables.
        let call =
            c.name("call").is_some() && matches!(kw.as_bytes()[0], b'F' | b'f' | b'J' | b'j');
        if call || not_a_table(name.trim_matches('"')) {
            continue;
        }
        let before = String::from_utf8_lossy(&text[kw.start().saturating_sub(12)..kw.start()]);
        let kind = sql_kind(&String::from_utf8_lossy(kw.as_bytes()), &before);
        // The table's name is the last part of a qualified one.
        let bytes = n.as_bytes();
        let mut last = bytes.iter().rposition(|&b| b == b'.').map_or(0, |i| i + 1);
        if bytes.get(last) == Some(&b'"') {
            last += 1;
        }
        push(n.start() + last, kind, "sql", bytes, true);
    }
    mentions(text, names, &mut found);
    columns(text, names, &mut found);
    numbered(text, found)
}

/// The first occurrence of each column of the tables this file references.
fn columns(text: &[u8], names: &Names, found: &mut Vec<At>) {
    let columns = names.columns();
    if columns.is_empty() {
        return;
    }
    let mut wanted: Vec<u32> = (found.iter())
        .filter_map(|a| match a.named {
            Named::Table(t) => Some(t),
            _ => None,
        })
        .flat_map(|t| columns.of_table(t).iter().copied())
        .collect();
    if wanted.is_empty() {
        return;
    }
    wanted.sort_unstable();
    wanted.dedup();
    for (id, offset) in columns.find(text) {
        if wanted.binary_search(&id).is_ok() {
            found.push(At {
                offset,
                kind: RefKind::Mention,
                via: "column",
                named: Named::Column(id),
            });
        }
    }
}

/// Occurrences of known names that no pattern explained.
fn mentions(text: &[u8], names: &Names, found: &mut Vec<At>) {
    let mut explained: Vec<usize> = found.iter().map(|a| a.offset).collect();
    explained.sort_unstable();
    names.find(text, |offset, ids| {
        // A pattern's hit is at the name itself (inside its quotes): the same offset.
        if explained.binary_search(&offset).is_ok() {
            return;
        }
        for id in ids {
            found.push(At {
                offset,
                kind: RefKind::Mention,
                via: "word",
                named: Named::Table(id),
            });
        }
    });
}

/// The references in offset order, with their line numbers, duplicates removed.
fn numbered(text: &[u8], mut found: Vec<At>) -> Vec<Hit> {
    found.sort_by_key(|a| a.offset);
    let (mut line, mut at) = (1u32, 0usize);
    let mut out: Vec<Hit> = Vec::with_capacity(found.len());
    // What was named at the current offset: the first pattern to name it wins.
    let mut here: Vec<Named> = Vec::new();
    for a in found {
        if a.offset != at {
            here.clear();
        }
        if here.contains(&a.named) {
            continue;
        }
        line += memchr::memchr_iter(b'\n', &text[at..a.offset]).count() as u32;
        at = a.offset;
        here.push(a.named.clone());
        out.push(Hit {
            line,
            kind: a.kind,
            via: a.via,
            named: a.named,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::QualName;

    #[test]
    fn references_get_their_kind_line_and_table() {
        let names = Names::new(vec![QualName::new("public", "users")]);
        let text = b"const users = pgTable(\"users\", {});\n\
                     db.query(`SELECT * FROM users JOIN orders ON true`);\n\
                     // users\n";
        let hits = search(Path::new("schema.ts"), text, &names);
        let got: Vec<(u32, RefKind, &Named)> =
            hits.iter().map(|h| (h.line, h.kind, &h.named)).collect();
        let users = Named::Table(0);
        let orders = Named::Unknown("orders".into());
        assert_eq!(
            got,
            [
                (1, RefKind::Mention, &users),
                (1, RefKind::Declaration, &users),
                (2, RefKind::SqlRead, &users),
                (2, RefKind::SqlRead, &orders),
                (3, RefKind::Mention, &users),
            ]
        );
    }

    #[test]
    fn a_parenthesis_after_a_table_is_a_column_list_and_after_from_a_function() {
        let names = Names::new(vec![QualName::new("public", "users")]);
        let text = b"INSERT INTO users (id) SELECT * FROM generate_series(1, 2);\n\
                     CREATE TABLE IF NOT EXISTS \"users\" (id int);";
        let hits = search(Path::new("a.sql"), text, &names);
        let got: Vec<(u32, RefKind)> = hits.iter().map(|h| (h.line, h.kind)).collect();
        assert_eq!(got, [(1, RefKind::SqlWrite), (2, RefKind::SqlDdl)]);
        assert!(hits.iter().all(|h| h.named == Named::Table(0)));
    }
}
