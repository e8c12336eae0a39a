//! Which function bodies name a relation: each body is lexed (comments skipped, quoted
//! identifiers kept exact, unquoted ones folded to lower case as PostgreSQL does, string
//! literals lexed too, since PL/pgSQL builds dynamic SQL in them), and a relation is named
//! by `schema.name` or by a bare `name`. What names it is reported with its line.

/// One identifier of a body: its folded text, where it starts, and whether a `.` follows.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Word {
    text: String,
    at: usize,
}

/// The identifiers of `body`, in order, with `.` kept as its own word to join names.
fn words(body: &str) -> Vec<Word> {
    let b = body.as_bytes();
    let (mut i, mut out) = (0usize, Vec::new());
    while i < b.len() {
        let c = b[i];
        if c == b'-' && b.get(i + 1) == Some(&b'-') {
            i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len(), |n| i + 2 + n + 2);
        } else if c == b'"' {
            let end = memchr::memchr(b'"', &b[i + 1..]).map_or(b.len(), |n| i + 1 + n);
            out.push(Word {
                text: body[i + 1..end].to_string(),
                at: i,
            });
            i = end + 1;
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$' || b[i] >= 0x80)
            {
                i += 1;
            }
            out.push(Word {
                text: body[start..i].to_lowercase(),
                at: start,
            });
        } else {
            if c == b'.' {
                out.push(Word {
                    text: ".".into(),
                    at: i,
                });
            }
            // Quotes of string literals are passed over: their contents are lexed as code.
            i += 1;
        }
    }
    out
}

/// A body lexed once, to be searched for many relations.
pub struct Lexed<'a> {
    body: &'a str,
    words: Vec<Word>,
}

impl<'a> Lexed<'a> {
    pub fn new(body: &'a str) -> Lexed<'a> {
        Lexed {
            body,
            words: words(body),
        }
    }

    /// The first word (folded), which for a statement is its command.
    pub fn first(&self) -> Option<&str> {
        self.words.first().map(|w| w.text.as_str())
    }

    /// True when the body holds `name` as a word at all (a quick test before [`mentions`]).
    pub fn has(&self, name: &str) -> bool {
        self.words.iter().any(|w| w.text == name)
    }

    /// Each identifier of the body once.
    pub fn distinct(&self) -> impl Iterator<Item = &str> {
        let mut seen = rustc_hash::FxHashSet::default();
        (self.words.iter())
            .map(|w| w.text.as_str())
            .filter(move |w| *w != "." && seen.insert(*w))
    }
}

/// Where `body` names `schema.name` (or a bare `name`): the line of each place, trimmed.
#[cfg(test)]
pub fn mentions_in(body: &str, schema: &str, name: &str) -> Vec<String> {
    mentions(&Lexed::new(body), schema, name)
}

/// Where a lexed body names `schema.name` (or a bare `name`): the line of each place.
pub fn mentions(lexed: &Lexed<'_>, schema: &str, name: &str) -> Vec<String> {
    let (body, w) = (lexed.body, &lexed.words);
    let mut lines: Vec<String> = Vec::new();
    for (k, word) in w.iter().enumerate() {
        if word.text != name {
            continue;
        }
        let qualified = k >= 2 && w[k - 1].text == ".";
        if qualified && w[k - 2].text != schema {
            continue;
        }
        // `name.column`: still the relation (a column of it); `x.name` of another schema: not.
        let line = line_at(body, word.at);
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines
}

/// The line of `body` holding byte `at`, trimmed and cut to 160 characters.
fn line_at(body: &str, at: usize) -> String {
    let start = body[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = body[at..].find('\n').map_or(body.len(), |i| at + i);
    let line = body[start..end].trim();
    match line.char_indices().nth(160) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relation_is_found_by_its_name_not_inside_other_words_or_comments() {
        let body = "BEGIN\n  -- backup_test is old\n  INSERT INTO app.backup_test VALUES (1);\n  \
                    PERFORM 1 FROM other.backup_test;\n  SELECT backup_tests FROM x;\n  \
                    EXECUTE 'DELETE FROM \"backup_test\"';\nEND";
        assert_eq!(
            mentions_in(body, "app", "backup_test"),
            [
                "INSERT INTO app.backup_test VALUES (1);",
                "EXECUTE 'DELETE FROM \"backup_test\"';"
            ]
        );
        assert!(mentions_in("SELECT 1 /* backup_test */", "app", "backup_test").is_empty());
        assert_eq!(
            mentions_in("select * from APP.Backup_Test", "app", "backup_test").len(),
            1
        );
    }
}
