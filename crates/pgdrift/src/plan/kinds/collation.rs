//! The user's collations. Only their comment changes in place: any other change drops the
//! collation and creates it again, with the indexes and views that name it; when columns or
//! types use it, that cannot be scripted (each would have to be converted away and back)
//! and becomes a manual step. New collations come before what uses them, dropped ones after.

use super::super::ddl;
use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::{Decide, Pass};
use super::super::{ManualStep, Step};
use super::skeleton::{planned_basics, PlainCreate, PlainDrop, Planned};
use crate::diff::{field, Change, Pair};
use crate::model::{Collation, Kind, Object};

/// Fields of a collation that change without recreating it.
pub const COLLATION_IN_PLACE: &[&str] = &[field!(Collation, comment), field!(Collation, owner)];

impl Names<'_> {
    /// What a collation needs: its schema.
    pub fn collation_deps(&self, c: &Collation) -> Vec<Node> {
        match self.catalog().schemas.contains_key(&c.schema) {
            true => vec![Node::Schema(c.schema.clone())],
            false => Vec::new(),
        }
    }
}

impl Planned for Collation {
    planned_basics!(Collation, collation_deps);

    fn comment_target(&self) -> String {
        format!("COLLATION {}", ddl::qn(&self.schema, &self.name))
    }

    /// Nothing but the comment changes in place (the recreation pass handles the rest).
    fn alter(_: &Change<'_>, _: &Self, _: &Self) -> Vec<Step> {
        Vec::new()
    }
}

impl PlainCreate for Collation {
    fn create_sql(&self) -> String {
        ddl::create_collation(self)
    }
}

impl PlainDrop for Collation {
    fn drop_sql(&self) -> String {
        ddl::drop_collation(self)
    }
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn collation(&mut self, c: &Change<'a>, p: Pair<'a, Collation>) {
        match p {
            Pair::Created(x) => self.create_planned(x, None),
            Pair::Dropped(x) => self.drop_planned(x, Phase::LateDrop, None),
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
        }
    }
}

impl Decide<'_, '_, '_> {
    /// A collation whose definition changes is recreated, unless table columns or types
    /// (domains, composite attributes) use it: then it is a manual step.
    pub(super) fn collation_seeds(&mut self, node: Node, seeds: &mut Vec<(Node, String)>) {
        let dropped = &self.dropped_tables;
        let users: Vec<String> = self
            .dependents()
            .of(&node)
            .iter()
            .filter_map(|d| match d {
                Node::Table(t) if !dropped.contains(t) => Some(format!("table {t}")),
                Node::Type(t) => Some(format!("type {t}")),
                _ => None,
            })
            .collect();
        let Node::Collation(key) = &node else {
            return;
        };
        if users.is_empty() {
            seeds.push((node, "its definition changed".to_string()));
            return;
        }
        let reason = format!(
            "its definition changed, and a collation cannot be altered: it must be dropped and \
             created again, but {} use it; create a new collation, move those columns and \
             types to it (ALTER TABLE ... ALTER COLUMN ... TYPE ... COLLATE ...), then drop \
             this one",
            users.join(", ")
        );
        self.out.manual.push(ManualStep {
            kind: Kind::Collation,
            object: key.to_string(),
            reason,
        });
    }
}
