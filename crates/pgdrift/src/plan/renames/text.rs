//! Renaming inside the SQL text PostgreSQL prints for an object (a CHECK expression, an
//! index expression, a view's query): after `ALTER TABLE ... RENAME`, the server prints the
//! new name wherever the text referred to the renamed table or column, so the text read
//! from FROM is rewritten the same way before it is compared. Only references are
//! rewritten: string literals, function names (a name followed by `(`), type names after
//! `::`, collations and names qualified by something else stay as they are. A reference
//! this misses shows up as a difference the plan then makes, never as one hidden.

use crate::sql::{Ident, Literal, QualIdent};

/// One token of SQL text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'a> {
    /// An identifier and its name as PostgreSQL folds it.
    Name { text: &'a str, name: String },
    /// Spaces and comments.
    Space(&'a str),
    /// A string literal, a number or a punctuation mark.
    Other(&'a str),
}

fn tokens(sql: &str) -> Vec<Token<'_>> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            out.push(Token::Space(&sql[start..i]));
        } else if c == b'\'' || c == b'"' {
            // A literal or a quoted name; a doubled quote stays inside.
            i += 1;
            while i < bytes.len() {
                if bytes[i] == c {
                    if bytes.get(i + 1) == Some(&c) {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
            let text = &sql[start..i];
            if c == b'"' && text.len() >= 2 && text.ends_with('"') {
                let name = text[1..text.len() - 1].replace("\"\"", "\"");
                out.push(Token::Name { text, name });
            } else {
                out.push(Token::Other(text));
            }
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric()
                    || bytes[i] == b'_'
                    || bytes[i] == b'$'
                    || bytes[i] >= 0x80)
            {
                i += 1;
            }
            let text = &sql[start..i];
            out.push(Token::Name {
                text,
                name: text.to_ascii_lowercase(),
            });
        } else {
            // One character (on a UTF-8 boundary).
            i += sql[i..].chars().next().map_or(1, char::len_utf8);
            out.push(Token::Other(&sql[start..i]));
        }
    }
    out
}

/// The tokens around position `i`, skipping spaces: the previous and the next ones.
fn neighbours<'t, 'a>(
    ts: &'t [Token<'a>],
    i: usize,
) -> (Option<&'t Token<'a>>, Option<&'t Token<'a>>) {
    let before = ts[..i].iter().rev().find(|t| !matches!(t, Token::Space(_)));
    let after = ts[i + 1..].iter().find(|t| !matches!(t, Token::Space(_)));
    (before, after)
}

fn is_other(t: Option<&Token<'_>>, s: &str) -> bool {
    matches!(t, Some(Token::Other(o)) if *o == s)
}

/// The token before position `i` (spaces skipped) and the one before that.
fn two_before<'t, 'a>(
    ts: &'t [Token<'a>],
    i: usize,
) -> (Option<&'t Token<'a>>, Option<&'t Token<'a>>) {
    let mut it = ts[..i]
        .iter()
        .rev()
        .filter(|t| !matches!(t, Token::Space(_)));
    (it.next(), it.next())
}

/// `sql` with each name `old` written `new` where `rewrite` says the token at that position
/// (among `tokens`) is a reference to rewrite.
fn rewrite(
    sql: &str,
    old: &str,
    new: &str,
    rewrite: impl Fn(&[Token<'_>], usize) -> bool,
) -> String {
    let ts = tokens(sql);
    let mut out = String::with_capacity(sql.len());
    for (i, t) in ts.iter().enumerate() {
        match t {
            Token::Name { name, .. } if name == old && rewrite(&ts, i) => {
                out.push_str(&Ident(new).to_string())
            }
            Token::Name { text, .. } | Token::Space(text) | Token::Other(text) => {
                out.push_str(text)
            }
        }
    }
    out
}

/// `sql` with every unqualified reference to column `old` written as `new`.
pub fn rename_column(sql: &str, old: &str, new: &str) -> String {
    rewrite(sql, old, new, |ts, i| {
        let (before, after) = neighbours(ts, i);
        let (_, before2) = two_before(ts, i);
        let qualified = is_other(before, ".");
        let cast = is_other(before, ":") && is_other(before2, ":");
        let collate = matches!(before, Some(Token::Name { name, .. }) if name == "collate");
        let call = is_other(after, "(") || is_other(after, ".");
        !(qualified || cast || collate || call)
    })
}

/// `sql` with every reference `schema.old` (not a call) written as `schema.new`.
pub fn rename_qualified(sql: &str, schema: &str, old: &str, new: &str) -> String {
    rewrite(sql, old, new, |ts, i| {
        let (before, after) = neighbours(ts, i);
        let (_, before2) = two_before(ts, i);
        is_other(before, ".")
            && matches!(before2, Some(Token::Name { name, .. }) if name == schema)
            && !is_other(after, "(")
    })
}

/// `sql` with the `regclass` literal of relation `schema.old` (the argument of a serial
/// column's `nextval`) written for `schema.new`.
pub fn rename_regclass(sql: &str, schema: &str, old: &str, new: &str) -> String {
    let lit = |name: &str| {
        format!(
            "{}::regclass",
            Literal(&QualIdent(schema, name).to_string())
        )
    };
    sql.replace(&lit(old), &lit(new))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_renamed_where_they_are_referenced() {
        assert_eq!(
            rename_column("(name <> ''::text)", "name", "full_name"),
            "(full_name <> ''::text)"
        );
        assert_eq!(
            rename_column("(lower(\"name\") = 'name')", "name", "full_name"),
            "(lower(full_name) = 'name')"
        );
        assert_eq!(rename_column("(a > b)", "a", "Order"), "(\"Order\" > b)");
    }

    #[test]
    fn calls_casts_literals_and_other_tables_are_left_alone() {
        let sql = "(name(x) = 'name'::name) AND (t.name IS NULL) AND (c COLLATE name)";
        assert_eq!(rename_column(sql, "name", "full_name"), sql);
        assert_eq!(
            rename_column("(\"Name\" > 0)", "name", "x"),
            "(\"Name\" > 0)"
        );
    }

    #[test]
    fn qualified_table_names_are_renamed_in_their_schema_only() {
        assert_eq!(
            rename_qualified(
                "SELECT users.id FROM public.users JOIN app.users u ON true",
                "public",
                "users",
                "customers"
            ),
            "SELECT users.id FROM public.customers JOIN app.users u ON true"
        );
        assert_eq!(
            rename_qualified("SELECT public.users(1)", "public", "users", "customers"),
            "SELECT public.users(1)"
        );
    }

    #[test]
    fn serial_defaults_follow_their_sequence() {
        assert_eq!(
            rename_regclass(
                "nextval('public.users_id_seq'::regclass)",
                "public",
                "users_id_seq",
                "customers_id_seq"
            ),
            "nextval('public.customers_id_seq'::regclass)"
        );
    }

    #[test]
    fn odd_text_never_panics() {
        for sql in ["'", "\"", "é.ü", "::", "a.", ".a", "\"\"\"", "ñame"] {
            let _ = rename_column(sql, "a", "b");
            let _ = rename_qualified(sql, "a", "b", "c");
        }
    }
}
