//! The user's text search configurations. Their mappings (the dictionaries of each token
//! type) and comment change in place; a new parser drops the configuration and creates it
//! again, with the indexes and views that name it, or is a manual step when a table column
//! or a type uses it. Created after their parser and the dictionaries they map, dropped
//! before them; indexes, views, generated columns and defaults that name them (in
//! `'s.c'::regconfig` literals) come after and go before.

use super::super::ddl;
use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::Step;
use super::skeleton::{planned_basics, PlainCreate, PlainDrop, Planned};
use crate::diff::{field, Change, Op, Pair};
use crate::model::{Kind, Object, TextSearchConfiguration};
use std::collections::BTreeMap;

/// Fields of a configuration that change without recreating it.
pub const TS_CONFIGURATION_IN_PLACE: &[&str] = &[
    field!(TextSearchConfiguration, mappings),
    field!(TextSearchConfiguration, comment),
    field!(TextSearchConfiguration, owner),
];

impl Names<'_> {
    /// What a configuration needs: its schema, its parser and the dictionaries it maps,
    /// those the catalog has.
    pub fn ts_configuration_deps(&self, c: &TextSearchConfiguration) -> Vec<Node> {
        let mut out = Vec::new();
        self.ts_schema(&c.schema, &mut out);
        self.ts_parser_ref(&c.parser, &mut out);
        let catalog = self.catalog();
        for d in c.mappings.values().flatten() {
            let node = Node::TextSearchDictionary(d.clone());
            if catalog.text_search_dictionaries.contains_key(d) && !out.contains(&node) {
                out.push(node);
            }
        }
        out
    }
}

impl Planned for TextSearchConfiguration {
    planned_basics!(TextSearchConfiguration, ts_configuration_deps);

    fn comment_target(&self) -> String {
        format!(
            "TEXT SEARCH CONFIGURATION {}",
            ddl::qn(&self.schema, &self.name)
        )
    }

    /// The mappings (the recreation pass handles a new parser).
    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step> {
        ddl::ts_mapping_changes(&from.mappings, to)
            .into_iter()
            .map(|sql| Step::new(sql, Kind::TextSearchConfiguration, Op::Alter, &c.name))
            .collect()
    }
}

impl PlainCreate for TextSearchConfiguration {
    fn create_sql(&self) -> String {
        ddl::create_ts_configuration(self)
    }

    /// The mappings, all added.
    fn after_create(&self) -> Vec<String> {
        ddl::ts_mapping_changes(&BTreeMap::new(), self)
    }
}

impl PlainDrop for TextSearchConfiguration {
    fn drop_sql(&self) -> String {
        ddl::drop_ts_configuration(self)
    }
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn ts_configuration(&mut self, c: &Change<'a>, p: Pair<'a, TextSearchConfiguration>) {
        match p {
            Pair::Created(x) => self.create_planned(x, None),
            Pair::Dropped(x) => self.drop_planned(x, Phase::LateDrop, None),
            Pair::Altered { from, to } => {
                if from.parser != to.parser && !self.decided.recreate.contains_key(&to.node()) {
                    // Left to a manual step: the mappings are the new parser's.
                    return;
                }
                self.alter_planned(c, from, to)
            }
        }
    }
}
