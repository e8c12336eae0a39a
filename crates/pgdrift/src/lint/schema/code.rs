//! What function bodies call and read: `nextval`/`currval`/`setval` on a sequence that does
//! not exist (PL402), and tables read or written that do not exist (PL403). Bodies are
//! lexed — comments and string literals skipped, except the literal naming a sequence —
//! and names are resolved against every relation of the catalog: a name that exists in any
//! schema read is taken as found, so only names that exist nowhere are reported.

use crate::lint::{Checker, RuleId, Subject};
use crate::model::{Catalog, Function, QualName};
use crate::report::finding::ObjectRef;
use std::collections::HashSet;

/// One token of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// An identifier or keyword, folded unless it was quoted.
    Word(String),
    /// A string literal's contents.
    Str(String),
    Punct(char),
}

fn lex(body: &str) -> Vec<Tok> {
    let b = body.as_bytes();
    let (mut i, mut out) = (0usize, Vec::new());
    while i < b.len() {
        let c = b[i];
        if c == b'-' && b.get(i + 1) == Some(&b'-') {
            i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len(), |n| i + 2 + n + 2);
        } else if c == b'\'' || c == b'"' {
            let mut j = i + 1;
            let mut text = Vec::new();
            while j < b.len() {
                if b[j] == c && b.get(j + 1) == Some(&c) {
                    text.push(c);
                    j += 2;
                } else if b[j] == c {
                    break;
                } else {
                    text.push(b[j]);
                    j += 1;
                }
            }
            let text = String::from_utf8_lossy(&text).into_owned();
            out.push(if c == b'"' {
                Tok::Word(text)
            } else {
                Tok::Str(text)
            });
            i = j + 1;
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$' || b[i] >= 0x80)
            {
                i += 1;
            }
            out.push(Tok::Word(body[start..i].to_lowercase()));
        } else if c == b'$' {
            // A dollar quote inside a body (nested): its tag is skipped, its text lexed.
            let end = memchr::memchr(b'$', &b[i + 1..]).map_or(b.len(), |n| i + 1 + n);
            i = if body[i + 1..end]
                .bytes()
                .all(|x| x.is_ascii_alphanumeric() || x == b'_')
            {
                end + 1
            } else {
                i + 1
            };
        } else {
            if !c.is_ascii_whitespace() {
                out.push(Tok::Punct(char::from(c)));
            }
            i += 1;
        }
    }
    out
}

fn word(t: Option<&Tok>) -> Option<&str> {
    match t {
        Some(Tok::Word(w)) => Some(w),
        _ => None,
    }
}

/// A name of a sequence as `nextval` reads it: `'schema.name'` or `'"Odd".name'`.
fn parse_regclass(text: &str) -> Option<(Option<String>, String)> {
    let parts: Vec<Tok> = lex(text)
        .into_iter()
        .filter(|t| *t != Tok::Punct('.'))
        .collect();
    match parts.as_slice() {
        [Tok::Word(n)] => Some((None, n.clone())),
        [Tok::Word(s), Tok::Word(n)] => Some((Some(s.clone()), n.clone())),
        _ => None,
    }
}

/// Every relation name of the catalog, with identity columns' sequences.
struct Names {
    qualified: HashSet<QualName>,
    bare: HashSet<String>,
    schemas: HashSet<String>,
}

impl Names {
    fn new(cat: &Catalog) -> Names {
        let mut n = Names {
            qualified: HashSet::new(),
            bare: HashSet::new(),
            schemas: cat.schemas.keys().cloned().collect(),
        };
        let mut add = |q: QualName| {
            n.bare.insert(q.name.clone());
            n.qualified.insert(q);
        };
        cat.tables.keys().cloned().for_each(&mut add);
        cat.views.keys().cloned().for_each(&mut add);
        cat.sequences.keys().cloned().for_each(&mut add);
        for t in cat.tables.values() {
            for col in &t.columns {
                if let Some(id) = &col.identity {
                    add(QualName::new(
                        &t.schema,
                        id.sequence_name_on(&t.name, &col.name),
                    ));
                }
            }
        }
        n
    }

