//! The only place that writes SQL text: identifier and literal quoting, and splitting SQL
//! files into statements (`split`).
//!
//! Every piece of SQL pgdrift produces is assembled from these types, whose `Display`
//! implementations quote. Values that travel to a server at run time go as bind parameters.

mod keywords;
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
    }
}
