//! Leaving objects out of a comparison by name (`--exclude`): a glob over object names,
//! matched against both the bare name and the schema-qualified one. Excluding a table
//! excludes what lives on it (columns, constraints, indexes, triggers, policies) and the
//! sequences its columns own. `retain` and `visit` walk every kind of a catalog by the
//! objects' places, for this filter and for leaving tool-owned objects out.

use crate::model::{Catalog, Kind};

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

/// Where an object lives, as filters see it: its kind, schema and name, and the table it
/// lives on (constraints, indexes, triggers, policies) or belongs to (a sequence `OWNED BY`
/// a column).
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub kind: Kind,
    /// The schema; a schema's own place has its name here and in `name`.
    pub schema: &'a str,
    pub name: &'a str,
    /// `(schema, table)` of the table the object lives on or belongs to.
    pub table: Option<(&'a str, &'a str)>,
}

impl<'a> Place<'a> {
    fn top(kind: Kind, schema: &'a str, name: &'a str) -> Self {
        Place {
            kind,
            schema,
            name,
            table: None,
        }
    }

    fn on(kind: Kind, schema: &'a str, name: &'a str, table: &'a str) -> Self {
        Place {
            kind,
            schema,
            name,
            table: Some((schema, table)),
        }
    }
}

/// Calls `$each!(field, o => place)` for every kind of the catalog: the map's field and how an
/// object of it finds its place. The one list that `retain` and `visit` walk.
macro_rules! each_kind {
    ($each:ident) => {
        $each!(schemas, o => Place::top(
            Kind::Schema,
            &o.name,
            &o.name
        ));
        $each!(extensions, o => Place::top(
            Kind::Extension,
            &o.schema,
            &o.name
        ));
        $each!(types, o => Place::top(
            Kind::Type,
            &o.schema,
            &o.name
        ));
        $each!(sequences, o => Place {
            table: o
                .owned_by
                .as_ref()
                .map(|c| (c.schema.as_str(), c.table.as_str())),
            ..Place::top(Kind::Sequence, &o.schema, &o.name)
        });
        $each!(tables, o => Place::top(
            Kind::Table,
            &o.schema,
            &o.name
        ));
        $each!(views, o => Place::top(
            Kind::View,
            &o.schema,
            &o.name
        ));
        $each!(constraints, o => Place::on(
            Kind::Constraint,
            &o.schema,
            &o.name,
            &o.table
        ));
        $each!(indexes, o => Place::on(
            Kind::Index,
            &o.schema,
            &o.name,
            &o.table
        ));
        $each!(triggers, o => Place::on(
            Kind::Trigger,
            &o.schema,
            &o.name,
            &o.table
        ));
        $each!(policies, o => Place::on(
            Kind::Policy,
            &o.schema,
            &o.name,
            &o.table
        ));
        $each!(functions, o => Place::top(
            Kind::Function,
            &o.schema,
            &o.name
        ));
        $each!(operators, o => Place::top(
            Kind::Operator,
            &o.schema,
            &o.name
        ));
    };
}

/// Keeps the objects of every kind of `catalog` whose place `keep` accepts.
pub fn retain(catalog: &mut Catalog, keep: impl Fn(&Place<'_>) -> bool) {
    macro_rules! retain_kind {
        ($field:ident, $o:ident => $place:expr) => {
            catalog.$field.retain(|_, $o| keep(&$place));
        };
    }
    each_kind!(retain_kind);
}

/// Calls `f` with the place of every object of every kind of `catalog`.
pub fn visit(catalog: &Catalog, mut f: impl FnMut(&Place<'_>)) {
    macro_rules! visit_kind {
        ($field:ident, $o:ident => $place:expr) => {
            for $o in catalog.$field.values() {
                f(&$place);
            }
        };
    }
    each_kind!(visit_kind);
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
