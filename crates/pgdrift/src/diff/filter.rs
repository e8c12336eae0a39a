//! Leaving objects out of a comparison by name (`--exclude`): a glob over object names,
//! matched against both the bare name and the schema-qualified one. Excluding a table
//! excludes what lives on it (columns, constraints, indexes, triggers, policies) and the
//! sequences its columns own. `retain` and `visit` walk every keyed kind of the registry by
//! the objects' places, for this filter and for leaving tool-owned objects out.

pub use crate::model::Place;
use crate::model::{with_kinds, Catalog, Placed};

/// Objects to leave out of a comparison.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Glob patterns (`*` any run of characters, `?` one character) over object names.
    pub exclude: Vec<String>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.exclude.is_empty()
    }

    /// True when `schema.name` (or `name`) matches an exclusion pattern.
    pub fn excludes(&self, schema: &str, name: &str) -> bool {
        self.exclude.iter().any(|p| {
            glob_match(p, name) || (p.contains('.') && glob_match(p, &format!("{schema}.{name}")))
        })
    }

    /// Removes the excluded objects from `catalog`.
    pub fn apply(&self, catalog: &mut Catalog) {
        if self.is_empty() {
            return;
        }
        retain(catalog, |p| {
            !self.excludes(p.schema, p.name) && !p.table.is_some_and(|(s, t)| self.excludes(s, t))
        });
    }
}

macro_rules! walks {
    (
        [$($a:ident: $af:ident: $ak:ty => $at:ty, $a1:literal, $an:literal, $ap:ident;)*]
        $col:ident: $c1:literal, $cn:literal, $cp:ident;
        [$($b:ident: $bf:ident: $bk:ty => $bt:ty, $b1:literal, $bn:literal, $bp:ident;)*]
    ) => {
        /// Keeps the objects of every kind of `catalog` whose place `keep` accepts (a table's
        /// columns go with their table).
        pub fn retain(catalog: &mut Catalog, keep: impl Fn(&Place<'_>) -> bool) {
            $(catalog.$af.retain(|_, o| keep(&o.place()));)*
            $(catalog.$bf.retain(|_, o| keep(&o.place()));)*
        }

        /// Calls `f` with the place of every object of every keyed kind of `catalog`.
        pub fn visit(catalog: &Catalog, mut f: impl FnMut(&Place<'_>)) {
            $(catalog.$af.values().for_each(|o| f(&o.place()));)*
            $(catalog.$bf.values().for_each(|o| f(&o.place()));)*
        }
    };
}
with_kinds!(walks);

/// Matches `text` against a glob: `*` is any run of characters, `?` any one character,
/// everything else itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Greedy matching with backtracking to the last star: linear in practice.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("tmp_*", "tmp_x"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "ac"));
        assert!(glob_match("*_old*", "users_old_2"));
        assert!(!glob_match("users", "users2"));
        assert!(glob_match("app.*", "app.users"));
    }

    #[test]
    fn qualified_patterns_match_qualified_names() {
        let f = Filter {
            exclude: vec!["audit.*".into(), "tmp_*".into()],
        };
        assert!(f.excludes("audit", "log"));
        assert!(!f.excludes("app", "log"));
        assert!(f.excludes("app", "tmp_1"));
    }
}
