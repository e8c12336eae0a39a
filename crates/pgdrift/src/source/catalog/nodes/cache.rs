//! Deparsed expressions remembered by their node tree less its `:location` fields (source
//! positions, the only part that differs between copies of one expression): catalogs repeat
//! the same defaults, checks and index expressions over many tables, and column references
//! are still numbers at this stage, so one deparse serves every copy.

use super::{client_text, Names};
use memchr::memmem::Finder;
use rustc_hash::FxHashMap;
use std::sync::LazyLock;

/// At most this many trees' bytes are kept (the cache only pays on repeats).
const MAX_BYTES: usize = 8 << 20;

#[derive(Debug, Default)]
pub(crate) struct Cache {
    /// Deparsed text by tree less its locations (`without_locations`).
    seen: FxHashMap<Box<[u8]>, Option<String>>,
    /// The key being looked up (reused, so a hit allocates nothing but the answer).
    key: Vec<u8>,
    bytes: usize,
}

impl Cache {
    /// `client_text(tree)`, from the cache when an equal tree was deparsed before.
    pub(crate) fn deparse(&mut self, tree: &str, names: &Names) -> Option<String> {
        self.key.clear();
        without_locations(tree, &mut self.key);
        if let Some(text) = self.seen.get(self.key.as_slice()) {
            return text.clone();
        }
        let text = client_text(tree, names);
        if self.bytes + self.key.len() <= MAX_BYTES {
            self.bytes += self.key.len();
            self.seen.insert(self.key.as_slice().into(), text.clone());
        }
        text
    }
}

/// Appends `tree` to `out` with every `:location N` field cut out, a 0xff byte (never in
/// UTF-8 text) marking each cut.
fn without_locations(tree: &str, out: &mut Vec<u8>) {
    static LOCATION: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(":location "));
    let b = tree.as_bytes();
    let mut at = 0;
    for found in LOCATION.find_iter(b) {
        if found < at {
            continue;
        }
        out.extend_from_slice(&b[at..found]);
        out.push(0xff);
        // Past the number that follows.
        at = found + ":location ".len();
        while at < b.len() && (b[at] == b'-' || b[at].is_ascii_digit()) {
            at += 1;
        }
    }
    out.extend_from_slice(&b[at..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(tree: &str) -> Vec<u8> {
        let mut out = Vec::new();
        without_locations(tree, &mut out);
        out
    }

    #[test]
    fn trees_differing_only_in_locations_are_the_same() {
        let a = "{OPEXPR :opno 96 :args ({VAR :varattno 2 :location 7} {CONST :location 12}) :location 9}";
        let b = "{OPEXPR :opno 96 :args ({VAR :varattno 2 :location 70} {CONST :location -1}) :location 91}";
        let c = "{OPEXPR :opno 96 :args ({VAR :varattno 3 :location 7} {CONST :location 12}) :location 9}";
        assert_eq!(key(a), key(b));
        assert_ne!(key(a), key(c));
        assert_ne!(key(a), key("{OPEXPR :opno 96}"));
        assert_eq!(
            key(a),
            b"{OPEXPR :opno 96 :args ({VAR :varattno 2 \xff} {CONST \xff}) \xff}".to_vec()
        );
        // A location's value is cut, not what follows it.
        assert_ne!(key("{A :location 1 :x 2}"), key("{A :location 1 :x 3}"));
    }
}
