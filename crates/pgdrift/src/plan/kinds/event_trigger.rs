//! Event triggers: database-wide, created after the function they execute and dropped
//! before it. Their firing state and comment change in place; a new event, tag list or
//! function drops and creates them again.

use super::super::ddl;
use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::{HazardKind, Step};
use super::objects::only;
use super::skeleton::{planned_basics, PlainCreate, PlainDrop, Planned};
use crate::diff::{field, Change, Op, Pair};
use crate::model::{EventTrigger, Kind, Object};
use crate::sql::{Ident, QualIdent};

/// Fields of an event trigger that change without recreating it.
const EVENT_TRIGGER_IN_PLACE: &[&str] = &[
    field!(EventTrigger, enabled),
    field!(EventTrigger, comment),
    field!(EventTrigger, owner),
];

impl Names<'_> {
    /// What an event trigger needs: its function.
    pub fn event_trigger_deps(&self, e: &EventTrigger) -> Vec<Node> {
        let mut out = Vec::new();
        let function = QualIdent(&e.function.schema, &e.function.name).to_string();
        self.refs(&function, &mut out);
        out
    }
}

impl Planned for EventTrigger {
    planned_basics!(EventTrigger, event_trigger_deps);

    fn comment_target(&self) -> String {
        format!("EVENT TRIGGER {}", Ident(&self.name))
    }

    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step> {
        let step = |sql: String, op: Op| Step::new(sql, Kind::EventTrigger, op, &c.name);
        if !only(c, EVENT_TRIGGER_IN_PLACE) {
            let mut steps = vec![step(ddl::drop_event_trigger(from), Op::Drop)];
            steps.push(step(ddl::create_event_trigger(to), Op::Create));
            steps.extend(to.after_create().into_iter().map(|s| step(s, Op::Alter)));
            return steps;
        }
        match from.enabled == to.enabled {
            true => Vec::new(),
            false => vec![step(ddl::event_trigger_enabled(to), Op::Alter)],
        }
    }
}

impl PlainCreate for EventTrigger {
    fn create_sql(&self) -> String {
        ddl::create_event_trigger(self)
    }

    fn after_create(&self) -> Vec<String> {
        match self.enabled.as_str() {
            "origin" => Vec::new(),
            _ => vec![ddl::event_trigger_enabled(self)],
        }
    }
}

impl PlainDrop for EventTrigger {
    fn drop_sql(&self) -> String {
        ddl::drop_event_trigger(self)
    }

    fn drop_hazard(&self) -> Option<(HazardKind, String)> {
        let what = format!(
            "event trigger {} no longer calls {} on {}",
            self.name, self.function, self.event
        );
        Some((HazardKind::DropsBehavior, what))
    }
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn event_trigger(&mut self, c: &Change<'a>, p: Pair<'a, EventTrigger>) {
        match p {
            Pair::Created(x) => self.create_planned(x, None),
            Pair::Dropped(x) => self.drop_planned(x, Phase::EarlyDrop, None),
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
        }
    }
}
