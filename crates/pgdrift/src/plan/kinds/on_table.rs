//! Triggers and policies: objects that live on a table, cheap to drop and create again, so
//! most changes to them are a drop and a create around whatever else changes. Both follow
//! the shared skeleton (`skeleton.rs`); what is theirs is said in their
//! [`Planned`], [`PlainCreate`] and [`PlainDrop`] rows.

use super::super::ddl;
use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::{HazardKind, Step};
use super::skeleton::{planned_basics, PlainCreate, PlainDrop, Planned};
use crate::diff::{field, Change, Op, Pair};
use crate::model::{Kind, Object, Policy, QualName, Trigger};
use crate::sql::Ident;

/// Fields of a trigger that change without recreating it.
pub const TRIGGER_IN_PLACE: &[&str] = &[field!(Trigger, comment), field!(Trigger, enabled)];

impl Planned for Trigger {
    planned_basics!(Trigger, trigger_deps);

    fn comment_target(&self) -> String {
        format!(
            "TRIGGER {} ON {}",
            Ident(&self.name),
            ddl::qn(&self.schema, &self.table)
        )
    }

    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step> {
        if from.enabled == to.enabled {
            return Vec::new();
        }
        let sql = ddl::trigger_enabled(to).unwrap_or_else(|| ddl::trigger_enable(to));
        vec![Step::new(sql, Kind::Trigger, Op::Alter, c.name.clone())]
    }
}

impl Planned for Policy {
    planned_basics!(Policy, policy_deps);

    fn comment_target(&self) -> String {
        format!(
            "POLICY {} ON {}",
            Ident(&self.name),
            ddl::qn(&self.schema, &self.table)
        )
    }

    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step> {
        let comment = field!(Policy, comment);
        if c.fields.iter().all(|f| f.field == comment) {
            return Vec::new();
        }
        ddl::alter_policy(from, to)
            .map(|sql| Step::new(sql, Kind::Policy, Op::Alter, c.name.clone()))
            .into_iter()
            .collect()
    }
}

impl PlainDrop for Trigger {
    fn drop_sql(&self) -> String {
        ddl::drop_trigger(self)
    }

    fn drop_hazard(&self) -> Option<(HazardKind, String)> {
        let what = format!(
            "{} no longer calls {} on {} of {}.{}",
            self.name,
            self.function,
            self.events.join(" or "),
            self.schema,
            self.table
        );
        Some((HazardKind::DropsBehavior, what))
    }
}

impl PlainCreate for Trigger {
    fn create_sql(&self) -> String {
        ddl::create_trigger(self)
    }

    fn after_create(&self) -> Vec<String> {
        ddl::trigger_enabled(self).into_iter().collect()
    }
}

impl PlainDrop for Policy {
    fn drop_sql(&self) -> String {
        ddl::drop_policy(self)
    }

    fn drop_hazard(&self) -> Option<(HazardKind, String)> {
        let what = format!(
            "row-level security on {}.{} no longer applies policy {}",
            self.schema, self.table, self.name
        );
        Some((HazardKind::DropsBehavior, what))
    }
}

impl PlainCreate for Policy {
    fn create_sql(&self) -> String {
        ddl::create_policy(self)
    }
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn trigger(&mut self, c: &Change<'a>, p: Pair<'a, Trigger>) {
        match p {
            Pair::Created(x) => self.create_planned(x, None),
            Pair::Dropped(x) => {
                if self.goes_with_relation(&x.schema, &x.table, &x.node(), true) {
                    return;
                }
                self.drop_planned(x, Phase::EarlyDrop, None);
            }
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
        }
    }

    pub fn policy(&mut self, c: &Change<'a>, p: Pair<'a, Policy>) {
        match p {
            Pair::Created(x) => self.create_planned(x, None),
            Pair::Dropped(x) => {
                if self.goes_with_relation(&x.schema, &x.table, &x.node(), false) {
                    return;
                }
                self.drop_planned(x, Phase::EarlyDrop, None);
            }
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
        }
    }

    /// True when an object on `schema.table` is dropped with it: the table (or, with
    /// `views`, the view) is dropped and the object need not go early.
    fn goes_with_relation(&self, schema: &str, table: &str, node: &Node, views: bool) -> bool {
        let rel = QualName::new(schema, table);
        let gone = self.dropped_tables.contains(&rel) || views && self.dropped_views.contains(&rel);
        gone && !self.decided.early.contains(node)
    }
}
