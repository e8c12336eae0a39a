//! The user's encoding conversions: created after their schema and function, dropped early
//! (before a conversion that takes over as the default of the same encodings is created,
//! and before their function). Only the comment changes in place: anything else drops the
//! conversion and creates it again.

use super::super::ddl;
use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::{HazardKind, Step};
use super::skeleton::{planned_basics, PlainCreate, PlainDrop, Planned};
use crate::diff::{field, Change, Pair};
use crate::model::{Conversion, Kind, Object};
use crate::sql::QualIdent;

/// Fields of a conversion that change without recreating it.
pub const CONVERSION_IN_PLACE: &[&str] = &[field!(Conversion, comment), field!(Conversion, owner)];

impl Names<'_> {
    /// What a conversion needs: its schema and its function.
    pub fn conversion_deps(&self, c: &Conversion) -> Vec<Node> {
        let mut out = Vec::new();
        self.ts_schema(&c.schema, &mut out);
        let f = &c.function;
        self.refs(&QualIdent(&f.schema, &f.name).to_string(), &mut out);
        out
    }
}

impl Planned for Conversion {
    planned_basics!(Conversion, conversion_deps);

    fn comment_target(&self) -> String {
        ddl::conversion_target(self)
    }

    /// Nothing but the comment changes in place (the recreation pass handles the rest).
    fn alter(_: &Change<'_>, _: &Self, _: &Self) -> Vec<Step> {
        Vec::new()
    }
}

impl PlainCreate for Conversion {
    fn create_sql(&self) -> String {
        ddl::create_conversion(self)
    }
}

impl PlainDrop for Conversion {
    fn drop_sql(&self) -> String {
        ddl::drop_conversion(self)
    }

    fn drop_hazard(&self) -> Option<(HazardKind, String)> {
        if !self.default {
            return None;
        }
        let what = format!(
            "the default conversion from {} to {} in schema {} is gone",
            self.source, self.destination, self.schema
        );
        Some((HazardKind::DropsBehavior, what))
    }
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn conversion(&mut self, c: &Change<'a>, p: Pair<'a, Conversion>) {
        match p {
            Pair::Created(x) => self.create_planned(x, None),
            Pair::Dropped(x) => self.drop_planned(x, Phase::EarlyDrop, None),
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
        }
    }
}
