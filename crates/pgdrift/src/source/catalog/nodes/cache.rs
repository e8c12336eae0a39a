//! Deparsed expressions remembered by their node tree less its `:location` fields (source
//! positions, the only part that differs between copies of one expression): catalogs repeat
//! the same defaults, checks and index expressions over many tables, and column references
//! are still numbers at this stage, so one deparse serves every copy.

use super::{client_text, Names};
use memchr::memmem::Finder;
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::Hasher;
use std::sync::LazyLock;

/// At most this many trees' bytes are kept (the cache only pays on repeats).
const MAX_BYTES: usize = 8 << 20;

#[derive(Debug, Default)]
pub(crate) struct Cache {
    by_hash: FxHashMap<u64, Vec<(String, Option<String>)>>,
    bytes: usize,
}

impl Cache {
    /// `client_text(tree)`, from the cache when an equal tree was deparsed before.
    pub(crate) fn deparse(&mut self, tree: &str, names: &Names) -> Option<String> {
        let hash = hash_without_locations(tree);
        if let Some(bucket) = self.by_hash.get(&hash) {
            if let Some((_, text)) = bucket
                .iter()
                .find(|(seen, _)| same_without_locations(seen, tree))
            {
                return text.clone();
            }
        }
        let text = client_text(tree, names);
        if self.bytes + tree.len() <= MAX_BYTES {
            self.bytes += tree.len();
            self.by_hash
                .entry(hash)
                .or_default()
                .push((tree.to_string(), text.clone()));
        }
        text
    }
}

/// The pieces of `tree` between `:location N` values.
fn pieces(tree: &str) -> impl Iterator<Item = &[u8]> {
    static LOCATION: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(":location "));
    let b = tree.as_bytes();
    let mut at = 0;
    let mut ends = LOCATION.find_iter(b).chain(std::iter::once(b.len()));
    std::iter::from_fn(move || {
        let end = ends.next()?;
        let piece = &b[at.min(end)..end];
        // Past the number that follows.
        at = end + ":location ".len();
        while at < b.len() && (b[at] == b'-' || b[at].is_ascii_digit()) {
            at += 1;
        }
        Some(piece)
    })
}

fn hash_without_locations(tree: &str) -> u64 {
    let mut h = FxHasher::default();
    for piece in pieces(tree) {
        h.write(piece);
        h.write_u8(0xff);
    }
    h.finish()
}

fn same_without_locations(a: &str, b: &str) -> bool {
    let (mut pa, mut pb) = (pieces(a), pieces(b));
    loop {
        match (pa.next(), pb.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x == y => continue,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trees_differing_only_in_locations_are_the_same() {
        let a = "{OPEXPR :opno 96 :args ({VAR :varattno 2 :location 7} {CONST :location 12}) :location 9}";
        let b = "{OPEXPR :opno 96 :args ({VAR :varattno 2 :location 70} {CONST :location -1}) :location 91}";
        let c = "{OPEXPR :opno 96 :args ({VAR :varattno 3 :location 7} {CONST :location 12}) :location 9}";
        assert!(same_without_locations(a, b));
        assert_eq!(hash_without_locations(a), hash_without_locations(b));
        assert!(!same_without_locations(a, c));
        assert!(!same_without_locations(a, "{OPEXPR :opno 96}"));
    }
}
