//! The create, drop and alter every kind follows, written once: a create is its statement,
//! the statements that complete it and its comment, after what it depends on; a drop is its
//! statement (with the hazard of losing what it does, when it is gone for good), before what
//! it depends on; an alter recreates the object when the recreation pass asked for it, else
//! runs the kind's in-place statements; creates and alters end with the comment and the
//! grants and revokes (`comment_and_grants`, also for kinds that write their own create). A kind says only what is its own, in
//! [`Planned`] (and [`PlainCreate`], [`PlainDrop`] where its create or drop is one
//! statement): its statements, as pure functions of its objects and the change (no planner
//! state reaches them).

use super::super::ddl::{self, AclTarget};
use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::{HazardKind, Step};
use crate::diff::{Change, Op};
use crate::model::{Kind, Object, Privileges};
use std::collections::BTreeMap;

/// The rows of [`Planned`] most kinds share: the kind, its node (`Node::Kind(key)`), its
/// dependencies (`Names::deps_fn`) and its `comment` field.
macro_rules! planned_basics {
    ($kind:ident, $deps:ident) => {
        const KIND: Kind = Kind::$kind;

        fn node(&self) -> Node {
            Node::$kind(self.key())
        }

        fn deps(&self, names: &Names<'_>) -> Vec<Node> {
            names.$deps(self)
        }

        fn comment(&self) -> Option<&str> {
            self.comment.as_deref()
        }
    };
}
pub(super) use planned_basics;

/// What the shared create/drop/alter needs to know of a kind's objects.
pub(in crate::plan) trait Planned: Object {
    const KIND: Kind;
    /// The object as a node of the dependency graph.
    fn node(&self) -> Node;
    /// What it depends on, resolved in `names`' catalog.
    fn deps(&self, names: &Names<'_>) -> Vec<Node>;
    /// What `COMMENT ON` names, and the comment.
    fn comment_target(&self) -> String;
    fn comment(&self) -> Option<&str>;
    /// Where its privileges are granted (`GRANT … ON target`), and the privileges, for kinds
    /// that have them.
    fn acl(&self) -> Option<(AclTarget, &Privileges)> {
        None
    }
    /// The steps that turn `from` into `to` in place, the comment aside.
    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step>;
}

/// A kind dropped by one statement, whatever the table's state: the shared drop.
pub(in crate::plan) trait PlainDrop: Planned {
    fn drop_sql(&self) -> String;
    /// The hazard of dropping it for good: the behaviour that goes with it.
    fn drop_hazard(&self) -> Option<(HazardKind, String)> {
        None
    }
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

impl Pass<'_, '_, '_> {
    /// Creates `o` (`reason`: why it is recreated, when it is).
    pub fn create_planned<T: PlainCreate>(&mut self, o: &T, reason: Option<&str>) {
        let name = o.key().to_string();
        let first = Step::new(o.create_sql(), T::KIND, Op::Create, name.clone());
        let mut steps = vec![first.recreated_because(&name, reason)];
        for sql in o.after_create() {
            steps.push(Step::new(sql, T::KIND, Op::Alter, name.clone()));
        }
        steps.extend(self.comment_and_grants(None, o, &name));
        let deps = o.deps(&self.to);
        self.push(Phase::Main, o.node(), deps, steps);
    }

    /// Drops `o` in `phase` (`reason`: why it is recreated, when it is).
    pub fn drop_planned<T: PlainDrop>(&mut self, o: &T, phase: Phase, reason: Option<&str>) {
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
        if let Some(reason) = self.decided.recreate.get(&node).cloned() {
            return self.recreate_node(&node, &reason);
        }
        let mut steps = T::alter(c, from, to);
        steps.extend(self.comment_and_grants(Some(from), to, &c.name));
        let deps = to.deps(&self.to);
        self.push(Phase::Main, node, deps, steps);
    }

    /// Drops the object of `key` early, as it is in `from`, and creates it again as it is in
    /// `to` (`reason`: why, when it is recreated for something else's sake).
    pub fn recreate_planned<T: PlainCreate + PlainDrop>(
        &mut self,
        from: &BTreeMap<T::Key, T>,
        to: &BTreeMap<T::Key, T>,
        key: &T::Key,
        reason: Option<&str>,
    ) {
        if let (Some(a), Some(b)) = (from.get(key), to.get(key)) {
            self.drop_planned(a, Phase::EarlyDrop, reason);
            self.create_planned(b, reason);
        }
    }

    /// `to`'s comment, when it differs from `from`'s, then the grants and revokes that turn
    /// `from`'s privileges into `to`'s (`from` is `None` for an object being created).
    pub fn comment_and_grants<T: Planned>(
        &self,
        from: Option<&T>,
        to: &T,
        name: &str,
    ) -> Vec<Step> {
        let mut steps = Vec::new();
        if from.and_then(T::comment) != to.comment() {
            let mut step = self.comment_step(T::KIND, name, &to.comment_target(), to.comment());
            if let Some(cond) = super::super::guard::comment::differs(&to.node(), to.comment()) {
                step = step.guarded(super::super::guard::Guard::When(cond));
            }
            steps.push(step);
        }
        if let Some((acl, privileges)) = to.acl() {
            let none = Privileges::default();
            let before = from.and_then(T::acl);
            let before = before.as_ref().map_or(&none, |(_, p)| *p);
            for s in ddl::privilege_statements(&acl, before, privileges) {
                steps.push(self.acl_step(T::KIND, name, s));
            }
        }
        steps
    }
}
