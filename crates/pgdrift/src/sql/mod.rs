//! The only place that writes SQL text: identifier and literal quoting, splitting SQL files
//! into statements (`split`), the tokens of a statement (`lex`), and reading the index a
//! `CREATE INDEX` names (`created_index`).
//!
//! Every piece of SQL pgdrift produces is assembled from these types, whose `Display`
//! implementations quote. Values that travel to a server at run time go as bind parameters.

pub mod created_index;
mod keywords;
pub mod lex;
pub mod split;

use std::fmt;

/// An identifier, quoted on display when PostgreSQL would not read it back unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ident<'a>(pub &'a str);

impl fmt::Display for Ident<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if is_plain_identifier(self.0) {
            f.write_str(self.0)
        } else {
            f.write_str("\"")?;
            for c in self.0.chars() {
                if c == '"' {
                    f.write_str("\"\"")?;
                } else {
                    write!(f, "{c}")?;
                }
            }
            f.write_str("\"")
        }
    }
}

/// A schema-qualified name, each part quoted as needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QualIdent<'a>(pub &'a str, pub &'a str);

impl fmt::Display for QualIdent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", Ident(self.0), Ident(self.1))
    }
}

/// A string literal, quoted for a server with `standard_conforming_strings = on`
/// (the default since PostgreSQL 9.1, and what pgdrift sets on its own sessions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Literal<'a>(pub &'a str);

impl fmt::Display for Literal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("'")?;
        for c in self.0.chars() {
            if c == '\'' {
                f.write_str("''")?;
            } else {
                write!(f, "{c}")?;
            }
        }
        f.write_str("'")
    }
}

/// An operator name, optionally schema-qualified: operators are symbols and are never
/// quoted. Written `schema.op` where a schema is allowed and `OPERATOR(schema.op)` where an
/// operator is used in an expression (see [`OperatorRef`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperatorName<'a>(pub &'a str, pub &'a str);

impl fmt::Display for OperatorName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", Ident(self.0), self.1)
    }
}

/// A string as a dollar-quoted literal, with a tag that does not occur in it: the form
/// used for routine bodies, which would be unreadable with doubled quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DollarQuoted<'a>(pub &'a str);

impl fmt::Display for DollarQuoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for n in 0u32.. {
            let tag = match n {
                0 => String::new(),
                1 => "body".to_string(),
                _ => format!("body{n}"),
            };
            let delimiter = format!("${tag}$");
            // A trailing `$` would run into a bare `$$` and end the string early.
            let clash = self.0.contains(&delimiter) || (tag.is_empty() && self.0.ends_with('$'));
            if !clash {
                return write!(f, "{delimiter}{}{delimiter}", self.0);
            }
        }
        unreachable!("some tag is free")
    }
}

/// SQL text that PostgreSQL printed itself (an expression, a type, a view's query, a
/// trigger's definition): written as it is, since the server already quoted what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verbatim<'a>(pub &'a str);

impl fmt::Display for Verbatim<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// True when `name` can be written without quotes: lower case ASCII letters, digits,
/// underscores and dollars, not starting with a digit or dollar, and not a keyword that
/// PostgreSQL reserves in some position.
pub fn is_plain_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_ascii_lowercase() || first == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
        && !keywords::is_reserved(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_stay_plain() {
        assert_eq!(Ident("users").to_string(), "users");
        assert_eq!(Ident("_x1$").to_string(), "_x1$");
    }

    #[test]
    fn names_that_need_quotes_get_them() {
        assert_eq!(Ident("Users").to_string(), "\"Users\"");
        assert_eq!(Ident("select").to_string(), "\"select\"");
        assert_eq!(Ident("user").to_string(), "\"user\"");
        assert_eq!(Ident("a b").to_string(), "\"a b\"");
        assert_eq!(Ident("a\"b").to_string(), "\"a\"\"b\"");
        assert_eq!(Ident("1a").to_string(), "\"1a\"");
        assert_eq!(Ident("").to_string(), "\"\"");
        assert_eq!(Ident("café").to_string(), "\"café\"");
    }

    #[test]
    fn qualified_and_literals() {
        assert_eq!(QualIdent("public", "Order").to_string(), "public.\"Order\"");
        assert_eq!(Literal("it's").to_string(), "'it''s'");
        assert_eq!(Literal("a\\b").to_string(), "'a\\b'");
        assert_eq!(OperatorName("app", "~=").to_string(), "app.~=");
        assert_eq!(OperatorName("My", "+").to_string(), "\"My\".+");
    }

    #[test]
    fn dollar_quotes_pick_a_free_tag() {
        assert_eq!(DollarQuoted("SELECT 1").to_string(), "$$SELECT 1$$");
        assert_eq!(DollarQuoted("a $$ b").to_string(), "$body$a $$ b$body$");
        assert_eq!(
            DollarQuoted("$$ $body$").to_string(),
            "$body2$$$ $body$$body2$"
        );
        assert_eq!(DollarQuoted("x$").to_string(), "$body$x$$body$");
    }
}
