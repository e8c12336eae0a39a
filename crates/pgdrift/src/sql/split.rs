//! Splitting SQL text into statements the way psql does: semicolons end statements except
//! inside quotes, dollar quotes, comments, parentheses, and the `BEGIN ATOMIC ... END` body of
//! a SQL-standard function. Lines that start with a backslash are psql meta-commands,
//! returned apart (pg_dump writes `\restrict` lines since 2025). A comment, quote or dollar
//! quote still open at the end of the text is an error: whatever follows its start would
//! otherwise vanish from the statements, or run cut short.

/// A piece of a SQL text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// A statement, without its terminating semicolon; `start` is its byte offset.
    Statement { text: &'a str, start: usize },
    /// A psql meta-command line (`\restrict ...`), without its newline.
    Meta { text: &'a str, start: usize },
}

/// The byte order mark some editors put first in a file: never part of a statement.
pub const BOM: char = '\u{feff}';

/// 1-based line of byte offset `at` in `text`.
pub fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// What runs to the end of a text without being closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Construct {
    BlockComment,
    String,
    QuotedIdentifier,
    /// With its tag, `$$` or `$name$`.
    DollarQuote(String),
}

/// A text the splitter cannot split completely: a construct opened at byte `start` (on
/// `line`) is never closed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", describe(.construct))]
pub struct Unterminated {
    pub construct: Construct,
    pub start: usize,
    pub line: usize,
}

fn describe(construct: &Construct) -> String {
    let (what, close) = match construct {
        Construct::BlockComment => ("/* comment".to_string(), "*/".to_string()),
        Construct::String => ("quoted string".into(), "'".into()),
        Construct::QuotedIdentifier => ("quoted identifier".into(), "\"".into()),
        Construct::DollarQuote(tag) => (format!("dollar quote {tag}"), tag.clone()),
    };
    format!(
        "unterminated {what}: it starts here and runs to the end of the file, so nothing after \
         it can be split into statements; close it with {close}"
    )
}

/// Splits `text` into statements and meta-commands, in order. Empty statements (only
/// whitespace and comments) are left out. A comment, quote or dollar quote left open is an
/// error: the text cannot be split completely.
pub fn split(text: &str) -> Result<Vec<Piece<'_>>, Unterminated> {
    let mut splitter = Splitter::new(text);
    splitter.run();
    match splitter.open.take() {
        Some((construct, start)) => Err(Unterminated {
            construct,
            start,
            line: line_of(text, start),
        }),
        None => Ok(splitter.pieces),
    }
}

struct Splitter<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    pieces: Vec<Piece<'a>>,
    /// Where the current statement's first significant character is.
    start: Option<usize>,
    paren: i32,
    begin: i32,
    /// The first words of the statement, to know a `CREATE [OR REPLACE] FUNCTION|PROCEDURE`.
    words: Vec<u8>,
    word_count: usize,
    /// A construct that reached the end of the text unclosed, and where it started.
    open: Option<(Construct, usize)>,
}

impl<'a> Splitter<'a> {
    fn new(text: &'a str) -> Self {
        Splitter {
            text,
            b: text.as_bytes(),
            // A byte order mark (editors on Windows write one) is not part of any statement.
            i: if text.starts_with(BOM) {
                BOM.len_utf8()
            } else {
                0
            },
            pieces: Vec::new(),
            start: None,
            paren: 0,
            begin: 0,
            words: Vec::new(),
            word_count: 0,
            open: None,
        }
    }

