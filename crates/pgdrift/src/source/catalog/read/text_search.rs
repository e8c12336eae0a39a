//! The user's text search objects: dictionaries (their options parsed from the text
//! PostgreSQL stores, `name = 'value', ...`).

use super::super::rows::get;
use super::super::InspectError;
use crate::model::{DictionaryOption, QualName, TextSearchDictionary};
use tokio_postgres::Row;

pub(super) const QUERY: &str = "ts_dictionaries";
pub(super) const COLS: &[&str] = &[
    "schema",
    "name",
    "template_schema",
    "template_name",
    "options",
    "owner",
    "comment",
];

pub(super) fn decode_dictionary(row: &Row) -> Result<TextSearchDictionary, InspectError> {
    let schema: String = get!(row, "schema");
    let name: String = get!(row, "name");
    let text: Option<String> = get!(row, "options");
    let options = match text.as_deref() {
        None => Vec::new(),
        Some(t) => parse_options(t).ok_or_else(|| InspectError::Decode {
            query: QUERY,
            column: "options",
            reason: format!("the options of text search dictionary {schema}.{name} do not parse"),
        })?,
    };
    Ok(TextSearchDictionary {
        template: QualName::new(
            get!(row, "template_schema", String),
            get!(row, "template_name", String),
        ),
        options,
        owner: get!(row, "owner"),
        comment: get!(row, "comment"),
        schema,
        name,
    })
}

/// `name = 'value', "Name" = E'a\\b'` as PostgreSQL writes a dictionary's options (each name
/// an identifier, quoted when it must be; each value a string), sorted by name.
pub(crate) fn parse_options(text: &str) -> Option<Vec<DictionaryOption>> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let (name, after) = identifier(rest)?;
        let after = after.trim_start().strip_prefix('=')?.trim_start();
        let (value, after) = string(after)?;
        out.push(DictionaryOption::new(name, value));
        rest = after.trim_start();
        if let Some(next) = rest.strip_prefix(',') {
            rest = next.trim_start();
        } else if !rest.is_empty() {
            return None;
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Some(out)
}

/// An identifier, double-quoted or bare; returns it and the rest.
fn identifier(text: &str) -> Option<(String, &str)> {
    if let Some(body) = text.strip_prefix('"') {
        return quoted(body, '"', false);
    }
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .unwrap_or(text.len());
    (end > 0).then(|| (text[..end].to_string(), &text[end..]))
}

/// A string literal, `'...'` or `E'...'`; returns its value and the rest.
fn string(text: &str) -> Option<(String, &str)> {
    match text.strip_prefix(['E', 'e']) {
        Some(body) => quoted(body.strip_prefix('\'')?, '\'', true),
        None => quoted(text.strip_prefix('\'')?, '\'', false),
    }
}

/// The text up to the closing `quote` (doubled quotes, and with `escapes` backslashes,
/// folded); returns it and what follows the quote.
fn quoted(body: &str, quote: char, escapes: bool) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if escapes && c == '\\' {
            out.push(chars.next()?.1);
        } else if c == quote {
            if chars.peek().map(|&(_, n)| n) == Some(quote) {
                out.push(quote);
                chars.next();
            } else {
                return Some((out, &body[i + c.len_utf8()..]));
            }
        } else {
            out.push(c);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Option<Vec<(String, String)>> {
        parse_options(text).map(|v| v.into_iter().map(|o| (o.name, o.value)).collect())
    }

    #[test]
    fn options_parse_as_postgresql_writes_them() {
        let p = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            pairs("language = 'english', \"StopWords\" = 'it''s'"),
            Some(vec![p("StopWords", "it's"), p("language", "english")])
        );
        assert_eq!(
            pairs("dictfile = E'c:\\\\dir', accept = 'false'"),
            Some(vec![p("accept", "false"), p("dictfile", "c:\\dir")])
        );
        assert_eq!(pairs(""), Some(vec![]));
        assert_eq!(pairs("language = english"), None);
        assert_eq!(pairs("language = 'english' stop"), None);
        assert_eq!(pairs("language = 'open"), None);
    }
}
