//! The schema's table names, found in text in one pass. Text is cut into words (runs of
//! letters, digits, `_` and non-ASCII bytes), and each word of a name's length is looked up
//! in a hash of every name (as written, and in capitals, as SQL sometimes is), so a name
//! matches only as a whole word; the rare names with other characters (`$`, `-`, spaces)
//! are found by an Aho-Corasick automaton over those alone. A `schema.` before a name picks
//! the table of that schema when several share the name.

use super::columns::Columns;
use crate::model::QualName;
use aho_corasick::{AhoCorasick, MatchKind};
use rustc_hash::FxHashMap;

/// The tables looked for.
#[derive(Debug)]
pub struct Names {
    tables: Vec<QualName>,
    /// Per pattern: the tables of that name.
    by_pattern: Vec<Vec<u32>>,
    /// Tables by name as written (for names that patterns capture).
    by_name: FxHashMap<String, Vec<u32>>,
    /// Names that are one word, to their pattern.
    words: FxHashMap<Box<[u8]>, u32>,
    /// The shortest and longest such name, in bytes.
    lengths: (usize, usize),
    /// The other names, and their patterns.
    automaton: Option<(Matcher, Vec<u32>)>,
    /// The tables' columns, when they are looked for too.
    columns: Columns,
}

/// Bytes that continue a word: ASCII letters and digits, `_`, and any non-ASCII byte.
const WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
        b += 1;
    }
    t
};

/// A byte that continues a word (so a name next to it is part of a longer word).
pub fn is_word(b: u8) -> bool {
    WORD[b as usize]
}

impl Names {
    /// The lookup over `tables`' names.
    pub fn new(tables: Vec<QualName>) -> Names {
        let mut by_name: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        for (i, t) in tables.iter().enumerate() {
            by_name.entry(t.name.clone()).or_default().push(i as u32);
        }
        let mut names: Vec<&String> = by_name.keys().collect();
        names.sort();
        let mut by_pattern: Vec<Vec<u32>> = Vec::new();
        let mut words: FxHashMap<Box<[u8]>, u32> = FxHashMap::default();
        let (mut others, mut other_ids) = (Vec::new(), Vec::new());
        let mut lengths = (usize::MAX, 0);
        for name in names {
            let upper = name.to_ascii_uppercase();
            let mut forms = vec![name.clone()];
            if upper != *name && !by_name.contains_key(&upper) {
                forms.push(upper);
            }
            for form in forms {
                let id = by_pattern.len() as u32;
                by_pattern.push(by_name[name].clone());
                if !form.is_empty() && form.bytes().all(is_word) {
                    lengths = (lengths.0.min(form.len()), lengths.1.max(form.len()));
                    words.insert(form.into_bytes().into_boxed_slice(), id);
                } else if !form.is_empty() {
                    others.push(form);
                    other_ids.push(id);
                }
            }
        }
        let automaton = (!others.is_empty()).then(|| (Matcher::new(others), other_ids));
        Names {
            tables,
            by_pattern,
            by_name,
            words,
            lengths,
            automaton,
            columns: Columns::default(),
        }
    }

    /// The lookup over `tables`' names that also looks for their columns: `columns[i]`
    /// holds the column names of `tables[i]`.
    pub fn with_columns(tables: Vec<QualName>, columns: Vec<Vec<String>>) -> Names {
        let mut names = Names::new(tables);
        names.columns = Columns::new(columns);
        names
    }

    pub fn columns(&self) -> &Columns {
        &self.columns
    }