    /// True when the name is known, or names a schema that was not read (not ours to judge).
    fn found(&self, schema: Option<&str>, name: &str) -> bool {
        match schema {
            Some(s) if s == "pg_catalog" || s == "information_schema" || s == "pg_temp" => true,
            Some(s) => {
                !self.schemas.contains(s) || self.qualified.contains(&QualName::new(s, name))
            }
            None => name.starts_with("pg_") || self.bare.contains(name),
        }
    }
}

pub(super) fn run(c: &mut Checker<'_>) {
    if !c.on(RuleId::MissingSequenceCall) && !c.on(RuleId::MissingTableReference) {
        return;
    }
    let cat = c.cat;
    let names = Names::new(cat);
    for f in cat.functions.values() {
        if !matches!(f.language.as_str(), "plpgsql" | "sql") {
            continue;
        }
        let toks = lex(&f.body);
        let own = own_names(&toks, cat, f);
        for (schema, name) in sequence_calls(&toks) {
            if !own.contains(&name) && !names.found(schema.as_deref(), &name) {
                let shown = schema.map_or(name.clone(), |s| format!("{s}.{name}"));
                report(
                    c,
                    f,
                    RuleId::MissingSequenceCall,
                    format!("calls a sequence {shown} that does not exist"),
                );
            }
        }
        for (schema, name) in table_refs(&toks) {
            if !own.contains(&name) && !names.found(schema.as_deref(), &name) {
                let shown = schema.map_or(name.clone(), |s| format!("{s}.{name}"));
                report(
                    c,
                    f,
                    RuleId::MissingTableReference,
                    format!("uses a table {shown} that does not exist"),
                );
            }
        }
    }
}

fn report(c: &mut Checker<'_>, f: &Function, rule: RuleId, what: String) {
    let anchor = QualName::new(&f.schema, &f.name);
    c.report(
        rule,
        Subject {
            object: ObjectRef {
                kind: "function",
                name: format!("{}.{}({})", f.schema, f.name, f.arguments),
            },
            comments: vec![f.comment.as_deref()],
            anchor: Some(&anchor),
        },
        format!("function {}.{}({}) {what}", f.schema, f.name, f.arguments),
        None,
    );
}

/// The names a body makes for itself: WITH queries, tables and sequences it creates,
/// trigger transition tables, its parameters and variables (DECLARE), and row aliases.
fn own_names(toks: &[Tok], cat: &Catalog, f: &Function) -> HashSet<String> {
    let mut own = HashSet::new();
    for (i, t) in toks.iter().enumerate() {
        let w = word(Some(t));
        let next = word(toks.get(i + 1));
        // `name AS (` of a WITH query; `CREATE [TEMP] TABLE|SEQUENCE [IF NOT EXISTS] name`.
        if let (Some(n), Some("as"), Some(Tok::Punct('('))) = (w, next, toks.get(i + 2)) {
            own.insert(n.to_string());
        }
        if matches!(w, Some("table" | "sequence" | "view")) {
            let mut j = i + 1;
            while matches!(word(toks.get(j)), Some("if" | "not" | "exists")) {
                j += 1;
            }
            if let Some(n) = word(toks.get(j)) {
                own.insert(n.to_string());
            }
        }
    }
    for g in cat
        .triggers
        .values()
        .filter(|g| g.function.schema == f.schema && g.function.name == f.name)
    {
        own.extend(
            g.old_table
                .iter()
                .chain(&g.new_table)
                .map(|n| n.to_lowercase()),
        );
    }
    own
}

/// `nextval('name')`, `currval('name')`, `setval('name', ...)` with a literal name.
fn sequence_calls(toks: &[Tok]) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if !matches!(word(Some(t)), Some("nextval" | "currval" | "setval"))
            || toks.get(i + 1) != Some(&Tok::Punct('('))
        {
            continue;
        }
        if let Some(Tok::Str(s)) = toks.get(i + 2) {
            if let Some(name) = parse_regclass(s) {
                out.push(name);
            }
        }
    }
    out
}

/// Functions whose parentheses hold `FROM` that is no table: `extract(year from x)`.
const FROM_FUNCTIONS: &[&str] = &[
    "extract",
    "substring",
    "trim",
    "overlay",
    "position",
    "normalize",
];

