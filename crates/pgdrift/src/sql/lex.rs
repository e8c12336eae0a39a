//! Tokens of one SQL statement, as PostgreSQL's scanner sees them: keywords and unquoted
//! names folded to lower case, quoted names as written, string and dollar-quoted literals,
//! numbers, and punctuation; comments and blanks skipped. Enough to read what a statement
//! does (the migration lint reads its verbs, names and options) without a full grammar.
//! Never fails: text the scanner does not know becomes punctuation, an unclosed quote ends
//! the statement.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A keyword or an unquoted name, folded to lower case.
    Word,
    /// A `"quoted"` name, as written (`""` read as `"`).
    Quoted,
    /// A string constant (`'...'`, `E'...'`, `$tag$...$tag$`), without its quotes.
    String,
    Number,
    /// One character of punctuation or of an operator: `(`, `)`, `,`, `.`, `=`, `;`, `:`.
    Punct(char),
}

/// One token and where it starts in the statement (a byte offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub text: String,
    pub start: usize,
}

impl Token {
    /// True for the unquoted word `word` (lower case).
    pub fn is(&self, word: &str) -> bool {
        self.kind == TokenKind::Word && self.text == word
    }

    /// True for a name: a word or a quoted name.
    pub fn is_name(&self) -> bool {
        matches!(self.kind, TokenKind::Word | TokenKind::Quoted)
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.kind == TokenKind::Punct(c)
    }
}

/// The tokens of `text`.
pub fn tokens(text: &str) -> Vec<Token> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'-' && b.get(i + 1) == Some(&b'-') {
            i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = after_block_comment(b, i);
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else {
            let (kind, text, next) = token_at(text, i);
            out.push(Token {
                kind,
                text,
                start: i,
            });
            i = next;
        }
    }
    out
}

/// The token that starts at `i` (not a blank or a comment), and the offset after it.
fn token_at(text: &str, i: usize) -> (TokenKind, String, usize) {
    let b = text.as_bytes();
    match b[i] {
        b'\'' => {
            let (v, n) = quoted(text, i, b'\'');
            (TokenKind::String, v, n)
        }
        b'"' => {
            let (v, n) = quoted(text, i, b'"');
            (TokenKind::Quoted, v, n)
        }
        b'$' => match dollar(text, i) {
            Some((v, n)) => (TokenKind::String, v, n),
            None => (TokenKind::Punct('$'), "$".into(), i + 1),
        },
        c if c.is_ascii_digit() => {
            let n = scan(b, i, |c| {
                c.is_ascii_alphanumeric() || c == b'.' || c == b'_'
            });
            (TokenKind::Number, text[i..n].to_string(), n)
        }
        c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
            let n = scan(b, i, |c| {
                c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
            });
            // E'...', U&'...' and the like: the prefix belongs to the string.
            if b.get(n) == Some(&b'\'') && n - i == 1 {
                let (v, m) = quoted(text, n, b'\'');
                (TokenKind::String, v, m)
            } else {
                (TokenKind::Word, text[i..n].to_lowercase(), n)
            }
        }
        _ => {
            let ch = text[i..].chars().next().unwrap_or(' ');
            (TokenKind::Punct(ch), ch.to_string(), i + ch.len_utf8())
        }
    }
}

fn scan(b: &[u8], from: usize, keep: impl Fn(u8) -> bool) -> usize {
    let mut n = from;
    while n < b.len() && keep(b[n]) {
        n += 1;
    }
    n
}

/// The text between quotes `q` starting at `at` (doubled quotes read as one, backslashes
/// kept), and the offset after the closing quote (the end when unclosed).
fn quoted(text: &str, at: usize, q: u8) -> (String, usize) {
    let b = text.as_bytes();
    let mut i = at + 1;
    let mut value = Vec::new();
    while i < b.len() {
        if b[i] == q {
            if b.get(i + 1) == Some(&q) {
                value.push(q);
                i += 2;
                continue;
            }
            return (String::from_utf8_lossy(&value).into_owned(), i + 1);
        }
        value.push(b[i]);
        i += 1;
    }
    (String::from_utf8_lossy(&value).into_owned(), b.len())
}

/// A dollar-quoted string at `at` (`$$...$$`, `$tag$...$tag$`): its body and the offset
/// after it; `None` when `$` starts no tag (a parameter, `$1`).
fn dollar(text: &str, at: usize) -> Option<(String, usize)> {
    let b = text.as_bytes();
    let end = scan(b, at + 1, |c| c.is_ascii_alphanumeric() || c == b'_');
    if b.get(end) != Some(&b'$') || b.get(at + 1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let tag = &text[at..=end];
    let body = end + 1;
    match text[body..].find(tag) {
        Some(n) => Some((text[body..body + n].to_string(), body + n + tag.len())),
        None => Some((text[body..].to_string(), text.len())),
    }
}

/// The offset after the (nested) block comment at `at`; the end when unclosed.
fn after_block_comment(b: &[u8], at: usize) -> usize {
    let (mut depth, mut i) = (0usize, at);
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
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, String)> {
        tokens(text).into_iter().map(|t| (t.kind, t.text)).collect()
    }

    #[test]
    fn words_fold_quotes_keep_and_comments_vanish() {
        let t =
            kinds("ALTER /* x /* nested */ */ TABLE \"My \"\"T\"\"\" -- c\n ADD e'it''s' 12.5;");
        let w = |s: &str| (TokenKind::Word, s.to_string());
        assert_eq!(
            t,
            vec![
                w("alter"),
                w("table"),
                (TokenKind::Quoted, "My \"T\"".into()),
                w("add"),
                (TokenKind::String, "it's".into()),
                (TokenKind::Number, "12.5".into()),
                (TokenKind::Punct(';'), ";".into()),
            ]
        );
        let d = kinds("select $f$ a 'b' $f$, $1, ñame");
        assert_eq!(d[1], (TokenKind::String, " a 'b' ".into()));
        assert_eq!(d[3], (TokenKind::Punct('$'), "$".into()));
        assert_eq!(d[4], (TokenKind::Number, "1".into()));
        assert_eq!(d[6], (TokenKind::Word, "ñame".into()));
    }

    #[test]
    fn odd_input_never_panics() {
        for text in [
            "'unclosed",
            "\"x",
            "$a$ never",
            "/* open",
            "--",
            "$",
            "é'",
            "\u{0}",
        ] {
            let _ = tokens(text);
        }
        assert_eq!(tokens("  ").len(), 0);
    }
}
