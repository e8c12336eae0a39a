//! Leaving objects out of a comparison by name (`--exclude`): a glob over object names,
//! matched against both the bare name and the schema-qualified one. Excluding a table
//! excludes what lives on it (columns, constraints, indexes, triggers, policies).

use crate::model::Catalog;

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
        let x = |s: &str, n: &str| self.excludes(s, n);
        catalog.schemas.retain(|_, o| !x(&o.name, &o.name));
        catalog.extensions.retain(|_, o| !x(&o.schema, &o.name));
        catalog.types.retain(|_, o| !x(&o.schema, &o.name));
        catalog.sequences.retain(|_, o| !x(&o.schema, &o.name));
        catalog.tables.retain(|_, o| !x(&o.schema, &o.name));
        catalog.views.retain(|_, o| !x(&o.schema, &o.name));
        let tables = |s: &str, t: &str| x(s, t);
        catalog
            .constraints
            .retain(|_, o| !x(&o.schema, &o.name) && !tables(&o.schema, &o.table));
        catalog
            .indexes
            .retain(|_, o| !x(&o.schema, &o.name) && !tables(&o.schema, &o.table));
        catalog
            .triggers
            .retain(|_, o| !x(&o.schema, &o.name) && !tables(&o.schema, &o.table));
        catalog
            .policies
            .retain(|_, o| !x(&o.schema, &o.name) && !tables(&o.schema, &o.table));
        catalog.functions.retain(|_, o| !x(&o.schema, &o.name));
        catalog.operators.retain(|_, o| !x(&o.schema, &o.name));
    }
}

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
