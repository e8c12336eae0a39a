//! Column defaults: dropped early when what they call or cast to is in the way (or their
//! column changes), and set in the main phase once the table and what they call exist; an
//! identity turned into a serial continues after the column's values.

use super::super::ddl;
use super::super::graph::Node;
use super::super::guard::{self, Guard};
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::Step;
use crate::diff::Op;
use crate::model::{Kind, QualName};
use crate::sql::{Ident, Literal, Verbatim};

impl Pass<'_, '_, '_> {
    /// Defaults dropped early and set again, and defaults set after their table.
    pub fn defaults(&mut self) {
        let resets: Vec<(QualName, String)> = self.out.reset_defaults.iter().cloned().collect();
        for (t, c) in &resets {
            if self.dropped_tables.contains(t) {
                continue;
            }
            let Some(col) = self.diff.from.tables.get(t).and_then(|tb| tb.column(c)) else {
                continue;
            };
            if col.default.is_none() {
                continue;
            }
            let sql = format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT",
                ddl::qn(&t.schema, &t.name),
                Ident(c)
            );
            let set = guard::column::default_is(t, c, col.default.as_deref());
            let to = self.diff.to.tables.get(t).and_then(|tb| tb.column(c));
            let guard = match to.filter(|to| to.default == col.default) {
                // Dropped only to be set again around a type change: done once the column
                // has its new type (under the same name, a replaced type, only the
                // script's journal tells).
                Some(to) if to.type_name != col.type_name => Guard::When(format!(
                    "{set} AND NOT {}",
                    guard::column::type_is(t, c, &to.type_name)
                )),
                _ => Guard::When(set),
            };
            let step = Step::new(sql, Kind::Column, Op::Alter, format!("{t}.{c}")).guarded(guard);
            let mut deps = Vec::new();
            if let Some(d) = &col.default {
                self.from.refs(d, &mut deps);
            }
            self.push(
                Phase::EarlyDrop,
                Node::Default(t.clone(), c.clone()),
                deps,
                vec![step],
            );
        }
        let sets: Vec<(QualName, String)> = self
            .out
            .reset_defaults
            .union(&self.out.set_defaults)
            .cloned()
            .collect();
        for (t, c) in sets {
            let Some(table) = self.diff.to.tables.get(&t) else {
                continue;
            };
            let Some(col) = table.column(&c) else {
                continue;
            };
            let Some(default) = &col.default else {
                continue;
            };
            let qn = ddl::qn(&t.schema, &t.name).to_string();
            let name = format!("{t}.{c}");
            let mut steps = vec![Step::new(
                format!(
                    "ALTER TABLE {qn} ALTER COLUMN {} SET DEFAULT {}",
                    Ident(&c),
                    Verbatim(default)
                ),
                Kind::Column,
                Op::Alter,
                name.clone(),
            )
            .guarded(Guard::When(guard::not(&guard::column::default_is(
                &t,
                &c,
                Some(default),
            ))))];
            let mut deps = vec![Node::Table(t.clone())];
            self.to.refs(default, &mut deps);
            // An identity turned into a serial: its new sequence continues after the
            // values the column already holds.
            let was_identity = self
                .diff
                .from
                .tables
                .get(&t)
                .and_then(|tb| tb.column(&c))
                .is_some_and(|fc| fc.identity.is_some());
            if was_identity {
                for n in &deps {
                    if let Node::Sequence(s) = n {
                        if !self.diff.from.sequences.contains_key(s) {
                            steps.push(Step::new(
                                format!(
                                    "SELECT pg_catalog.setval({}, max({})) FROM {qn} HAVING max({}) IS NOT NULL",
                                    Literal(&ddl::qn(&s.schema, &s.name).to_string()),
                                    Ident(&c),
                                    Ident(&c)
                                ),
                                Kind::Column,
                                Op::Alter,
                                name.clone(),
                            ));
                        }
                    }
                }
                deps.extend(
                    deps.clone()
                        .into_iter()
                        .filter_map(|n| match n {
                            Node::Sequence(s) => Some(Node::SequenceOwner(s)),
                            _ => None,
                        })
                        .collect::<Vec<_>>(),
                );
            }
            self.push(
                Phase::Main,
                Node::Default(t.clone(), c.clone()),
                deps,
                steps,
            );
        }
    }
}
