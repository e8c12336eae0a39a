//! Functions, procedures, aggregates and operators. A routine whose body or attributes
//! change is replaced in place; one whose result, arguments or kind change is dropped and
//! created again (with what depends on it).

use super::super::ddl::{self, AclTarget};
use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::{HazardKind, Step};
use super::objects::only;
use super::skeleton::{planned_basics, PlainCreate, PlainDrop, Planned};
use crate::diff::{field, Change, Op, Pair};
use crate::model::{Function, FunctionKind, Kind, Object, Operator, Privileges, QualName};

/// Fields of a routine whose change needs it dropped and created again.
pub const ROUTINE_SIGNATURE: &[&str] = &[
    field!(Function, kind),
    field!(Function, returns),
    field!(Function, signature),
    field!(Function, aggregate),
];

/// Fields of an aggregate that change without recreating it.
const ROUTINE_IN_PLACE: &[&str] = &[
    field!(Function, comment),
    field!(Function, privileges),
    field!(Function, owner),
];

/// True when a routine change needs a drop and a create.
pub fn routine_needs_recreate(c: &Change<'_>, f: &Function) -> bool {
    f.kind == FunctionKind::Aggregate && !only(c, ROUTINE_IN_PLACE)
        || c.fields
            .iter()
            .any(|x| ROUTINE_SIGNATURE.contains(&x.field.as_str()))
}

/// Fields of an operator that `ALTER OPERATOR` can change.
pub const OPERATOR_IN_PLACE: &[&str] = &[
    field!(Operator, comment),
    field!(Operator, restrict),
    field!(Operator, join),
];

impl<'a> Pass<'_, '_, 'a> {
    pub fn function(&mut self, c: &Change<'a>, p: Pair<'a, Function>) {
        match p {
            Pair::Created(x) => self.create_planned(x, None),
            Pair::Dropped(_) => {
                let f = p.current();
                let node = Node::Function(f.key());
                let phase = if self.decided.early.contains(&node) {
                    Phase::EarlyDrop
                } else {
                    Phase::LateDrop
                };
                self.drop_function(f, phase, None);
            }
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
        }
    }

    pub fn drop_function(&mut self, f: &Function, phase: Phase, reason: Option<&str>) {
        let name = f.key().to_string();
        let mut step = Step::new(ddl::drop_routine(f), Kind::Function, Op::Drop, name.clone());
        if !self.in_to(&Node::Function(f.key())) {
            for t in self.triggers_calling(f) {
                step = step.hazard(
                    HazardKind::DropsBehavior,
                    format!("{name} is the function of trigger {t}, dropped with it"),
                );
            }
        }
        if let Some(r) = reason {
            step = step.hazard(
                if self.decided.own.contains(&Node::Function(f.key())) {
                    HazardKind::SignatureChange
                } else {
                    HazardKind::RecreatesDependents
                },
                format!("{name} is recreated because {r}"),
            );
        }
        let deps = self.from.function_deps(f);
        self.push(phase, Node::Function(f.key()), deps, vec![step]);
    }

    /// The triggers of `from` that call `f` on tables and views the plan keeps.
    fn triggers_calling(&self, f: &Function) -> Vec<String> {
        self.diff
            .from
            .triggers
            .values()
            .filter(|t| {
                f.returns.as_deref() == Some("trigger")
                    && t.function.schema == f.schema
                    && t.function.name == f.name
            })
            .filter(|t| {
                let rel = QualName::new(&t.schema, &t.table);
                !self.dropped_tables.contains(&rel) && !self.dropped_views.contains(&rel)
            })
            .map(|t| format!("{} on {}.{}", t.name, t.schema, t.table))
            .collect()
    }

    pub fn operator(&mut self, c: &Change<'a>, p: Pair<'a, Operator>) {
        match p {
            Pair::Created(x) => self.create_planned(x, None),
            Pair::Dropped(o) => {
                let phase = if self.decided.early.contains(&o.node()) {
                    Phase::EarlyDrop
                } else {
                    Phase::LateDrop
                };
                self.drop_planned(o, phase, None);
            }
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
        }
    }
}

impl Planned for Function {
    planned_basics!(Function, function_deps);

    fn comment_target(&self) -> String {
        let identity = ddl::routine_identity(self);
        format!("{} {identity}", ddl::routine_keyword(self))
    }

    fn acl(&self) -> Option<(AclTarget, &Privileges)> {
        let keyword = if self.kind == FunctionKind::Procedure {
            "PROCEDURE"
        } else {
            "FUNCTION"
        };
        let identity = ddl::routine_identity(self);
        let target = AclTarget::object(format!("{keyword} {identity}")).public_default("EXECUTE");
        Some((target, &self.privileges))
    }

    /// A routine whose body or attributes change is replaced (`CREATE OR REPLACE`).
    fn alter(c: &Change<'_>, _from: &Self, to: &Self) -> Vec<Step> {
        if only(c, ROUTINE_IN_PLACE) {
            return Vec::new();
        }
        let sql = ddl::create_routine(to);
        vec![Step::new(sql, Kind::Function, Op::Alter, c.name.clone())]
    }
}

impl PlainCreate for Function {
    fn create_sql(&self) -> String {
        ddl::create_routine(self)
    }
}

impl Planned for Operator {
    planned_basics!(Operator, operator_deps);

    fn comment_target(&self) -> String {
        format!("OPERATOR {}", ddl::operator_identity(self))
    }

    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step> {
        let estimator = |label: &str, f: &Option<String>| {
            format!(
                "{label} = {}",
                f.as_deref().map_or("NONE", ddl::routine_name)
            )
        };
        let mut set = Vec::new();
        if from.restrict != to.restrict {
            set.push(estimator("RESTRICT", &to.restrict));
        }
        if from.join != to.join {
            set.push(estimator("JOIN", &to.join));
        }
        if set.is_empty() {
            return Vec::new();
        }
        let sql = format!(
            "ALTER OPERATOR {} SET ({})",
            ddl::operator_identity(to),
            set.join(", ")
        );
        vec![Step::new(sql, Kind::Operator, Op::Alter, c.name.clone())]
    }
}

impl PlainDrop for Operator {
    fn drop_sql(&self) -> String {
        ddl::drop_operator(self)
    }
}

impl PlainCreate for Operator {
    fn create_sql(&self) -> String {
        ddl::create_operator(self)
    }
}
