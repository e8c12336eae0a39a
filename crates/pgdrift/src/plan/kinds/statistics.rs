//! Extended statistics objects: they live on a table and go with it. Their statistics
//! target and comment change in place; any other change drops and creates them again
//! (cheap: they hold only what `ANALYZE` computes, and it computes it anew).

use super::super::ddl;
use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::Step;
use super::objects::only;
use super::skeleton::{planned_basics, PlainCreate, PlainDrop, Planned};
use crate::diff::{field, Change, Op, Pair};
use crate::model::{ExtendedStatistics, Kind, Object};

/// Fields of a statistics object that change without recreating it.
const STATISTICS_IN_PLACE: &[&str] = &[
    field!(ExtendedStatistics, target),
    field!(ExtendedStatistics, comment),
    field!(ExtendedStatistics, owner),
];

impl Names<'_> {
    /// What a statistics object needs: its relation, and what its expressions name.
    pub fn statistics_deps(&self, s: &ExtendedStatistics) -> Vec<Node> {
        let mut out = Vec::new();
        if self.catalog().schemas.contains_key(&s.schema) {
            out.push(Node::Schema(s.schema.clone()));
        }
        out.extend(self.relation(&s.table.schema, &s.table.name));
        self.refs(&s.columns, &mut out);
        out
    }
}

impl Planned for ExtendedStatistics {
    planned_basics!(ExtendedStatistics, statistics_deps);

    fn comment_target(&self) -> String {
        format!("STATISTICS {}", ddl::qn(&self.schema, &self.name))
    }

    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step> {
        let step = |sql: String, op: Op| Step::new(sql, Kind::ExtendedStatistics, op, &c.name);
        if !only(c, STATISTICS_IN_PLACE) {
            let mut steps = vec![step(ddl::drop_statistics(from), Op::Drop)];
            steps.push(step(ddl::create_statistics(to), Op::Create));
            steps.extend(
                to.target
                    .map(|_| step(ddl::statistics_target(to), Op::Alter)),
            );
            return steps;
        }
        if from.target == to.target {
            return Vec::new();
        }
        vec![step(ddl::statistics_target(to), Op::Alter)]
    }
}

impl PlainCreate for ExtendedStatistics {
    fn create_sql(&self) -> String {
        ddl::create_statistics(self)
    }

    fn after_create(&self) -> Vec<String> {
        self.target
            .map(|_| ddl::statistics_target(self))
            .into_iter()
            .collect()
    }
}

impl PlainDrop for ExtendedStatistics {
    fn drop_sql(&self) -> String {
        ddl::drop_statistics(self)
    }
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn statistics(&mut self, c: &Change<'a>, p: Pair<'a, ExtendedStatistics>) {
        match p {
            Pair::Created(x) => self.create_planned(x, None),
            Pair::Dropped(x) => {
                let gone =
                    self.dropped_tables.contains(&x.table) || self.dropped_views.contains(&x.table);
                if gone && !self.decided.early.contains(&x.node()) {
                    return;
                }
                self.drop_planned(x, Phase::EarlyDrop, None);
            }
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
        }
    }
}
