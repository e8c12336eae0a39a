//! One statement of a migration file, lexed: its tokens and line, and the small readers the
//! statement rules share — words at a position, a qualified name, the parts of a list split
//! at top-level commas, a column definition's type. Names without a schema are taken as
//! `public`, as a database with the default search_path resolves them.

use crate::model::QualName;
use crate::sql::lex::{tokens, Token, TokenKind};

/// A statement and where it is.
pub(crate) struct Stmt<'a> {
    pub text: &'a str,
    /// 1-based line of its first token in the file.
    pub line: usize,
    pub toks: Vec<Token>,
}

impl<'a> Stmt<'a> {
    pub fn new(text: &'a str, line: usize) -> Stmt<'a> {
        Stmt {
            text,
            line,
            toks: tokens(text),
        }
    }

    /// True when the tokens from the first are the words `words`.
    pub fn starts(&self, words: &[&str]) -> bool {
        seq(&self.toks, 0, words)
    }
}

/// True when `toks[at..]` begins with the words `words`.
pub(crate) fn seq(toks: &[Token], at: usize, words: &[&str]) -> bool {
    words.len() + at <= toks.len() && words.iter().enumerate().all(|(k, w)| toks[at + k].is(w))
}

/// True when the word `word` occurs in `toks` outside parentheses.
pub(crate) fn has_word(toks: &[Token], word: &str) -> bool {
    find_word(toks, 0, word).is_some()
}

/// The first position from `from` of the word `word` outside parentheses.
pub(crate) fn find_word(toks: &[Token], from: usize, word: &str) -> Option<usize> {
    let mut depth = 0i32;
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            TokenKind::Punct('(') => depth += 1,
            TokenKind::Punct(')') => depth -= 1,
            _ if i >= from && depth <= 0 && t.is(word) => return Some(i),
            _ => {}
        }
    }
    None
}

/// The position after the optional words `words` at `at` (all of them or none).
pub(crate) fn skip(toks: &[Token], at: usize, words: &[&str]) -> usize {
    match seq(toks, at, words) {
        true => at + words.len(),
        false => at,
    }
}

/// The `[schema.]name` at `at`, and the position after it.
pub(crate) fn qual_name(toks: &[Token], at: usize) -> Option<(QualName, usize)> {
    let ((schema, name), next) = name_as_written(toks, at)?;
    Some((QualName::new(schema.unwrap_or("public"), name), next))
}

/// The `[schema.]name` at `at` as written (the schema only when it is), and the position
/// after it.
pub(crate) fn name_as_written(toks: &[Token], at: usize) -> Option<((Option<&str>, &str), usize)> {
    let first = toks.get(at).filter(|t| t.is_name())?;
    if toks.get(at + 1).is_some_and(|t| t.is_punct('.')) {
        if let Some(second) = toks.get(at + 2).filter(|t| t.is_name()) {
            // A three-part name (database.schema.table) keeps its last two parts.
            if toks.get(at + 3).is_some_and(|t| t.is_punct('.')) {
                let third = toks.get(at + 4).filter(|t| t.is_name())?;
                return Some(((Some(&second.text), &third.text), at + 5));
            }
            return Some(((Some(&first.text), &second.text), at + 3));
        }
    }
    Some(((None, &first.text), at + 1))
}

/// `toks` split at commas outside parentheses.
pub(crate) fn split_commas(toks: &[Token]) -> Vec<&[Token]> {
    let (mut out, mut depth, mut from) = (Vec::new(), 0i32, 0usize);
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            TokenKind::Punct('(') => depth += 1,
            TokenKind::Punct(')') => depth -= 1,
            TokenKind::Punct(',') if depth == 0 => {
                out.push(&toks[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    out.push(&toks[from..]);
    out.retain(|p| !p.is_empty());
    out
}

/// The tokens inside the parentheses that open at `open` (a `(`), and the position after
/// the closing one.
pub(crate) fn inside_parens(toks: &[Token], open: usize) -> Option<(&[Token], usize)> {
    if !toks.get(open)?.is_punct('(') {
        return None;
    }
    let mut depth = 0i32;
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t.kind {
            TokenKind::Punct('(') => depth += 1,
            TokenKind::Punct(')') => {
                depth -= 1;
                if depth == 0 {
                    return Some((&toks[open + 1..i], i + 1));
                }
            }
            _ => {}
        }
    }
    Some((&toks[open + 1..], toks.len()))
}

/// Words that end a column's type in its definition.
const AFTER_TYPE: &[&str] = &[
    "default",
    "not",
    "null",
    "primary",
    "unique",
    "check",
    "references",
    "generated",
    "constraint",
    "collate",
    "using",
    "storage",
    "compression",
];

/// The tokens of a column definition's type: from `at` to the first constraint word.
pub(crate) fn column_type(toks: &[Token], at: usize) -> &[Token] {
    let rest = toks.get(at..).unwrap_or(&[]);
    let end = (rest.iter())
        .position(|t| AFTER_TYPE.iter().any(|w| t.is(w)))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// Whole statement text on one line, for fingerprints: blanks collapsed.
pub(crate) fn normalized(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lists_and_types_read_as_written() {
        let s = Stmt::new(
            "ALTER TABLE app.\"Big\" ADD a int, ADD b varchar(3) NOT NULL",
            1,
        );
        assert!(s.starts(&["alter", "table"]));
        let (name, next) = qual_name(&s.toks, 2).unwrap();
        assert_eq!(name, QualName::new("app", "Big"));
        let parts = split_commas(&s.toks[next..]);
        assert_eq!(parts.len(), 2);
        let ty: Vec<_> = column_type(parts[1], 2)
            .iter()
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(ty, ["varchar", "(", "3", ")"]);
        assert_eq!(
            qual_name(&s.toks, 0).unwrap().0,
            QualName::new("public", "alter")
        );
        assert!(find_word(&Stmt::new("f(x) x", 1).toks, 0, "x") == Some(4));
        assert_eq!(normalized(" a \n  b "), "a b");
        let p = Stmt::new("(a, (b, c)) d", 1);
        let (inner, after) = inside_parens(&p.toks, 0).unwrap();
        assert_eq!(split_commas(inner).len(), 2);
        assert!(p.toks[after].is("d"));
    }
}
