//! The user's text search templates and parsers (superuser objects). Only their comment
//! changes in place: other changes drop them and create them again, with the dictionaries
//! (of a template) or configurations (of a parser) built on them, or are a manual step when
//! a table column or a type uses what would be recreated. Created after their functions,
//! dropped before them.

use super::super::ddl;
use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::Step;
use super::skeleton::{planned_basics, PlainCreate, PlainDrop, Planned};
use crate::diff::{field, Change, Pair};
use crate::model::{Kind, Object, QualName, TextSearchParser, TextSearchTemplate};
use crate::sql::QualIdent;

/// Fields of a template that change without recreating it.
pub const TS_TEMPLATE_IN_PLACE: &[&str] = &[field!(TextSearchTemplate, comment)];
/// Fields of a parser that change without recreating it.
pub const TS_PARSER_IN_PLACE: &[&str] = &[field!(TextSearchParser, comment)];

impl Names<'_> {
    /// What a template needs: its schema and its functions.
    pub fn ts_template_deps(&self, t: &TextSearchTemplate) -> Vec<Node> {
        let mut out = Vec::new();
        self.ts_schema(&t.schema, &mut out);
        self.ts_functions([t.init.as_ref(), Some(&t.lexize)], &mut out);
        out
    }

    /// What a parser needs: its schema and its functions.
    pub fn ts_parser_deps(&self, p: &TextSearchParser) -> Vec<Node> {
        let mut out = Vec::new();
        self.ts_schema(&p.schema, &mut out);
        let functions = [&p.start, &p.gettoken, &p.end, &p.lextypes];
        let all = functions.into_iter().map(Some).chain([p.headline.as_ref()]);
        self.ts_functions(all, &mut out);
        out
    }

    /// The routines of the catalog among `functions`.
    fn ts_functions<'f>(
        &self,
        functions: impl IntoIterator<Item = Option<&'f QualName>>,
        out: &mut Vec<Node>,
    ) {
        for f in functions.into_iter().flatten() {
            self.refs(&QualIdent(&f.schema, &f.name).to_string(), out);
        }
    }

    /// The template `t`, when the catalog has it.
    pub(super) fn ts_template_ref(&self, t: &QualName, out: &mut Vec<Node>) {
        if self.catalog().text_search_templates.contains_key(t) {
            out.push(Node::TextSearchTemplate(t.clone()));
        }
    }

    /// The parser `p`, when the catalog has it.
    pub(super) fn ts_parser_ref(&self, p: &QualName, out: &mut Vec<Node>) {
        if self.catalog().text_search_parsers.contains_key(p) {
            out.push(Node::TextSearchParser(p.clone()));
        }
    }
}

impl Planned for TextSearchTemplate {
    planned_basics!(TextSearchTemplate, ts_template_deps);

    fn comment_target(&self) -> String {
        format!("TEXT SEARCH TEMPLATE {}", ddl::qn(&self.schema, &self.name))
    }

    /// Nothing but the comment changes in place (the recreation pass handles the rest).
    fn alter(_: &Change<'_>, _: &Self, _: &Self) -> Vec<Step> {
        Vec::new()
    }
}

impl PlainCreate for TextSearchTemplate {
    fn create_sql(&self) -> String {
        ddl::create_ts_template(self)
    }
}

impl PlainDrop for TextSearchTemplate {
    fn drop_sql(&self) -> String {
        ddl::drop_ts_template(self)
    }
}

impl Planned for TextSearchParser {
    planned_basics!(TextSearchParser, ts_parser_deps);

    fn comment_target(&self) -> String {
        format!("TEXT SEARCH PARSER {}", ddl::qn(&self.schema, &self.name))
    }

    /// Nothing but the comment changes in place (the recreation pass handles the rest).
    fn alter(_: &Change<'_>, _: &Self, _: &Self) -> Vec<Step> {
        Vec::new()
    }
}

impl PlainCreate for TextSearchParser {
    fn create_sql(&self) -> String {
        ddl::create_ts_parser(self)
    }
}

impl PlainDrop for TextSearchParser {
    fn drop_sql(&self) -> String {
        ddl::drop_ts_parser(self)
    }
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn ts_template(&mut self, c: &Change<'a>, p: Pair<'a, TextSearchTemplate>) {
        match p {
            Pair::Created(x) => self.create_planned(x, None),
            Pair::Dropped(x) => self.drop_planned(x, Phase::LateDrop, None),
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
        }
    }

    pub fn ts_parser(&mut self, c: &Change<'a>, p: Pair<'a, TextSearchParser>) {
        match p {
            Pair::Created(x) => self.create_planned(x, None),
            Pair::Dropped(x) => self.drop_planned(x, Phase::LateDrop, None),
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
        }
    }
}
