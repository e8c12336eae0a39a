//! The user's transforms: created after their type, language and functions, and before the
//! routines that declare `TRANSFORM FOR TYPE` with them; dropped after those routines and
//! before what they need. `CREATE OR REPLACE TRANSFORM` changes their functions in place.
//! PostgreSQL makes every routine of the transform's language that takes or returns its
//! type depend on it, whatever the routine declares: a transform dropped early, once the
//! routines that stay are dropped to be created again after it.

use super::super::ddl;
use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::{Decide, Pass};
use super::super::Step;
use super::skeleton::{planned_basics, PlainCreate, PlainDrop, Planned};
use crate::diff::{Change, Op, Pair};
use crate::model::{Function, Kind, Object, Transform, TransformKey};
use crate::sql::QualIdent;

impl Names<'_> {
    /// What a transform needs: its type, its language and its two functions.
    pub fn transform_deps(&self, t: &Transform) -> Vec<Node> {
        let mut out = Vec::new();
        self.refs(&t.type_name, &mut out);
        self.language_ref(&t.language, &mut out);
        for f in [&t.from_sql, &t.to_sql].into_iter().flatten() {
            self.refs(&QualIdent(&f.schema, &f.name).to_string(), &mut out);
        }
        out
    }

    /// The transforms of a routine: those it declares (`TRANSFORM FOR TYPE`), with their
    /// types, and those of its language for the types it takes or returns.
    pub fn routine_transforms(&self, f: &Function, out: &mut Vec<Node>) {
        for type_name in &f.transforms {
            self.refs(type_name, out);
        }
        let returns = f.returns.as_deref().map(|r| r.trim_start_matches("SETOF "));
        let types = f.arguments.split(", ").chain(returns);
        let declared = f.transforms.iter().map(String::as_str);
        for type_name in declared.chain(types) {
            let key = TransformKey {
                type_name: type_name.to_string(),
                language: f.language.clone(),
            };
            if !self.catalog().transforms.contains_key(&key) {
                continue;
            }
            let node = Node::Transform(key);
            if !out.contains(&node) {
                out.push(node);
            }
        }
    }
}

impl Planned for Transform {
    planned_basics!(Transform, transform_deps);

    fn comment_target(&self) -> String {
        ddl::transform_target(self)
    }

    /// New functions: `CREATE OR REPLACE TRANSFORM`.
    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step> {
        if from.from_sql == to.from_sql && from.to_sql == to.to_sql {
            return Vec::new();
        }
        let sql = ddl::replace_transform(to);
        vec![Step::new(sql, Kind::Transform, Op::Alter, &c.name)]
    }
}

impl PlainCreate for Transform {
    fn create_sql(&self) -> String {
        ddl::create_transform(self)
    }
}

impl PlainDrop for Transform {
    fn drop_sql(&self) -> String {
        ddl::drop_transform(self)
    }
}

impl Decide<'_, '_, '_> {
    /// The routines that depend on a dropped transform: those that stay are dropped before
    /// it and created again, the others are dropped early, before it.
    pub(super) fn dropped_transform_seeds(
        &mut self,
        t: &Transform,
        seeds: &mut Vec<(Node, String)>,
    ) {
        let node = Node::Transform(t.key());
        for d in self.dependents().of(&node) {
            if !self.in_to(&d) {
                self.decided.early.insert(d);
                continue;
            }
            if !self.altered_node(&d) {
                self.decided.column_users.insert(d.clone());
            }
            seeds.push((
                d,
                format!("it depends on transform {}, which is dropped", t.key()),
            ));
        }
    }
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn transform(&mut self, c: &Change<'a>, p: Pair<'a, Transform>) {
        match p {
            Pair::Created(x) => self.create_planned(x, None),
            // Early: after the routines that depend on it, before they are created again.
            Pair::Dropped(x) => self.drop_planned(x, Phase::EarlyDrop, None),
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
        }
    }
}
