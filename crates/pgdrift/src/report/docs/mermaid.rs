//! ER diagrams as Mermaid `erDiagram` blocks, which GitHub and GitLab draw. Entities get
//! short ids (`e1`, `e2`, ...) with the qualified name as their label, so any table name is
//! safe; types and column names are reduced to the characters Mermaid takes.

use crate::docs::{Diagram, Relation};
use std::collections::HashMap;
use std::fmt::Write as _;

/// The diagram as the text of a `mermaid` code block (without the fence).
pub fn render(d: &Diagram) -> String {
    let mut out = String::from("erDiagram\n");
    let mut ids = HashMap::new();
    for (i, e) in d.entities.iter().enumerate() {
        let id = format!("e{}", i + 1);
        let label = format!("{}.{}", e.name.schema, e.name.name).replace('"', "'");
        let _ = writeln!(out, "    {id}[\"{label}\"] {{");
        for a in &e.attributes {
            let mut keys = Vec::new();
            if a.primary_key {
                keys.push("PK");
            }
            if a.foreign_key {
                keys.push("FK");
            }
            if a.unique && !a.primary_key {
                keys.push("UK");
            }
            let _ = write!(out, "        {} {}", word(&a.type_name), word(&a.name));
            if !keys.is_empty() {
                let _ = write!(out, " {}", keys.join(", "));
            }
            out.push('\n');
        }
        out.push_str("    }\n");
        ids.insert(&e.name, id);
    }
    for r in &d.relations {
        if let (Some(from), Some(to)) = (ids.get(&r.from), ids.get(&r.to)) {
            let _ = writeln!(
                out,
                "    {to} {} {from} : \"{}\"",
                cardinality(r),
                r.name.replace('"', "'")
            );
        }
    }
    out
}

/// `||--o{`: the referenced side (one, or zero or one when the key may be null), then the
/// referencing side (zero or more, or zero or one when the key is unique).
fn cardinality(r: &Relation) -> &'static str {
    match (r.optional, r.one_to_one) {
        (false, false) => "||--o{",
        (true, false) => "|o--o{",
        (false, true) => "||--o|",
        (true, true) => "|o--o|",
    }
}

/// A type or column name as one Mermaid word: letters, digits, `_`, `-`, `(`, `)`, `[`, `]`;
/// anything else becomes `_`, and a leading digit gets a `_` before it.
pub fn word(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| match c {
            c if c.is_ascii_alphanumeric() => c,
            '_' | '-' | '(' | ')' | '[' | ']' => c,
            _ => '_',
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_names_become_mermaid_words() {
        assert_eq!(word("character varying(20)"), "character_varying(20)");
        assert_eq!(word("numeric(10,2)"), "numeric(10_2)");
        assert_eq!(word("1st"), "_1st");
        assert_eq!(word("Größe"), "Gr__e");
        assert_eq!(word(""), "_");
    }
}
