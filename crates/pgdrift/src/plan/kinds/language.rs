//! The user's procedural languages: created after their handler, inline handler and
//! validator functions and before the functions written in them; dropped after those
//! functions and before their own. `CREATE OR REPLACE LANGUAGE` changes trust and functions
//! in place (owner and privileges kept); the comment and `USAGE` grants change as usual.

use super::super::ddl::{self, AclTarget};
use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::Step;
use super::skeleton::{planned_basics, PlainCreate, PlainDrop, Planned};
use crate::diff::{Change, Op, Pair};
use crate::model::{Kind, Language, Object, Privileges};
use crate::sql::QualIdent;

impl Names<'_> {
    /// What a language needs: its handler, inline handler and validator functions.
    pub fn language_deps(&self, l: &Language) -> Vec<Node> {
        let mut out = Vec::new();
        for f in l.functions() {
            self.refs(&QualIdent(&f.schema, &f.name).to_string(), &mut out);
        }
        out
    }

    /// The language `name`, when the catalog has it (the user's own): what a function
    /// written in it needs.
    pub fn language_ref(&self, name: &str, out: &mut Vec<Node>) {
        if self.catalog().languages.contains_key(name) {
            out.push(Node::Language(name.to_string()));
        }
    }
}

impl Planned for Language {
    planned_basics!(Language, language_deps);

    fn comment_target(&self) -> String {
        ddl::language_target(self)
    }

    fn acl(&self) -> Option<(AclTarget, &Privileges)> {
        let target = AclTarget::object(ddl::language_target(self)).public_default("USAGE");
        Some((target, &self.privileges))
    }

    /// A new trust or new functions: `CREATE OR REPLACE LANGUAGE`.
    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step> {
        let same = from.trusted == to.trusted
            && from.handler == to.handler
            && from.inline == to.inline
            && from.validator == to.validator;
        if same {
            return Vec::new();
        }
        let sql = ddl::replace_language(to);
        vec![Step::new(sql, Kind::Language, Op::Alter, &c.name)]
    }
}

impl PlainCreate for Language {
    fn create_sql(&self) -> String {
        ddl::create_language(self)
    }
}

impl PlainDrop for Language {
    fn drop_sql(&self) -> String {
        ddl::drop_language(self)
    }
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn language(&mut self, c: &Change<'a>, p: Pair<'a, Language>) {
        match p {
            Pair::Created(x) => self.create_planned(x, None),
            // Late: after the functions written in it, before its own functions.
            Pair::Dropped(x) => self.drop_planned(x, Phase::LateDrop, None),
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
        }
    }
}
