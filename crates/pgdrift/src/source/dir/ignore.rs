//! Ignore globs: entries of a migrations directory that are neither migrations nor errors
//! (`--ignore '*.sql.old'`, `ignore = ["*.old"]` beside a role in pgdrift.toml). A pattern
//! is matched against an entry's path relative to the directory and against its bare name;
//! `*` and `?` stop at `/`, `**` crosses directories, `[abc]` and `{a,b}` work as in shells.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// The ignore globs of one directory (none by default).
#[derive(Debug, Clone, Default)]
pub struct Ignore {
    patterns: Vec<String>,
    set: GlobSet,
}

/// Equal when the same patterns were given, in the same order.
impl PartialEq for Ignore {
    fn eq(&self, other: &Ignore) -> bool {
        self.patterns == other.patterns
    }
}

impl Eq for Ignore {}

/// A pattern that is not a glob.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("ignore pattern {pattern:?} is not a valid glob: {reason}")]
pub struct IgnoreError {
    pub pattern: String,
    pub reason: String,
}

impl Ignore {
    /// Ignores nothing.
    pub fn none() -> Ignore {
        Ignore::default()
    }

    /// Ignores entries matching any of `patterns`.
    pub fn new<S: AsRef<str>>(
        patterns: impl IntoIterator<Item = S>,
    ) -> Result<Ignore, IgnoreError> {
        let mut builder = GlobSetBuilder::new();
        let mut kept = Vec::new();
        for pattern in patterns {
            let pattern = pattern.as_ref();
            let fault = |reason: String| IgnoreError {
                pattern: pattern.to_string(),
                reason,
            };
            if pattern.trim().is_empty() {
                return Err(fault("it is empty".into()));
            }
            let glob = GlobBuilder::new(pattern)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map_err(|e| fault(e.kind().to_string()))?;
            builder.add(glob);
            kept.push(pattern.to_string());
        }
        let set = builder.build().map_err(|e| IgnoreError {
            pattern: kept.join(", "),
            reason: e.to_string(),
        })?;
        Ok(Ignore {
            patterns: kept,
            set,
        })
    }

    /// The patterns, as given.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// True when the entry at `rel` (its path relative to the directory, `/`-separated) is
    /// ignored: the pattern matches `rel` or its last component. A directory also matches
    /// as `rel/`.
    pub fn matches(&self, rel: &str, is_dir: bool) -> bool {
        if self.patterns.is_empty() {
            return false;
        }
        let name = rel.rsplit('/').next().unwrap_or(rel);
        self.set.is_match(rel)
            || self.set.is_match(name)
            || (is_dir && self.set.is_match(format!("{rel}/")))
    }
}

/// The `--ignore` pattern to suggest for a stray file: `*.old` for `002_x.sql.old`, the
/// file's own name when its extension is `.sql` or it has none (so that no migration is
/// caught by it), shell-quoted.
pub fn suggestion(name: &str) -> String {
    let pattern = match name.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty() && !ext.is_empty() && !ext.eq_ignore_ascii_case("sql") =>
        {
            format!("*.{ext}")
        }
        _ => escape_glob(name),
    };
    crate::report::shell::single_quoted(&pattern)
}

/// `name` as a glob that matches only itself.
fn escape_glob(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if "*?[]{}\\".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_names_and_relative_paths() {
        let ignore = Ignore::new(["*.old", "drafts/*.sql", "tmp"]).unwrap();
        assert!(ignore.matches("002_x.sql.old", false));
        assert!(ignore.matches("sub/002_x.sql.old", false));
        assert!(ignore.matches("drafts/a.sql", false));
        assert!(!ignore.matches("a.sql", false));
        assert!(!ignore.matches("x/drafts/a.sql", false));
        assert!(ignore.matches("tmp", true));
        assert!(Ignore::new(["old/"]).unwrap().matches("old", true));
        assert!(Ignore::new(["drafts/**"]).unwrap().matches("drafts", true));
        assert!(!Ignore::none().matches("anything", false));
    }

    #[test]
    fn bad_patterns_are_named() {
        let err = Ignore::new(["ok", "a[b"]).unwrap_err();
        assert_eq!(err.pattern, "a[b");
        assert!(err.to_string().contains("\"a[b\""), "{err}");
        assert!(Ignore::new([" "]).is_err());
    }

    #[test]
    fn suggestions_never_catch_migrations() {
        assert_eq!(suggestion("002_x.sql.old"), "'*.old'");
        assert_eq!(suggestion("notes.txt"), "'*.txt'");
        assert_eq!(suggestion("v1__x.sql"), "'v1__x.sql'");
        assert_eq!(suggestion("Makefile"), "'Makefile'");
        assert_eq!(suggestion("it's[1].sql"), r"'it'\''s\[1\].sql'");
        assert_eq!(
            Ignore::new(["it's\\[1\\].sql"]).unwrap().patterns().len(),
            1
        );
        assert!(Ignore::new(["it's\\[1\\].sql"])
            .unwrap()
            .matches("it's[1].sql", false));
    }
}
