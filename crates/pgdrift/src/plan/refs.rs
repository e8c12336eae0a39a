//! The names a piece of SQL text refers to. Catalog text comes back from PostgreSQL with
//! every user object schema-qualified (pgdrift reads with `search_path = pg_catalog`), so
//! `schema.name` pairs — and names inside `'...'::regclass`-style literals — are what an
//! expression, a type, a view's query or a routine's signature depends on.
//!
//! This is a lexer, not a parser: it skips string literals, comments and dollar-quoted
//! text, folds unquoted identifiers to lower case, and reports every `a.b` it sees.
//! Over-reporting (a table alias that happens to look like a schema) only adds an ordering
//! constraint; it never changes what a plan does.

use std::borrow::Cow;

/// One token of interest, borrowing from the text where it can.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'t> {
    Ident(Cow<'t, str>),
    Dot,
    /// A string literal.
    Literal(Cow<'t, str>),
    /// `::`, before a cast's type.
    Cast,
    Other,
}

/// Every `schema.name` in `text`, in order of appearance (with repeats).
pub fn qualified_names(text: &str) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    let tokens = lex(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Ident(a) => {
                if let (Some(Token::Dot), Some(Token::Ident(b))) =
                    (tokens.get(i + 1), tokens.get(i + 2))
                {
                    out.push((a.clone(), b.clone()));
                    // `a.b.c`: also `b.c`, the next pair starts at `b`.
                    i += 2;
                    continue;
                }
            }
            Token::Literal(s) => {
                if let (Some(Token::Cast), Some(Token::Ident(t))) =
                    (tokens.get(i + 1), tokens.get(i + 2))
                {
                    if t.starts_with("reg") {
                        if let Some((a, b)) = split_qualified(s) {
                            out.push((Cow::Owned(a), Cow::Owned(b)));
                        }
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// True when `text` has the identifier `name` anywhere (quoted or not), outside literals
/// and comments.
pub fn mentions(text: &str, name: &str) -> bool {
    lex(text)
        .iter()
        .any(|t| matches!(t, Token::Ident(i) if i == name))
}

/// `schema.name` written as in a `regclass` literal, each part quoted or not.
fn split_qualified(s: &str) -> Option<(String, String)> {
    let tokens = lex(s);
    match tokens.as_slice() {
        [Token::Ident(a), Token::Dot, Token::Ident(b), ..] => Some((a.to_string(), b.to_string())),
        _ => None,
    }
}

fn lex(text: &str) -> Vec<Token<'_>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\'' => {
                let escapes = i > 0 && (b[i - 1] == b'E' || b[i - 1] == b'e');
                let (s, next) = quoted(text, i, b'\'', escapes);
                out.push(Token::Literal(s));
                i = next;
            }
            b'"' => {
                let (s, next) = quoted(text, i, b'"', false);
                out.push(Token::Ident(s));
                i = next;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = text[i..].find('\n').map_or(b.len(), |n| i + n + 1);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
            }
            b'$' => i = dollar(text, i, &mut out),
            b'.' => {
                out.push(Token::Dot);
                i += 1;
            }
            b':' if b.get(i + 1) == Some(&b':') => {
                out.push(Token::Cast);
                i += 2;
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let end = i + text[i..]
                    .char_indices()
                    .find(|(_, ch)| !(ch.is_alphanumeric() || *ch == '_' || *ch == '$'))
                    .map_or(text.len() - i, |(n, _)| n);
                // E'...' strings: leave the E to the literal.
                if end < b.len() && b[end] == b'\'' && end - i == 1 && (c == b'E' || c == b'e') {
                    i = end;
                    continue;
                }
                let word = &text[i..end];
                out.push(Token::Ident(
                    if word.bytes().any(|c| c.is_ascii_uppercase() || c >= 0x80) {
                        Cow::Owned(word.to_lowercase())
                    } else {
                        Cow::Borrowed(word)
                    },
                ));
                i = end;
            }
            c if c.is_ascii_digit() => {
                // Numbers (with a fractional part: `1.5` is not a qualified name).
                i += text[i..]
                    .bytes()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == b'.' || *c == b'_')
                    .count();
                out.push(Token::Other);
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                out.push(Token::Other);
                i += 1;
            }
        }
    }
    out
}

/// A quoted string or identifier starting at `start`, doubled quotes (and backslash escapes
/// in `E'...'` strings) folded; returns the content and the index after the closing quote.
fn quoted(text: &str, start: usize, quote: u8, escapes: bool) -> (Cow<'_, str>, usize) {
    let b = text.as_bytes();
    // Most quoted text has no doubled quote nor escape: borrow it.
    if let Some(n) = b[start + 1..]
        .iter()
        .position(|&c| c == quote || (escapes && c == b'\\'))
    {
        let end = start + 1 + n;
        if b[end] == quote && b.get(end + 1) != Some(&quote) {
            return (Cow::Borrowed(&text[start + 1..end]), end + 1);
        }
    }
    let mut s = Vec::new();
    let mut i = start + 1;
    while i < b.len() {
        if escapes && b[i] == b'\\' && i + 1 < b.len() {
            s.push(b[i + 1]);
            i += 2;
        } else if b[i] == quote {
            if b.get(i + 1) == Some(&quote) {
                s.push(quote);
                i += 2;
            } else {
                i += 1;
                break;
            }
        } else {
            s.push(b[i]);
            i += 1;
        }
    }
    (Cow::Owned(String::from_utf8_lossy(&s).into_owned()), i)
}

/// Skips a dollar-quoted string at `start` (or a `$1` parameter); returns the next index.
fn dollar<'t>(text: &'t str, start: usize, out: &mut Vec<Token<'t>>) -> usize {
    let rest = &text[start + 1..];
    let tag_len = rest
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
        .count();
    if rest.as_bytes().get(tag_len) == Some(&b'$')
        && !rest[..tag_len].starts_with(|c: char| c.is_ascii_digit())
    {
        let delimiter = &text[start..start + tag_len + 2];
        let body = start + tag_len + 2;
        out.push(Token::Other);
        return text[body..]
            .find(delimiter)
            .map_or(text.len(), |n| body + n + delimiter.len());
    }
    out.push(Token::Other);
    start + 1 + tag_len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, String)> {
        qualified_names(text)
            .into_iter()
            .map(|(a, b)| (a.into_owned(), b.into_owned()))
            .collect()
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    #[test]
    fn finds_qualified_names_in_expressions() {
        assert_eq!(names("app.mood[]"), [pair("app", "mood")]);
        assert_eq!(names("'open'::app.status"), [pair("app", "status")]);
        assert_eq!(
            names("nextval('app.\"Order Seq\"'::regclass)"),
            [pair("app", "Order Seq")]
        );
        assert_eq!(
            names("(app.f(x) > 0) AND (\"My Schema\".\"T\".col = 1)"),
            [pair("app", "f"), pair("My Schema", "T"), pair("T", "col")]
        );
        assert_eq!(names("'app.x'::text || 1.5"), []);
        assert_eq!(
            names("-- app.comment\n/* app.c */ $$app.body$$ a . b"),
            [pair("a", "b")]
        );
        assert_eq!(names("E'it\\'s app.x' || App.Y"), [pair("app", "y")]);
        assert_eq!(names("$1 + s.t"), [pair("s", "t")]);
    }

    #[test]
    fn mentions_identifiers_not_literals() {
        assert!(mentions("SELECT t.email FROM app.t", "email"));
        assert!(mentions("SELECT \"Email\" FROM app.t", "Email"));
        assert!(!mentions("SELECT 'email' FROM app.t", "email"));
    }
}
