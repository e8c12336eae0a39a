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
    automaton: Option<(AhoCorasick, Vec<u32>)>,
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
        let automaton = (!others.is_empty()).then(|| {
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&others)
                .expect("an automaton over table names");
            (ac, other_ids)
        });
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
        for m in automaton.find_iter(text) {
            let (start, end) = (m.start(), m.end());
            let before = start.checked_sub(1).map(|i| text[i]);
            if before.is_some_and(is_word) || text.get(end).copied().is_some_and(is_word) {
                continue;
            }
            hit(start, ids[m.pattern().as_usize()]);
        }
    }
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
