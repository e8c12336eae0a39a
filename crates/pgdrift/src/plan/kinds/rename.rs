//! Constraints and indexes that differ only by name. A tool that names a unique key
//! `users_email_unique` where PostgreSQL says `users_email_key` describes the same key:
//! dropping it and creating it again would rebuild the index (or validate a foreign key
//! over the whole table) for nothing, so the plan renames it instead — `ALTER TABLE ...
//! RENAME CONSTRAINT` (which renames a key's index with it) or `ALTER INDEX ... RENAME`.
//! Only when the new name is free in `from`, and the object is not dropped early for
//! another change.

use super::super::ddl;
use super::super::graph::Node;
use super::super::order::Phase;
use super::super::planner::{Decide, Pass};
use super::super::Step;
use crate::diff::{Op, Subject};
use crate::model::{Constraint, ConstraintKind, Index, Kind, Object};
use crate::sql::Ident;

/// True when two constraints are the same but for their names and comments.
fn same_constraint(a: &Constraint, b: &Constraint) -> bool {
    a.schema == b.schema
        && a.table == b.table
        && a.kind == b.kind
        && a.deferrable == b.deferrable
        && a.initially_deferred == b.initially_deferred
        && a.validated == b.validated
        && a.enforced == b.enforced
}

/// True when two indexes are the same but for their names and comments.
fn same_index(a: &Index, b: &Index) -> bool {
    a.valid
        && b.valid
        && Index {
            name: b.name.clone(),
            comment: b.comment.clone(),
            ..a.clone()
        } == *b
}

/// True when a constraint owns an index (named as the constraint).
fn has_index(c: &Constraint) -> bool {
    matches!(
        c.kind,
        ConstraintKind::PrimaryKey { .. }
            | ConstraintKind::Unique { .. }
            | ConstraintKind::Exclusion { .. }
    )
}

impl Decide<'_, '_, '_> {
    /// Pairs each dropped constraint and index with a created one that differs only by
    /// name, and records them in `renames` (new -> old).
    pub fn find_renames(&mut self) {
        let mut dropped: Vec<Node> = Vec::new();
        let mut created: Vec<Node> = Vec::new();
        for c in &self.diff.changes {
            let node = match c.subject {
                Subject::Constraint(p) => Node::Constraint(p.current().key()),
                Subject::Index(p) => Node::Index(p.current().key()),
                _ => continue,
            };
            match c.op {
                Op::Drop => dropped.push(node),
                Op::Create => created.push(node),
                Op::Alter => {}
            }
        }
        for new in created {
            let pick = dropped.iter().position(|old| self.renamable(old, &new));
            if let Some(i) = pick {
                let old = dropped.remove(i);
                self.decided.renames.insert(new, old);
            }
        }
    }

    /// True when `old` (in `from`) can become `new` (in `to`) by a rename.
    fn renamable(&self, old: &Node, new: &Node) -> bool {
        if self.decided.early.contains(old) || self.decided.recreate.contains_key(old) {
            return false;
        }
        let (from, to) = (self.diff.from, self.diff.to);
        match (old, new) {
            (Node::Constraint(a), Node::Constraint(b)) => {
                let (Some(x), Some(y)) = (from.constraints.get(a), to.constraints.get(b)) else {
                    return false;
                };
                let table = crate::model::QualName::new(&x.schema, &x.table);
                same_constraint(x, y)
                    && from.tables.contains_key(&table)
                    && to.tables.contains_key(&table)
                    && !from
                        .constraints
                        .keys()
                        .any(|k| k.schema == b.schema && k.table == b.table && k.name == b.name)
                    && (!has_index(y) || self.relation_name_free(&y.schema, &y.name))
            }
            (Node::Index(a), Node::Index(b)) => {
                let (Some(x), Some(y)) = (from.indexes.get(a), to.indexes.get(b)) else {
                    return false;
                };
                same_index(x, y) && self.relation_name_free(&y.schema, &y.name)
            }
            _ => false,
        }
    }

    /// True when no relation of `from` (table, view, sequence, index, a key's index) in
    /// `schema` is called `name`.
    fn relation_name_free(&self, schema: &str, name: &str) -> bool {
        let from = self.diff.from;
        let key = crate::model::QualName::new(schema, name);
        !(from.tables.contains_key(&key)
            || from.views.contains_key(&key)
            || from.sequences.contains_key(&key)
            || from.indexes.contains_key(&key)
            || from
                .constraints
                .values()
                .any(|c| has_index(c) && c.schema == schema && c.name == name))
    }
}

impl Pass<'_, '_, '_> {
    /// True when the drop of `node` is done by renaming it.
    pub fn renamed_away(&self, node: &Node) -> bool {
        self.decided.renames.values().any(|old| old == node)
    }

    /// `ALTER TABLE ... RENAME CONSTRAINT` from `old` to `new`, and the new comment. Runs
    /// with the early drops, before anything refers to the new name.
    pub fn rename_constraint(&mut self, old: &Constraint, new: &Constraint) {
        let name = new.key().to_string();
        let table = ddl::qn(&new.schema, &new.table);
        let mut steps = vec![Step::new(
            format!(
                "ALTER TABLE {table} RENAME CONSTRAINT {} TO {}",
                Ident(&old.name),
                Ident(&new.name)
            ),
            Kind::Constraint,
            Op::Alter,
            name.clone(),
        )];
        if old.comment != new.comment {
            let target = format!("CONSTRAINT {} ON {table}", Ident(&new.name));
            steps.push(self.comment_step(Kind::Constraint, &name, &target, new.comment.as_deref()));
        }
        self.push(
            Phase::EarlyDrop,
            Node::Constraint(new.key()),
            Vec::new(),
            steps,
        );
    }

    /// `ALTER INDEX ... RENAME TO`, and the new comment.
    pub fn rename_index(&mut self, old: &Index, new: &Index) {
        let name = new.key().to_string();
        let mut steps = vec![Step::new(
            format!(
                "ALTER INDEX {} RENAME TO {}",
                ddl::qn(&old.schema, &old.name),
                Ident(&new.name)
            ),
            Kind::Index,
            Op::Alter,
            name.clone(),
        )];
        if old.comment != new.comment {
            let target = format!("INDEX {}", ddl::qn(&new.schema, &new.name));
            steps.push(self.comment_step(Kind::Index, &name, &target, new.comment.as_deref()));
        }
        self.push(Phase::EarlyDrop, Node::Index(new.key()), Vec::new(), steps);
    }
}
