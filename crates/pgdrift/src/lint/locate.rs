//! Where each object of a migrations directory was created: the file and line of the first
//! `CREATE TABLE / VIEW / MATERIALIZED VIEW / SEQUENCE / INDEX / FUNCTION / PROCEDURE / TYPE
//! / DOMAIN` naming it, so that a schema finding points at the migration a reviewer would
//! open. Names without a schema are taken as `public`, as a fresh database resolves them.

use crate::model::QualName;
use crate::sql::split::{line_of, split, Piece};
use std::collections::HashMap;

/// Creation places by object name.
#[derive(Debug, Clone, Default)]
pub struct Locations {
    places: HashMap<QualName, (String, usize)>,
}

impl Locations {
    /// Reads `files` (name, SQL text) in order; the first creation of a name wins. Text the
    /// splitter cannot split is skipped from where it stops (the replay refuses it anyway).
    pub fn from_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Locations {
        let mut places = HashMap::new();
        for (file, sql) in files {
            let Ok(pieces) = split(sql) else { continue };
            for piece in pieces {
                let Piece::Statement { text, start } = piece else {
                    continue;
                };
                if let Some((name, offset)) = created(text) {
                    places
                        .entry(name)
                        .or_insert_with(|| (file.to_string(), line_of(sql, start + offset)));
                }
            }
        }
        Locations { places }
    }

    /// Where `name` was created.
    pub fn of(&self, name: &QualName) -> Option<(String, usize)> {
        self.places.get(name).cloned()
    }

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }
}

/// A word of a statement: folded unless quoted, with its byte offset.
fn words(text: &str) -> Vec<(String, usize)> {
    let b = text.as_bytes();
    let (mut i, mut out) = (0usize, Vec::new());
    while i < b.len() && out.len() < 16 {
        let c = b[i];
        if c == b'-' && b.get(i + 1) == Some(&b'-') {
            i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len(), |n| i + 2 + n + 2);
        } else if c == b'"' {
            let end = memchr::memchr(b'"', &b[i + 1..]).map_or(b.len(), |n| i + 1 + n);
            out.push((text[i + 1..end].to_string(), i));
            i = end + 1;
        } else if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80) {
                i += 1;
            }
            out.push((text[start..i].to_lowercase(), start));
        } else if c == b'.' || c == b'(' {
            out.push((char::from(c).to_string(), i));
            i += 1;
        } else {
            i += 1;
        }
    }
    out
}

/// The object a `CREATE` statement creates, and the offset of the statement's first word.
fn created(text: &str) -> Option<(QualName, usize)> {
    let w = words(text);
    let word = |i: usize| w.get(i).map(|(s, _)| s.as_str());
    if word(0) != Some("create") {
        return None;
    }
    let mut i = 1;
    while matches!(
        word(i),
        Some("or" | "replace" | "unlogged" | "temp" | "temporary" | "global" | "local")
            | Some("unique" | "materialized" | "recursive" | "trusted")
    ) {
        i += 1;
    }
    if !matches!(
        word(i),
        Some("table" | "view" | "sequence" | "index" | "function" | "procedure" | "type")
            | Some("domain")
    ) {
        return None;
    }
    i += 1;
    while matches!(word(i), Some("concurrently" | "if" | "not" | "exists")) {
        i += 1;
    }
    let first = word(i)?.to_string();
    if first == "(" || first == "on" {
        return None;
    }
    let name = match word(i + 1) {
        Some(".") => QualName::new(first, word(i + 2)?),
        _ => QualName::new("public", first),
    };
    Some((name, w[0].1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_creation_wins_and_lines_count_from_the_file() {
        let a = "-- first\nCREATE TABLE orders (id int);\n\ncreate unique index if not exists \
                 orders_id on orders (id);";
        let b = "create or replace function app.touch() returns trigger language sql as $$ \
                 select 1 $$;\nCREATE TABLE \"Orders\" (id int);\nCREATE TABLE orders (x int);";
        let l = Locations::from_files([("0001.sql", a), ("0002.sql", b)]);
        assert_eq!(
            l.of(&QualName::new("public", "orders")),
            Some(("0001.sql".into(), 2))
        );
        assert_eq!(
            l.of(&QualName::new("public", "orders_id")),
            Some(("0001.sql".into(), 4))
        );
        assert_eq!(
            l.of(&QualName::new("app", "touch")),
            Some(("0002.sql".into(), 1))
        );
        assert_eq!(
            l.of(&QualName::new("public", "Orders")),
            Some(("0002.sql".into(), 2))
        );
        assert_eq!(l.len(), 4);
    }

    #[test]
    fn odd_statements_create_nothing() {
        let l = Locations::from_files([("x.sql", "create index on t (a); create; create table")]);
        assert!(l.is_empty());
        let l = Locations::from_files([("y.sql", "create table 'unterminated")]);
        assert!(l.is_empty());
    }
}