/// Relation names after `FROM`, `JOIN`, `INSERT INTO`, `UPDATE`, `DELETE FROM`, `TRUNCATE`.
fn table_refs(toks: &[Tok]) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    // For each open parenthesis, whether it belongs to a function with its own FROM.
    let mut parens: Vec<bool> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::Punct('(') => {
                parens.push(
                    word(i.checked_sub(1).and_then(|p| toks.get(p)))
                        .is_some_and(|w| FROM_FUNCTIONS.contains(&w)),
                );
                continue;
            }
            Tok::Punct(')') => {
                parens.pop();
                continue;
            }
            _ => {}
        }
        let prev = word(i.checked_sub(1).and_then(|p| toks.get(p)));
        let starts = match word(Some(t)) {
            Some("from") => {
                prev == Some("delete")
                    || (!parens.last().copied().unwrap_or(false) && prev != Some("distinct"))
            }
            Some("join") => true,
            Some("into") => prev == Some("insert"),
            Some("update") => !matches!(
                prev,
                Some(
                    "for"
                        | "key"
                        | "do"
                        | "no"
                        | "or"
                        | "of"
                        | "before"
                        | "after"
                        | "on"
                        | "instead"
                )
            ),
            Some("truncate") => true,
            _ => false,
        };
        if !starts {
            continue;
        }
        let mut j = i + 1;
        while matches!(word(toks.get(j)), Some("only" | "lateral" | "table")) {
            j += 1;
        }
        if let Some(name) = relation_at(toks, j) {
            out.push(name);
        }
    }
    out
}

/// The (possibly qualified) relation name at `j`, unless it is a function call, a
/// subquery or a keyword.
fn relation_at(toks: &[Tok], j: usize) -> Option<(Option<String>, String)> {
    let first = word(toks.get(j))?;
    if KEYWORDS.contains(&first) {
        return None;
    }
    let (schema, name, after) = match (toks.get(j + 1), word(toks.get(j + 2))) {
        (Some(Tok::Punct('.')), Some(n)) => (Some(first.to_string()), n.to_string(), j + 3),
        _ => (None, first.to_string(), j + 1),
    };
    match toks.get(after) {
        Some(Tok::Punct('(')) | Some(Tok::Punct('.')) => None,
        _ => Some((schema, name)),
    }
}

/// Words that can follow FROM, JOIN or UPDATE without being a relation.
const KEYWORDS: &[&str] = &[
    "select",
    "set",
    "values",
    "with",
    "unnest",
    "generate_series",
    "new",
    "old",
    "if",
    "exists",
    "not",
    "current",
    "where",
    "using",
    "skip",
    "nowait",
    "in",
    "rows",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(body: &str) -> Vec<String> {
        table_refs(&lex(body))
            .into_iter()
            .map(|(s, n)| s.map_or(n.clone(), |s| format!("{s}.{n}")))
            .collect()
    }

    #[test]
    fn relations_are_found_after_the_keywords_that_take_them() {
        let body = "begin insert into audit.log select * from orders o join \"Items\" i on true; \
                    update stock set n = 1; delete from carts; select x into v from f(1); \
                    perform extract(year from now()); if a is distinct from b then end if; \
                    select 1 from only parts for update; truncate table tmp; end";
        assert_eq!(
            refs(body),
            [
                "audit.log",
                "orders",
                "Items",
                "stock",
                "carts",
                "parts",
                "tmp"
            ]
        );
    }

    #[test]
    fn sequence_calls_read_the_literal() {
        let toks = lex("select nextval('public.order_seq'::regclass), currval('\"Odd\"'), setval(v, 1), nextval('x''y')");
        assert_eq!(
            sequence_calls(&toks),
            vec![
                (Some("public".into()), "order_seq".into()),
                (None, "Odd".into())
            ]
        );
    }

    #[test]
    fn odd_bodies_do_not_panic() {
        for body in [
            "'",
            "\"",
            "$",
            "$a",
            "/*",
            "--",
            "nextval(",
            "from",
            "from .",
            "é from é.",
            "insert into",
        ] {
            let _ = table_refs(&lex(body));
            let _ = sequence_calls(&lex(body));
        }
    }
}
