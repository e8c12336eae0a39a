//! The create, drop and alter every kind follows, written once: a create is its statement,
//! the statements that complete it and its comment, after what it depends on; a drop is its
//! statement (with the hazard of losing what it does, when it is gone for good), before what
//! it depends on; an alter recreates the object when the recreation pass asked for it, else
//! runs the kind's in-place statements and its comment. A kind says only what is its own, in
//! [`Planned`]: its statements, as pure functions of its objects and the change (no planner
//! state reaches them).

use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::Planner;
use super::super::{HazardKind, Step};
use crate::diff::{Change, Op};
use crate::model::{Kind, Object};

/// What the shared create/drop/alter needs to know of a kind's objects.
pub(in crate::plan) trait Planned: Object {
    const KIND: Kind;
    /// The object as a node of the dependency graph.
    fn node(&self) -> Node;
    /// What it depends on, resolved in `names`' catalog.
    fn deps(&self, names: &Names<'_>) -> Vec<Node>;
    fn drop_sql(&self) -> String;
    /// The hazard of dropping it for good: the behaviour that goes with it.
    fn drop_hazard(&self) -> Option<(HazardKind, String)> {
        None
    }
    /// What `COMMENT ON` names, and the comment.
    fn comment_target(&self) -> String;
    fn comment(&self) -> Option<&str>;
    /// The steps that turn `from` into `to` in place, the comment aside.
    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step>;
}

/// A kind created by one statement (and what completes it), in the main phase: the shared
/// create. Kinds whose create depends on the table's state (constraints, indexes) write
/// their own.
pub(in crate::plan) trait PlainCreate: Planned {
    fn create_sql(&self) -> String;
    /// Statements that complete a create, before the comment (a trigger's enabled state).
    fn after_create(&self) -> Vec<String> {
        Vec::new()
    }
}

impl Planner<'_, '_> {
    /// Creates `o` (`reason`: why it is recreated, when it is).
    pub fn create_planned<T: PlainCreate>(&mut self, o: &T, reason: Option<&str>) {
        let name = o.key().to_string();
        let first = Step::new(o.create_sql(), T::KIND, Op::Create, name.clone());
        let mut steps = vec![first.recreated_because(&name, reason)];
        for sql in o.after_create() {
            steps.push(Step::new(sql, T::KIND, Op::Alter, name.clone()));
        }
        if o.comment().is_some() {
            steps.push(self.comment_step(T::KIND, &name, &o.comment_target(), o.comment()));
        }
        let deps = o.deps(&self.to);
        self.push(Phase::Main, o.node(), deps, steps);
    }

    /// Drops `o` in `phase` (`reason`: why it is recreated, when it is).
    pub fn drop_planned<T: Planned>(&mut self, o: &T, phase: Phase, reason: Option<&str>) {
        let name = o.key().to_string();
        let mut step = Step::new(o.drop_sql(), T::KIND, Op::Drop, name.clone());
        if !self.in_to(&o.node()) {
            if let Some((kind, text)) = o.drop_hazard() {
                step = step.hazard(kind, text);
            }
        }
        step = step.recreated_because(&name, reason);
        let deps = o.deps(&self.from);
        self.push(phase, o.node(), deps, vec![step]);
    }

    /// Alters `from` into `to`, or recreates it when the recreation pass asked for that.
    pub fn alter_planned<T: Planned>(&mut self, c: &Change<'_>, from: &T, to: &T) {
        let node = to.node();
        if let Some(reason) = self.recreate.get(&node).cloned() {
            return self.recreate_node(&node, &reason);
        }
        let mut steps = T::alter(c, from, to);
        if from.comment() != to.comment() {
            let target = to.comment_target();
            steps.push(self.comment_step(T::KIND, &c.name, &target, to.comment()));
        }
        let deps = to.deps(&self.to);
        self.push(Phase::Main, node, deps, steps);
    }
}
