//! The index a `CREATE INDEX` statement names, and its table, read from the statement's
//! leading words as PostgreSQL reads them: keywords in any case, unquoted names folded to
//! lower case, quoted ones taken as written, comments skipped. The runner uses it to find an
//! INVALID index a file's earlier, interrupted run left behind.

/// `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] name ON [ONLY] [schema.]table`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedIndex {
    pub name: String,
    /// The table's schema when the statement gives it (the index is created there).
    pub schema: Option<String>,
    pub table: String,
    pub concurrently: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// A keyword or unquoted name (folded to lower case), or a quoted name.
    Word {
        text: String,
        quoted: bool,
    },
    Dot,
    Other,
}

/// The index `statement` creates, when it is a `CREATE INDEX` that names one.
pub fn created_index(statement: &str) -> Option<CreatedIndex> {
    let mut tokens = Tokens { rest: statement };
    let mut next = || tokens.next();
    let keyword = |t: Option<Token>, word: &str| matches!(t, Some(Token::Word { text, quoted: false }) if text == word);
    let name = |t: Option<Token>| match t {
        Some(Token::Word { text, .. }) => Some(text),
        _ => None,
    };
    if !keyword(next(), "create") {
        return None;
    }
    let mut word = next();
    if keyword(word.clone(), "unique") {
        word = next();
    }
    if !keyword(word, "index") {
        return None;
    }
    let mut word = next();
    let concurrently = keyword(word.clone(), "concurrently");
    if concurrently {
        word = next();
    }
    if keyword(word.clone(), "if") {
        if !(keyword(next(), "not") && keyword(next(), "exists")) {
            return None;
        }
        word = next();
    }
    // An index without a name gets a new one on every run: none to find.
    if keyword(word.clone(), "on") {
        return None;
    }
    let index = name(word)?;
    if !keyword(next(), "on") {
        return None;
    }
    let mut word = next();
    if keyword(word.clone(), "only") {
        word = next();
    }
    let first = name(word)?;
    let (schema, table) = match next() {
        Some(Token::Dot) => (Some(first), name(next())?),
        _ => (None, first),
    };
    Some(CreatedIndex {
        name: index,
        schema,
        table,
        concurrently,
    })
}

struct Tokens<'a> {
    rest: &'a str,
}

impl Tokens<'_> {
    fn next(&mut self) -> Option<Token> {
        self.skip_blanks_and_comments();
        let c = self.rest.chars().next()?;
        let token = if c == '"' {
            self.quoted()
        } else if c.is_alphabetic() || c == '_' {
            let end = self
                .rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .unwrap_or(self.rest.len());
            let text = self.rest[..end].to_ascii_lowercase();
            self.rest = &self.rest[end..];
            Token::Word {
                text,
                quoted: false,
            }
        } else {
            self.rest = &self.rest[c.len_utf8()..];
            if c == '.' {
                Token::Dot
            } else {
                Token::Other
            }
        };
        Some(token)
    }

    /// `"name"`, with `""` standing for a quote; an unclosed one ends the statement.
    fn quoted(&mut self) -> Token {
        let mut text = String::new();
        let mut chars = self.rest.char_indices().skip(1).peekable();
        while let Some((i, c)) = chars.next() {
            if c == '"' {
                if chars.peek().is_some_and(|(_, n)| *n == '"') {
                    chars.next();
                    text.push('"');
                    continue;
                }
                self.rest = &self.rest[i + 1..];
                return Token::Word { text, quoted: true };
            }
            text.push(c);
        }
        self.rest = "";
        Token::Other
    }

    fn skip_blanks_and_comments(&mut self) {
        loop {
            self.rest = self.rest.trim_start();
            if let Some(after) = self.rest.strip_prefix("--") {
                self.rest = after.find('\n').map_or("", |i| &after[i..]);
            } else if self.rest.starts_with("/*") {
                self.rest = after_block_comment(self.rest);
            } else {
                return;
            }
        }
    }
}

/// What follows the (nested) block comment `text` starts with; nothing when it is unclosed.
fn after_block_comment(text: &str) -> &str {
    let mut depth = 0usize;
    let mut i = 0;
    let b = text.as_bytes();
    while i + 1 < b.len() {
        match (b[i], b[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return &text[i..];
                }
            }
            _ => i += 1,
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(name: &str, schema: Option<&str>, table: &str, concurrently: bool) -> CreatedIndex {
        CreatedIndex {
            name: name.into(),
            schema: schema.map(str::to_string),
            table: table.into(),
            concurrently,
        }
    }

    #[test]
    fn names_and_tables_as_postgres_reads_them() {
        let cases = [
            (
                "CREATE INDEX CONCURRENTLY Users_Email ON users (email)",
                index("users_email", None, "users", true),
            ),
            (
                "create unique index concurrently if not exists \"Big \"\"One\"\"\" on only app.\"Users\" using btree (a)",
                index("Big \"One\"", Some("app"), "Users", true),
            ),
            (
                "CREATE /* why */ INDEX -- a note\n i ON s . t (a)",
                index("i", Some("s"), "t", false),
            ),
            (
                "CREATE INDEX IF NOT EXISTS ñame ON tåble (a)",
                index("ñame", None, "tåble", false),
            ),
        ];
        for (statement, expected) in cases {
            assert_eq!(created_index(statement), Some(expected), "{statement}");
        }
    }

    #[test]
    fn other_statements_and_unnamed_indexes_name_none() {
        for statement in [
            "CREATE INDEX ON t (a)",
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS ON t (a)",
            "CREATE TABLE i (a int)",
            "DROP INDEX i",
            "CREATE INDEX \"unclosed ON t (a)",
            "CREATE INDEX i",
            "REINDEX INDEX CONCURRENTLY i",
            "",
            "/* never closed",
        ] {
            assert_eq!(created_index(statement), None, "{statement}");
        }
    }
}
