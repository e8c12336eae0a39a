//! The user's operator families and classes. A family's loose members (`ALTER OPERATOR
//! FAMILY ... ADD/DROP`) and comment change in place. A class cannot be altered: any change
//! but its comment and owner drops it and creates it again, which is a manual step when an
//! index or constraint that stays uses it. The plan always creates a family before its
//! classes and names it in `CREATE OPERATOR CLASS` (the catalog is the same as with the
//! implicit family), and drops a class before its family. Both come after their access
//! method, types, operators and functions, and before the indexes that use them; drops go
//! the other way.

use super::super::ddl;
use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::{Decide, Pass};
use super::super::refs::qualified_names;
use super::super::{ManualStep, Step};
use super::skeleton::{planned_basics, PlainCreate, PlainDrop, Planned};
use crate::diff::{field, Change, Op, Pair};
use crate::model::{
    Kind, Object, OpFunction, OpOperator, OperatorClass, OperatorFamily, UsingName,
};

/// Fields of a class that change without recreating it.
pub const CLASS_IN_PLACE: &[&str] = &[field!(OperatorClass, comment), field!(OperatorClass, owner)];

/// `text` without a type modifier: `character varying(20)` is `character varying`.
fn without_typmod(text: &str) -> String {
    match (text.find('('), text.rfind(')')) {
        (Some(a), Some(b)) if !text.contains('"') && a < b => {
            format!("{}{}", &text[..a], &text[b + 1..])
        }
        _ => text.to_string(),
    }
}

impl Names<'_> {
    /// The class an index key names (`s.c`), with the index's method.
    pub fn named_opclass(&self, text: &str, method: &str, out: &mut Vec<Node>) {
        for (schema, name) in qualified_names(text) {
            let key = UsingName {
                schema: schema.into_owned(),
                name: name.into_owned(),
                method: method.to_string(),
            };
            if self.catalog().operator_classes.contains_key(&key) {
                out.push(Node::OperatorClass(key));
            }
        }
    }

    /// The classes an exclusion constraint's definition names (`EXCLUDE USING gist (c
    /// s.ops WITH &&)`), with its method.
    pub fn exclusion_opclass_deps(&self, definition: &str, out: &mut Vec<Node>) {
        if self.catalog().operator_classes.is_empty() {
            return;
        }
        let method = definition
            .strip_prefix("EXCLUDE USING ")
            .and_then(|rest| rest.split([' ', '(']).next());
        if let Some(method) = method {
            self.named_opclass(definition, method, out);
        }
    }

    /// The user's default classes of `method` for type `ty`: what a key of that type
    /// without a class uses.
    pub fn default_opclass(&self, ty: &str, method: &str, out: &mut Vec<Node>) {
        let ty = without_typmod(ty);
        for (k, c) in &self.catalog().operator_classes {
            if c.default && c.method == method && c.for_type == ty {
                out.push(Node::OperatorClass(k.clone()));
            }
        }
    }

    /// What members need: their operators and functions (those the catalog has), their
    /// operand types and the families that sort an ordering operator's results.
    fn member_deps(&self, ops: &[OpOperator], fns: &[OpFunction], out: &mut Vec<Node>) {
        let catalog = self.catalog();
        for o in ops {
            let signature = o.signature();
            if catalog.operators.contains_key(&signature) {
                out.push(Node::Operator(signature));
            }
            self.refs(&o.left, out);
            self.refs(&o.right, out);
            if let Some(f) = &o.sort_family {
                let key = UsingName {
                    schema: f.schema.clone(),
                    name: f.name.clone(),
                    method: "btree".into(),
                };
                if catalog.operator_families.contains_key(&key) {
                    out.push(Node::OperatorFamily(key));
                }
            }
        }
        for f in fns {
            let signature = f.signature();
            if catalog.functions.contains_key(&signature) {
                out.push(Node::Function(signature));
            }
            self.refs(&f.left, out);
            self.refs(&f.right, out);
        }
    }

    fn own_schema(&self, schema: &str, out: &mut Vec<Node>) {
        if self.catalog().schemas.contains_key(schema) {
            out.push(Node::Schema(schema.to_string()));
        }
    }

    /// What a family needs: its schema, its access method, and its loose members' objects.
    pub fn family_deps(&self, f: &OperatorFamily) -> Vec<Node> {
        let mut out = Vec::new();
        self.own_schema(&f.schema, &mut out);
        self.access_method_ref(&f.method, &mut out);
        self.member_deps(&f.operators, &f.functions, &mut out);
        out
    }

    /// What a class needs: its schema, access method, family, types and members' objects.
    pub fn class_deps(&self, c: &OperatorClass) -> Vec<Node> {
        let mut out = Vec::new();
        self.own_schema(&c.schema, &mut out);
        self.access_method_ref(&c.method, &mut out);
        let family = c.family_key();
        if self.catalog().operator_families.contains_key(&family) {
            out.push(Node::OperatorFamily(family));
        }
        self.refs(&c.for_type, &mut out);
        if let Some(s) = &c.storage {
            self.refs(s, &mut out);
        }
        self.member_deps(&c.operators, &c.functions, &mut out);
        out
    }
}

