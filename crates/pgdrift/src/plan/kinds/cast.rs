//! The user's casts: created after their function and both types, dropped early (before
//! them). A cast cannot be altered: only its comment changes in place, anything else drops
//! it and creates it again.

use super::super::ddl;
use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::{HazardKind, Step};
use super::skeleton::{planned_basics, PlainCreate, PlainDrop, Planned};
use crate::diff::{field, Change, Pair};
use crate::model::{Cast, Kind, Object};

/// Fields of a cast that change without recreating it.
pub const CAST_IN_PLACE: &[&str] = &[field!(Cast, comment)];

impl Names<'_> {
    /// What a cast needs: its function and its two types.
    pub fn cast_deps(&self, c: &Cast) -> Vec<Node> {
        let mut out = Vec::new();
        if let Some(f) = &c.function {
            let signature = f.signature();
            if self.catalog().functions.contains_key(&signature) {
                out.push(Node::Function(signature));
            }
        }
        self.refs(&c.source, &mut out);
        self.refs(&c.target, &mut out);
        out
    }
}

impl Planned for Cast {
    planned_basics!(Cast, cast_deps);

    fn comment_target(&self) -> String {
        ddl::cast_target(self)
    }

    /// Nothing but the comment changes in place (the recreation pass handles the rest).
    fn alter(_: &Change<'_>, _: &Self, _: &Self) -> Vec<Step> {
        Vec::new()
    }
}

impl PlainCreate for Cast {
    fn create_sql(&self) -> String {
        ddl::create_cast(self)
    }
}

impl PlainDrop for Cast {
    fn drop_sql(&self) -> String {
        ddl::drop_cast(self)
    }

    fn drop_hazard(&self) -> Option<(HazardKind, String)> {
        let what = format!(
            "values of type {} no longer convert to {} ({} cast)",
            self.source, self.target, self.context
        );
        Some((HazardKind::DropsBehavior, what))
    }
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn cast(&mut self, c: &Change<'a>, p: Pair<'a, Cast>) {
        match p {
            Pair::Created(x) => self.create_planned(x, None),
            Pair::Dropped(x) => self.drop_planned(x, Phase::EarlyDrop, None),
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
        }
    }
}