    fn run(&mut self) {
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b'-' if self.peek(1) == Some(b'-') => self.skip_line_comment(),
                b'/' if self.peek(1) == Some(b'*') => self.skip_block_comment(),
                b'\\' if self.at_line_start() => {
                    // A meta-command line ends whatever statement came before it.
                    self.finish(self.i);
                    self.meta_command();
                }
                c if c.is_ascii_whitespace() => self.i += 1,
                _ => {
                    self.start.get_or_insert(self.i);
                    self.token(c);
                }
            }
        }
        self.finish(self.b.len());
    }

    /// Only blanks between the previous newline (or the text's start) and here.
    fn at_line_start(&self) -> bool {
        let from = if self.text.starts_with(BOM) {
            BOM.len_utf8().min(self.i)
        } else {
            0
        };
        self.b[from..self.i]
            .iter()
            .rev()
            .take_while(|c| **c != b'\n')
            .all(|c| *c == b' ' || *c == b'\t')
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.b.get(self.i + ahead).copied()
    }

    fn token(&mut self, c: u8) {
        match c {
            b'\'' => {
                let escapes = self.i > 0
                    && matches!(self.b[self.i - 1], b'E' | b'e')
                    && (self.i < 2 || !is_ident(self.b[self.i - 2]));
                self.skip_quoted(b'\'', escapes);
            }
            b'"' => self.skip_quoted(b'"', false),
            b'$' if self.i == 0 || !is_ident(self.b[self.i - 1]) => self.dollar(),
            b'(' => {
                self.paren += 1;
                self.i += 1;
            }
            b')' => {
                self.paren -= 1;
                self.i += 1;
            }
            b';' if self.paren <= 0 && self.begin <= 0 => {
                self.finish(self.i);
                self.i += 1;
            }
            c if is_ident_start(c) => self.word(),
            _ => self.i += 1,
        }
    }

    fn word(&mut self) {
        let from = self.i;
        while self.i < self.b.len() && is_ident(self.b[self.i]) {
            self.i += 1;
        }
        let word = self.text[from..self.i].to_ascii_lowercase();
        if matches!(
            word.as_str(),
            "create" | "or" | "replace" | "function" | "procedure"
        ) && self.words.len() == self.word_count
        {
            self.words.push(word.as_bytes()[0]);
        }
        self.word_count += 1;
        let defines_routine = matches!(
            self.words.as_slice(),
            [b'c', b'f', ..]
                | [b'c', b'p', ..]
                | [b'c', b'o', b'r', b'f', ..]
                | [b'c', b'o', b'r', b'p', ..]
        );
        if defines_routine && self.paren == 0 {
            match word.as_str() {
                "begin" => self.begin += 1,
                "case" if self.begin >= 1 => self.begin += 1,
                "end" if self.begin > 0 => self.begin -= 1,
                _ => {}
            }
        }
    }

    fn finish(&mut self, end: usize) {
        if let Some(start) = self.start.take() {
            let text = self.text[start..end].trim_end();
            if !text.is_empty() {
                self.pieces.push(Piece::Statement { text, start });
            }
        }
        self.paren = 0;
        self.begin = 0;
        self.words.clear();
        self.word_count = 0;
    }

    fn skip_line_comment(&mut self) {
        while self.i < self.b.len() && self.b[self.i] != b'\n' {
            self.i += 1;
        }
    }

    fn skip_block_comment(&mut self) {
        let from = self.i;
        let mut depth = 0;
        while self.i < self.b.len() {
            if self.b[self.i] == b'/' && self.peek(1) == Some(b'*') {
                depth += 1;
                self.i += 2;
            } else if self.b[self.i] == b'*' && self.peek(1) == Some(b'/') {
                depth -= 1;
                self.i += 2;
                if depth == 0 {
                    return;
                }
            } else {
                self.i += 1;
            }
        }
        self.open = Some((Construct::BlockComment, from));
    }

    fn meta_command(&mut self) {
        let start = self.i;
        self.skip_line_comment();
        self.pieces.push(Piece::Meta {
            text: self.text[start..self.i].trim_end(),
            start,
        });
    }

    /// Skips a quoted run; `''`/`""` escape the quote, and in `E'...'` a backslash escapes.
    fn skip_quoted(&mut self, quote: u8, backslash_escapes: bool) {
        let from = self.i;
        self.i += 1;
        while self.i < self.b.len() {
            let c = self.b[self.i];
            if backslash_escapes && c == b'\\' {
                self.i += 2;
                continue;
            }
            self.i += 1;
            if c == quote {
                if self.b.get(self.i) == Some(&quote) {
                    self.i += 1;
                } else {
                    return;
                }
            }
        }
        let construct = match quote {
            b'"' => Construct::QuotedIdentifier,
            _ => Construct::String,
        };
        self.open = Some((construct, from));
    }

    /// `$tag$ ... $tag$` (or `$$ ... $$`); a `$` that starts no tag is ordinary (`$1`).
    fn dollar(&mut self) {
        let mut j = self.i + 1;
        while j < self.b.len() && is_ident(self.b[j]) && self.b[j] != b'$' {
            j += 1;
        }
        let tag_ok = j < self.b.len()
            && self.b[j] == b'$'
            && !self.b.get(self.i + 1).is_some_and(u8::is_ascii_digit);
        if !tag_ok {
            self.i += 1;
            return;
        }
        let tag = &self.text[self.i..=j];
        match self.text[j + 1..].find(tag) {
            Some(end) => self.i = j + 1 + end + tag.len(),
            None => {
                self.open = Some((Construct::DollarQuote(tag.to_string()), self.i));
                self.i = self.b.len();
            }
        }
    }
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_statement() {
        let text = "\u{feff}CREATE TABLE t (id int);\nSELECT 1;";
        assert_eq!(statements(text), ["CREATE TABLE t (id int)", "SELECT 1"]);
        let pieces = split("\u{feff}\\restrict abc\nSELECT 1;").unwrap();
        assert!(
            matches!(
                pieces[0],
                Piece::Meta {
                    text: "\\restrict abc",
                    ..
                }
            ),
            "{pieces:?}"
        );
    }

    fn statements(text: &str) -> Vec<&str> {
        split(text)
            .unwrap()
            .into_iter()
            .filter_map(|p| match p {
                Piece::Statement { text, .. } => Some(text),
                Piece::Meta { .. } => None,
            })
            .collect()
    }

    #[test]
    fn semicolons_in_quotes_comments_and_dollar_quotes_do_not_split() {
        let sql = "CREATE TABLE a (x text DEFAULT ';');\n\
                   -- a comment; still a comment\n\
                   /* block ; /* nested ; */ still */ SELECT 1;\n\
                   CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END $body$;\n\
                   SELECT E'it\\'s; fine', \"semi;colon\", $$x;y$$;\n\
                   SELECT a$b FROM t WHERE c = $1;";
        assert_eq!(
            statements(sql),
            [
                "CREATE TABLE a (x text DEFAULT ';')",
                "SELECT 1",
                "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END $body$",
                "SELECT E'it\\'s; fine', \"semi;colon\", $$x;y$$",
                "SELECT a$b FROM t WHERE c = $1",
            ]
        );
    }

    #[test]
    fn begin_atomic_bodies_stay_whole() {
        let sql = "CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC\n\
                   SELECT CASE WHEN x > 0 THEN 1 ELSE 2 END;\n  SELECT x;\nEND;\n\
                   CREATE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END;\n\
                   BEGIN; SELECT 1; END;";
        assert_eq!(
            statements(sql),
            [
                "CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC\nSELECT CASE WHEN x > 0 THEN 1 ELSE 2 END;\n  SELECT x;\nEND",
                "CREATE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END",
                "BEGIN",
                "SELECT 1",
                "END",
            ]
        );
    }

    #[test]
    fn meta_commands_and_offsets() {
        let sql = "\\restrict abc\nCREATE TABLE t (id int);\n\n  SELECT 2\n\\unrestrict abc\n";
        let pieces = split(sql).unwrap();
        assert_eq!(
            pieces[0],
            Piece::Meta {
                text: "\\restrict abc",
                start: 0
            }
        );
        let Piece::Statement { text, start } = pieces[2] else {
            panic!("{pieces:?}")
        };
        assert_eq!((text, line_of(sql, start)), ("SELECT 2", 4));
        assert!(matches!(
            pieces[3],
            Piece::Meta {
                text: "\\unrestrict abc",
                ..
            }
        ));
        assert_eq!(pieces.len(), 4);
    }

    #[test]
    fn comment_only_and_empty_statements_vanish() {
        assert!(statements("-- nothing\n;;  /* x */ ;").is_empty());
        assert_eq!(statements("SELECT 1 -- trailing"), ["SELECT 1 -- trailing"]);
    }

    #[test]
    fn what_is_left_open_is_an_error_naming_where_it_starts() {
        let cases = [
            (
                "CREATE TABLE t1 (id int);\n/* x\nCREATE TABLE t2 (id int);",
                Construct::BlockComment,
                2,
            ),
            (
                "SELECT 1;\n/* a /* nested */ still open\n",
                Construct::BlockComment,
                2,
            ),
            ("SELECT 1;\nSELECT 'x;\nSELECT 2;", Construct::String, 2),
            ("SELECT E'x\\';\nSELECT 2;", Construct::String, 1),
            ("SELECT 1;\n\nSELECT \"a;", Construct::QuotedIdentifier, 3),
            (
                "DO $body$ BEGIN\nEND $$;",
                Construct::DollarQuote("$body$".into()),
                1,
            ),
        ];
        for (text, construct, line) in cases {
            let err = split(text).unwrap_err();
            assert_eq!((&err.construct, err.line), (&construct, line), "{text}");
            assert!(err.to_string().starts_with("unterminated "), "{err}");
        }
        // Closed ones, and a comment running to the end as a line comment, are fine.
        assert!(split("SELECT 1; -- it's open'").is_ok());
        assert!(split("SELECT $1, a$b, '$$' FROM t /* ' */;").is_ok());
    }
}
