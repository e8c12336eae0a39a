//! Rewrite rules: they live on a table or view, are replaced in place when their action
//! changes (`CREATE OR REPLACE RULE`), and follow the shared skeleton (`skeleton.rs`) for
//! everything else.

use super::super::ddl;
use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::{HazardKind, Step};
use super::skeleton::{planned_basics, PlainCreate, PlainDrop, Planned};
use crate::diff::{Change, Op, Pair};
use crate::model::{Kind, Object, QualName, Rule};
use crate::sql::Ident;

impl Names<'_> {
    /// What a rule needs: its relation, and what its condition and action name.
    pub fn rule_deps(&self, r: &Rule) -> Vec<Node> {
        let mut out = Vec::new();
        out.extend(self.relation(&r.schema, &r.table));
        self.refs(&r.definition, &mut out);
        out
    }
}

impl Planned for Rule {
    planned_basics!(Rule, rule_deps);

    fn comment_target(&self) -> String {
        format!(
            "RULE {} ON {}",
            Ident(&self.name),
            ddl::qn(&self.schema, &self.table)
        )
    }

    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step> {
        let mut steps = Vec::new();
        if from.definition != to.definition {
            let sql = ddl::create_rule(to, true);
            steps.push(Step::new(sql, Kind::Rule, Op::Alter, c.name.clone()));
        }
        if from.enabled != to.enabled {
            let sql = ddl::rule_enabled(to);
            steps.push(Step::new(sql, Kind::Rule, Op::Alter, c.name.clone()));
        }
        steps
    }
}

impl PlainCreate for Rule {
    fn create_sql(&self) -> String {
        ddl::create_rule(self, false)
    }

    fn after_create(&self) -> Vec<String> {
        match self.enabled.as_str() {
            "origin" => Vec::new(),
            _ => vec![ddl::rule_enabled(self)],
        }
    }
}

impl PlainDrop for Rule {
    fn drop_sql(&self) -> String {
        ddl::drop_rule(self)
    }

    fn drop_hazard(&self) -> Option<(HazardKind, String)> {
        let what = format!(
            "{} on {}.{} no longer rewrites {} statements{}",
            self.name,
            self.schema,
            self.table,
            self.event,
            if self.instead { " (DO INSTEAD)" } else { "" }
        );
        Some((HazardKind::DropsBehavior, what))
    }
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn rule(&mut self, c: &Change<'a>, p: Pair<'a, Rule>) {
        match p {
            Pair::Created(x) => self.create_planned(x, None),
            Pair::Dropped(x) => {
                let rel = QualName::new(&x.schema, &x.table);
                let gone = self.dropped_tables.contains(&rel) || self.dropped_views.contains(&rel);
                if gone && !self.decided.early.contains(&x.node()) {
                    return;
                }
                self.drop_planned(x, Phase::EarlyDrop, None);
            }
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
        }
    }
}