impl Planned for OperatorFamily {
    planned_basics!(OperatorFamily, family_deps);

    fn comment_target(&self) -> String {
        ddl::family_target(self)
    }

    /// Loose members dropped (those gone or changed), then added (those new or changed).
    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step> {
        let gone_ops: Vec<&OpOperator> = (from.operators.iter())
            .filter(|o| !to.operators.contains(o))
            .collect();
        let gone_fns: Vec<&OpFunction> = (from.functions.iter())
            .filter(|f| !to.functions.contains(f))
            .collect();
        let new_ops: Vec<&OpOperator> = (to.operators.iter())
            .filter(|o| !from.operators.contains(o))
            .collect();
        let new_fns: Vec<&OpFunction> = (to.functions.iter())
            .filter(|f| !from.functions.contains(f))
            .collect();
        [
            ddl::drop_family_members(from, &gone_ops, &gone_fns),
            ddl::add_family_members(to, &new_ops, &new_fns),
        ]
        .into_iter()
        .flatten()
        .map(|sql| Step::new(sql, Kind::OperatorFamily, Op::Alter, &c.name))
        .collect()
    }
}

impl PlainCreate for OperatorFamily {
    fn create_sql(&self) -> String {
        ddl::create_family(self)
    }

    /// Its loose members, all added.
    fn after_create(&self) -> Vec<String> {
        let ops: Vec<&OpOperator> = self.operators.iter().collect();
        let fns: Vec<&OpFunction> = self.functions.iter().collect();
        ddl::add_family_members(self, &ops, &fns)
            .into_iter()
            .collect()
    }
}

impl PlainDrop for OperatorFamily {
    fn drop_sql(&self) -> String {
        ddl::drop_family(self)
    }
}

impl Planned for OperatorClass {
    planned_basics!(OperatorClass, class_deps);

    fn comment_target(&self) -> String {
        ddl::class_target(self)
    }

    /// Nothing but the comment changes in place (the recreation pass handles the rest).
    fn alter(_: &Change<'_>, _: &Self, _: &Self) -> Vec<Step> {
        Vec::new()
    }
}

impl PlainCreate for OperatorClass {
    fn create_sql(&self) -> String {
        ddl::create_class(self)
    }
}

impl PlainDrop for OperatorClass {
    fn drop_sql(&self) -> String {
        ddl::drop_class(self)
    }
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn operator_family(&mut self, c: &Change<'a>, p: Pair<'a, OperatorFamily>) {
        match p {
            Pair::Created(x) => self.create_planned(x, None),
            Pair::Dropped(x) => {
                if let Some(class) = self.class_left_in(x) {
                    let reason = format!(
                        "operator class {class} is still in it: the class must be recreated \
                         by hand first (see its own step), then drop the family"
                    );
                    return self.manual(Kind::OperatorFamily, x.key().to_string(), reason);
                }
                self.drop_planned(x, Phase::LateDrop, None)
            }
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
        }
    }

    pub fn operator_class(&mut self, c: &Change<'a>, p: Pair<'a, OperatorClass>) {
        match p {
            Pair::Created(x) => self.create_planned(x, None),
            Pair::Dropped(x) => self.drop_planned(x, Phase::LateDrop, None),
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
        }
    }
}

impl Pass<'_, '_, '_> {
    /// A class of `family` in FROM that stays, not recreated by the plan (a manual step
    /// keeps it): dropping the family would drop it too.
    fn class_left_in(&self, family: &OperatorFamily) -> Option<UsingName> {
        let key = family.key();
        let (from, to) = (self.diff.from, self.diff.to);
        from.operator_classes
            .iter()
            .filter(|(_, x)| x.family_key() == key)
            .map(|(k, _)| k)
            .find(|k| {
                to.operator_classes.contains_key(*k)
                    && !self
                        .decided
                        .recreate
                        .contains_key(&Node::OperatorClass((*k).clone()))
            })
            .cloned()
    }
}

impl Decide<'_, '_, '_> {
    /// A class whose definition changes is recreated, unless indexes or constraints that
    /// stay use it (by name, or as the default for their column's type): then it is a
    /// manual step.
    pub(super) fn operator_class_seeds(&mut self, node: Node, seeds: &mut Vec<(Node, String)>) {
        let Node::OperatorClass(key) = &node else {
            return;
        };
        let users = self.users_that_stay(&node);
        if users.is_empty() {
            seeds.push((node, "its definition changed".to_string()));
            return;
        }
        let reason = format!(
            "its definition changed, and an operator class cannot be altered: it must be \
             dropped and created again, but {} use it; create a new class, rebuild those \
             indexes with it, then drop this one",
            users.join(", ")
        );
        self.out.manual.push(ManualStep {
            kind: Kind::OperatorClass,
            object: key.to_string(),
            reason,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::without_typmod;

    #[test]
    fn type_modifiers_are_left_out() {
        assert_eq!(without_typmod("character varying(20)"), "character varying");
        assert_eq!(without_typmod("numeric(10,2)[]"), "numeric[]");
        assert_eq!(without_typmod("app.\"t(1)\""), "app.\"t(1)\"");
        assert_eq!(without_typmod("text"), "text");
    }
}
