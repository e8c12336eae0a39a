//! Publications: created after the tables and schemas they name, dropped before them. What
//! changes in place does: tables and schemas leaving the publication are dropped from it
//! early, before any table or column they name is dropped (a table whose column list or row
//! filter changes leaves and comes back), new ones are added in the main phase once they
//! exist, and options are set. Switching between `FOR ALL TABLES` and a list recreates it.

use super::super::ddl;
use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::{HazardKind, Step};
use super::skeleton::{planned_basics, PlainCreate, PlainDrop, Planned};
use crate::diff::{Change, Op, Pair};
use crate::model::{Kind, Object, Publication};
use crate::sql::Ident;

impl Names<'_> {
    /// What a publication needs: the tables and schemas it names, and what its row filters
    /// call.
    pub fn publication_deps(&self, p: &Publication) -> Vec<Node> {
        let mut out = Vec::new();
        for t in &p.tables {
            if self.catalog().tables.contains_key(&t.table) {
                out.push(Node::Table(t.table.clone()));
            }
            if let Some(f) = &t.row_filter {
                self.refs(f, &mut out);
            }
        }
        for s in &p.schemas {
            if self.catalog().schemas.contains_key(s) {
                out.push(Node::Schema(s.clone()));
            }
        }
        out
    }
}

impl Planned for Publication {
    planned_basics!(Publication, publication_deps);

    fn comment_target(&self) -> String {
        format!("PUBLICATION {}", Ident(&self.name))
    }

    /// What is added and set in the main phase (removals come early, see
    /// [`Pass::publication`]).
    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step> {
        let statements = [
            ddl::publication_additions(from, to),
            ddl::publication_options(from, to),
        ];
        let step = |sql: String| Step::new(sql, Kind::Publication, Op::Alter, &c.name);
        statements.into_iter().flatten().map(step).collect()
    }
}

impl PlainCreate for Publication {
    fn create_sql(&self) -> String {
        ddl::create_publication(self)
    }
}

impl PlainDrop for Publication {
    fn drop_sql(&self) -> String {
        ddl::drop_publication(self)
    }

    fn drop_hazard(&self) -> Option<(HazardKind, String)> {
        let what = format!(
            "publication {} is gone: subscriptions to it stop receiving changes",
            self.name
        );
        Some((HazardKind::DropsBehavior, what))
    }
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn publication(&mut self, c: &Change<'a>, p: Pair<'a, Publication>) {
        match p {
            Pair::Created(x) => self.create_planned(x, None),
            Pair::Dropped(x) => self.drop_planned(x, Phase::EarlyDrop, None),
            Pair::Altered { from, to } => self.alter_publication(c, from, to),
        }
    }

    fn alter_publication(&mut self, c: &Change<'a>, from: &'a Publication, to: &'a Publication) {
        let node = to.node();
        if self.decided.recreate.contains_key(&node) {
            return self.alter_planned(c, from, to);
        }
        if from.all_tables != to.all_tables {
            let reason = "it switches between FOR ALL TABLES and a list of tables";
            self.drop_planned(from, Phase::EarlyDrop, Some(reason));
            return self.create_planned(to, Some(reason));
        }
        if let Some(sql) = ddl::publication_removals(from, to) {
            let step = Step::new(sql, Kind::Publication, Op::Alter, &c.name);
            let deps = from.deps(&self.from);
            self.push(Phase::EarlyDrop, node, deps, vec![step]);
        }
        self.alter_planned(c, from, to);
    }
}
