//! The user's access methods. Only their comment changes in place: a new type or handler
//! drops the method and creates it again, which is a manual step when tables, indexes,
//! operator families or classes use it (they would have to go first). Created before the
//! tables, indexes, families and classes that use them (after their handler), dropped
//! after them.

use super::super::ddl;
use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::{Decide, Pass};
use super::super::{HazardKind, ManualStep, Step};
use super::skeleton::{planned_basics, PlainCreate, PlainDrop, Planned};
use crate::diff::{field, Change, Pair};
use crate::model::{AccessMethod, Index, Kind, Object, Table};
use crate::sql::Ident;

/// Fields of an access method that change without recreating it.
pub const ACCESS_METHOD_IN_PLACE: &[&str] = &[field!(AccessMethod, comment)];

impl Names<'_> {
    /// What an access method needs: its handler, when it is the user's own.
    pub fn access_method_deps(&self, a: &AccessMethod) -> Vec<Node> {
        let mut out = Vec::new();
        self.refs(&a.handler, &mut out);
        out.retain(|n| matches!(n, Node::Function(_)));
        out
    }

    /// The user's access method `name`, as a dependency.
    pub fn access_method_ref(&self, name: &str, out: &mut Vec<Node>) {
        if self.catalog().access_methods.contains_key(name) {
            out.push(Node::AccessMethod(name.to_string()));
        }
    }

    /// A table stored with the user's access method (`USING am`) needs it.
    pub fn table_access_method_deps(&self, t: &Table, out: &mut Vec<Node>) {
        if let Some(am) = &t.access_method {
            self.access_method_ref(am, out);
        }
    }

    /// An index needs its access method (when it is the user's own) and the user's operator
    /// classes its keys use: those it names, and for a plain column without one, the
    /// default class of the method for the column's type.
    pub fn index_opclass_deps(&self, i: &Index, out: &mut Vec<Node>) {
        self.access_method_ref(&i.method, out);
        let catalog = self.catalog();
        if catalog.operator_classes.is_empty() {
            return;
        }
        let table = catalog
            .tables
            .get(&crate::model::QualName::new(&i.schema, &i.table));
        for k in &i.keys {
            match (&k.opclass, &k.column) {
                (Some(text), _) => self.named_opclass(text, &i.method, out),
                (None, Some(col)) => {
                    let ty = table.and_then(|t| t.column(col)).map(|c| &c.type_name);
                    if let Some(ty) = ty {
                        self.default_opclass(ty, &i.method, out);
                    }
                }
                (None, None) => {}
            }
        }
    }
}

impl Planned for AccessMethod {
    planned_basics!(AccessMethod, access_method_deps);

    fn comment_target(&self) -> String {
        format!("ACCESS METHOD {}", Ident(&self.name))
    }

    /// Nothing but the comment changes in place (the recreation pass handles the rest).
    fn alter(_: &Change<'_>, _: &Self, _: &Self) -> Vec<Step> {
        Vec::new()
    }
}

impl PlainCreate for AccessMethod {
    fn create_sql(&self) -> String {
        ddl::create_access_method(self)
    }
}

impl PlainDrop for AccessMethod {
    fn drop_sql(&self) -> String {
        ddl::drop_access_method(self)
    }

    fn drop_hazard(&self) -> Option<(HazardKind, String)> {
        let what = format!(
            "{} access method {} is no longer available",
            self.kind, self.name
        );
        Some((HazardKind::DropsBehavior, what))
    }
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn access_method(&mut self, c: &Change<'a>, p: Pair<'a, AccessMethod>) {
        match p {
            Pair::Created(x) => self.create_planned(x, None),
            Pair::Dropped(x) => self.drop_planned(x, Phase::LateDrop, None),
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
        }
    }
}

impl Decide<'_, '_, '_> {
    /// An access method whose type or handler changes is recreated, unless tables, indexes,
    /// operator families or classes that stay use it: then it is a manual step.
    pub(super) fn access_method_seeds(&mut self, node: Node, seeds: &mut Vec<(Node, String)>) {
        let Node::AccessMethod(name) = &node else {
            return;
        };
        let users = self.users_that_stay(&node);
        if users.is_empty() {
            seeds.push((node, "its type or handler changed".to_string()));
            return;
        }
        let reason = format!(
            "its type or handler changed, and an access method cannot be altered: it must \
             be dropped and created again, but {} use it; create a new access method, move \
             them to it, then drop this one",
            users.join(", ")
        );
        self.out.manual.push(ManualStep {
            kind: Kind::AccessMethod,
            object: name.clone(),
            reason,
        });
    }

    /// The tables, indexes, exclusion constraints, operator families and classes that use
    /// `node` and are in `to` as well, for people.
    pub(super) fn users_that_stay(&self, node: &Node) -> Vec<String> {
        let dropped = &self.dropped_tables;
        self.dependents()
            .of(node)
            .iter()
            .filter(|d| self.in_to(d))
            .filter_map(|d| match d {
                Node::Table(t) if !dropped.contains(t) => Some(format!("table {t}")),
                Node::Index(i) => Some(format!("index {i}")),
                Node::Constraint(k) => Some(format!("constraint {k}")),
                Node::OperatorFamily(f) => Some(format!("operator family {f}")),
                Node::OperatorClass(c) => Some(format!("operator class {c}")),
                _ => None,
            })
            .collect()
    }
}
