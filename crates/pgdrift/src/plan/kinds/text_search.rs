//! The user's text search dictionaries (and the recreation rules every text search kind
//! shares). A dictionary's options and comment change in place; a new template drops it and
//! creates it again, with the configurations that map it and what uses those. When a
//! table column or a type uses what would be recreated (a generated column calling
//! `to_tsvector('app.config', ...)`), that cannot be scripted and becomes a manual step. A
//! secret option's value is never written: setting it is a manual step.

use super::super::ddl;
use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::{Decide, Pass};
use super::super::{ManualStep, Step};
use super::skeleton::{planned_basics, PlainCreate, PlainDrop, Planned};
use crate::diff::{field, Change, Op, Pair};
use crate::model::{Kind, Object, QualName, TextSearchDictionary};
use rustc_hash::FxHashSet as HashSet;

/// Fields of a dictionary that change without recreating it.
pub const TS_DICTIONARY_IN_PLACE: &[&str] = &[
    field!(TextSearchDictionary, options),
    field!(TextSearchDictionary, comment),
    field!(TextSearchDictionary, owner),
];

impl Names<'_> {
    /// What a dictionary needs: its schema and its template.
    pub fn ts_dictionary_deps(&self, d: &TextSearchDictionary) -> Vec<Node> {
        let mut out = Vec::new();
        self.ts_schema(&d.schema, &mut out);
        self.ts_template_ref(&d.template, &mut out);
        out
    }

    /// The schema of a text search object, when the catalog has it.
    pub(super) fn ts_schema(&self, schema: &str, out: &mut Vec<Node>) {
        if self.catalog().schemas.contains_key(schema) {
            out.push(Node::Schema(schema.to_string()));
        }
    }
}

impl Planned for TextSearchDictionary {
    planned_basics!(TextSearchDictionary, ts_dictionary_deps);

    fn comment_target(&self) -> String {
        format!(
            "TEXT SEARCH DICTIONARY {}",
            ddl::qn(&self.schema, &self.name)
        )
    }

    /// The options (the recreation pass handles a new template).
    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step> {
        ddl::alter_ts_dictionary(from, to)
            .map(|sql| Step::new(sql, Kind::TextSearchDictionary, Op::Alter, &c.name))
            .into_iter()
            .collect()
    }
}

impl PlainCreate for TextSearchDictionary {
    fn create_sql(&self) -> String {
        ddl::create_ts_dictionary(self)
    }
}

impl PlainDrop for TextSearchDictionary {
    fn drop_sql(&self) -> String {
        ddl::drop_ts_dictionary(self)
    }
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn ts_dictionary(&mut self, c: &Change<'a>, p: Pair<'a, TextSearchDictionary>) {
        match p {
            Pair::Created(x) => {
                self.secret_options(None, x);
                self.create_planned(x, None);
            }
            Pair::Dropped(x) => self.drop_planned(x, Phase::LateDrop, None),
            Pair::Altered { from, to } => {
                let recreated = self.decided.recreate.contains_key(&to.node());
                if from.template != to.template && !recreated {
                    // Left to a manual step: the options are the new template's.
                    return;
                }
                self.secret_options((!recreated).then_some(from), to);
                self.alter_planned(c, from, to);
            }
        }
    }

    /// Recreates dictionary `key` for something it depends on.
    pub(super) fn recreate_ts_dictionary(&mut self, key: &QualName, reason: Option<&str>) {
        let (from, to) = (self.diff.from, self.diff.to);
        if let Some(d) = to.text_search_dictionaries.get(key) {
            self.secret_options(None, d);
        }
        let (a, b) = (&from.text_search_dictionaries, &to.text_search_dictionaries);
        self.recreate_planned(a, b, key, reason);
    }

    /// A manual step for each secret option of `to` that is new or changed since `from`
    /// (`None`: the dictionary is created, every secret option is to be set).
    fn secret_options(&mut self, from: Option<&TextSearchDictionary>, to: &TextSearchDictionary) {
        for o in to.options.iter().filter(|o| o.is_secret()) {
            if from.is_some_and(|f| f.options.contains(o)) {
                continue;
            }
            let reason = format!(
                "option {} looks like a secret and a plan never writes one: set it by hand \
                 (ALTER TEXT SEARCH DICTIONARY {} ({} = '...'))",
                o.name,
                ddl::qn(&to.schema, &to.name),
                crate::sql::Ident(&o.name)
            );
            self.manual(Kind::TextSearchDictionary, to.key().to_string(), reason);
        }
    }
}

impl Decide<'_, '_, '_> {
    /// A text search object whose definition changes (`what`) is dropped and created again
    /// with what depends on it, unless table columns or types use it, directly or through
    /// the configurations recreated with it: then it is a manual step.
    pub(super) fn text_search_seeds(
        &mut self,
        node: Node,
        kind: Kind,
        what: &str,
        seeds: &mut Vec<(Node, String)>,
    ) {
        let users = self.ts_table_users(&node);
        if users.is_empty() {
            seeds.push((node, format!("its {what} changed")));
            return;
        }
        let name = match &node {
            Node::TextSearchDictionary(k)
            | Node::TextSearchConfiguration(k)
            | Node::TextSearchTemplate(k)
            | Node::TextSearchParser(k) => k.to_string(),
            other => format!("{other:?}"),
        };
        let reason = format!(
            "its {what} changed, and it cannot be altered: it must be dropped and created \
             again, but {} use it; create a new one, move what uses it there, then drop \
             this one",
            users.join(", ")
        );
        self.out.manual.push(ManualStep {
            kind,
            object: name,
            reason,
        });
    }

    /// The tables (not dropped) and types that use `node`, directly or through the text
    /// search objects that depend on it.
    fn ts_table_users(&self, node: &Node) -> Vec<String> {
        let mut seen: HashSet<Node> = HashSet::default();
        let mut queue = vec![node.clone()];
        let mut users = Vec::new();
        while let Some(n) = queue.pop() {
            for d in self.dependents().of(&n) {
                if !seen.insert(d.clone()) {
                    continue;
                }
                match &d {
                    Node::Table(t) if !self.dropped_tables.contains(t) => {
                        users.push(format!("table {t}"))
                    }
                    Node::Type(t) if self.in_to(&d) => users.push(format!("type {t}")),
                    Node::TextSearchDictionary(_)
                    | Node::TextSearchConfiguration(_)
                    | Node::TextSearchTemplate(_)
                    | Node::TextSearchParser(_) => queue.push(d),
                    _ => {}
                }
            }
        }
        users
    }
}