    pub fn tables(&self) -> &[QualName] {
        &self.tables
    }

    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    /// The tables a captured name means: `schema.name` or `name`, quoted or not; an
    /// unquoted name in SQL (`fold`) is folded to lower case as PostgreSQL does.
    pub fn lookup(&self, text: &str, fold: bool) -> Vec<u32> {
        let part = |p: &str| match p.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
            Some(quoted) => quoted.to_string(),
            None if fold => p.to_ascii_lowercase(),
            None => p.to_string(),
        };
        let (schema, name) = match text.split_once('.') {
            Some((s, n)) => (Some(part(s)), part(n)),
            None => (None, part(text)),
        };
        let Some(ids) = self.by_name.get(&name) else {
            return Vec::new();
        };
        self.narrow(ids, schema.as_deref())
    }

    /// `ids` narrowed to `schema`'s table when one of them is in it.
    fn narrow(&self, ids: &[u32], schema: Option<&str>) -> Vec<u32> {
        let in_schema: Vec<u32> = (ids.iter().copied())
            .filter(|&i| Some(self.tables[i as usize].schema.as_str()) == schema)
            .collect();
        match in_schema.is_empty() {
            true => ids.to_vec(),
            false => in_schema,
        }
    }

    /// Every whole-word occurrence of a table's name in `text`: its offset and tables.
    pub fn find(&self, text: &[u8], mut found: impl FnMut(usize, Vec<u32>)) {
        let mut hit = |start: usize, pattern: u32| {
            let ids = &self.by_pattern[pattern as usize];
            let schema = qualifier(&text[..start]);
            found(start, self.narrow(ids, schema.as_deref()));
        };
        let (shortest, longest) = self.lengths;
        let (mut i, n) = (0usize, text.len());
        while !self.words.is_empty() && i < n {
            while i < n && !WORD[text[i] as usize] {
                i += 1;
            }
            let start = i;
            while i < n && WORD[text[i] as usize] {
                i += 1;
            }
            let len = i - start;
            if len >= shortest && len <= longest {
                if let Some(&pattern) = self.words.get(&text[start..i]) {
                    hit(start, pattern);
                }
            }
        }
        let Some((automaton, ids)) = &self.automaton else {
            return;
        };
        for (start, end, pattern) in automaton.matches(text) {
            let before = start.checked_sub(1).map(|i| text[i]);
            if before.is_some_and(is_word) || text.get(end).copied().is_some_and(is_word) {
                continue;
            }
            hit(start, ids[pattern]);
        }
    }
}

/// Finds the names that are not plain words: with an Aho-Corasick automaton, or — should
/// the automaton refuse the patterns (past its size limits) — one pattern at a time, with the
/// same leftmost-longest matches.
#[derive(Debug)]
enum Matcher {
    Automaton(AhoCorasick),
    OneByOne(Vec<String>),
}

impl Matcher {
    fn new(patterns: Vec<String>) -> Matcher {
        match AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
        {
            Ok(ac) => Matcher::Automaton(ac),
            Err(_) => Matcher::OneByOne(patterns),
        }
    }

    /// `(start, end, pattern)` of every match, left to right, not overlapping.
    fn matches(&self, text: &[u8]) -> Vec<(usize, usize, usize)> {
        match self {
            Matcher::Automaton(ac) => (ac.find_iter(text))
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect(),
            Matcher::OneByOne(patterns) => leftmost_longest(text, patterns),
        }
    }
}

fn leftmost_longest(text: &[u8], patterns: &[String]) -> Vec<(usize, usize, usize)> {
    let mut all: Vec<(usize, usize, usize)> = Vec::new();
    for (p, pattern) in patterns.iter().enumerate() {
        for start in memchr::memmem::find_iter(text, pattern.as_bytes()) {
            all.push((start, start + pattern.len(), p));
        }
    }
    // Leftmost first, and of those the longest.
    all.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    for m in all {
        if out.last().is_none_or(|last| m.0 >= last.1) {
            out.push(m);
        }
    }
    out
}

/// The schema written just before a name (`app.` or `"app".`), if any.
fn qualifier(before: &[u8]) -> Option<String> {
    let rest = before.strip_suffix(b".")?;
    let rest = rest.strip_suffix(b"\"").map_or(rest, |r| r);
    let start = rest.iter().rposition(|&b| !is_word(b)).map_or(0, |i| i + 1);
    let word = &rest[start..];
    (!word.is_empty()).then(|| String::from_utf8_lossy(word).to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fallback_finds_what_the_automaton_finds() {
        let patterns: Vec<String> = ["user-data", "user-data-v2", "a b", "x$y"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let text = b"read user-data-v2 and user-data, then a b and x$y x$ya b";
        let ac = Matcher::new(patterns.clone()).matches(text);
        assert!(matches!(
            Matcher::new(patterns.clone()),
            Matcher::Automaton(_)
        ));
        assert_eq!(leftmost_longest(text, &patterns), ac);
        assert_eq!(ac.len(), 6);
    }

    #[test]
    fn names_are_found_as_whole_words_and_qualified_names_pick_their_schema() {
        let names = Names::new(vec![
            QualName::new("public", "users"),
            QualName::new("app", "users"),
            QualName::new("public", "user_sessions"),
            QualName::new("public", "odd-name"),
        ]);
        let mut hits = Vec::new();
        let text = b"users user_sessions xusers users_x app.users SELECT * FROM USERS \"odd-name\"";
        names.find(text, |at, ids| hits.push((at, ids)));
        assert_eq!(
            hits,
            [
                (0, vec![0, 1]),
                (6, vec![2]),
                (39, vec![1]),
                (59, vec![0, 1]),
                (66, vec![3])
            ]
        );
        assert_eq!(names.lookup("\"app\".\"users\"", true), [1]);
        assert_eq!(names.lookup("Users", true), [0, 1]);
        assert!(names.lookup("Users", false).is_empty());
    }
}
