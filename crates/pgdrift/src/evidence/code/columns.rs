//! The schema's column names, looked for in the files that reference their table: a word
//! hash of every column name (as written, and in camelCase for snake_case names, as ORMs
//! name fields: `created_at` → `createdAt`), so one pass over a file's words finds them
//! all. A column counts as referenced in a file that references its table and names it.

use super::names::is_word;
use rustc_hash::FxHashMap;

/// The columns looked for, by table.
#[derive(Debug, Default)]
pub struct Columns {
    /// Distinct column names; a column's id is its index here.
    names: Vec<String>,
    /// Per table (in the order of `Names::tables`): its columns' ids.
    by_table: Vec<Vec<u32>>,
    /// Each form of each name, to its id.
    words: FxHashMap<Box<[u8]>, u32>,
}

impl Columns {
    /// `by_table[i]`: the column names of the i-th table.
    pub fn new(by_table: Vec<Vec<String>>) -> Columns {
        let mut c = Columns::default();
        let mut ids: FxHashMap<String, u32> = FxHashMap::default();
        for columns in by_table {
            let mut mine = Vec::with_capacity(columns.len());
            for name in columns {
                let next = ids.len() as u32;
                let id = *ids.entry(name.clone()).or_insert(next);
                if id == next {
                    for form in forms(&name) {
                        c.words
                            .entry(form.into_bytes().into_boxed_slice())
                            .or_insert(id);
                    }
                    c.names.push(name);
                }
                mine.push(id);
            }
            c.by_table.push(mine);
        }
        c
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The column name of `id`.
    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    /// The columns of the table at `table` (as `Names` numbers tables).
    pub fn of_table(&self, table: u32) -> &[u32] {
        self.by_table.get(table as usize).map_or(&[], |v| v)
    }

    /// The first offset of every column name `text` holds as a whole word.
    pub fn find(&self, text: &[u8]) -> FxHashMap<u32, usize> {
        let mut first: FxHashMap<u32, usize> = FxHashMap::default();
        let (mut i, n) = (0usize, text.len());
        while !self.words.is_empty() && i < n {
            while i < n && !is_word(text[i]) {
                i += 1;
            }
            let start = i;
            while i < n && is_word(text[i]) {
                i += 1;
            }
            if let Some(&id) = self.words.get(&text[start..i]) {
                first.entry(id).or_insert(start);
            }
        }
        first
    }
}

/// How code may write a column's name: as it is, and `camelCase` for a `snake_case` name.
fn forms(name: &str) -> Vec<String> {
    let mut out = vec![name.to_string()];
    if name.contains('_')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        let mut camel = String::with_capacity(name.len());
        let mut upper = false;
        for ch in name.chars() {
            match ch {
                '_' if !camel.is_empty() => upper = true,
                '_' => camel.push('_'),
                c if upper => {
                    camel.push(c.to_ascii_uppercase());
                    upper = false;
                }
                c => camel.push(c),
            }
        }
        if camel != name {
            out.push(camel);
        }
    }
    out.retain(|f| !f.is_empty() && f.bytes().all(is_word));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_is_found_as_written_or_in_camel_case() {
        let c = Columns::new(vec![
            vec!["id".into(), "created_at".into()],
            vec!["id".into(), "email".into()],
        ]);
        assert_eq!(c.of_table(1), [0, 2]);
        let found = c.find(b"row.createdAt; emails; email; id");
        let mut names: Vec<(&str, usize)> = found.iter().map(|(&i, &at)| (c.name(i), at)).collect();
        names.sort();
        assert_eq!(names, [("created_at", 4), ("email", 23), ("id", 30)]);
    }
}
