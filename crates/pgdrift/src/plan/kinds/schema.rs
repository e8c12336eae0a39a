//! Schemas, extensions and sequences.

use super::super::ddl::{self, AclTarget};
use super::super::graph::Node;
use super::super::order::Phase;
use super::super::planner::Planner;
use super::super::{HazardKind, Step};
use crate::diff::{Change, Op, Pair};
use crate::model::{Extension, Kind, Object, Privileges, QualName, Schema, Sequence};
use crate::sql::{DollarQuoted, Ident, Literal};

/// `ALTER SEQUENCE` that restarts the sequence at the nearest bound when its current value
/// is outside `[min, max]` (a `DO` block, since the value is read when the plan runs).
fn clamped_alter(sequence: &str, alter: &str, min: i64, max: i64) -> String {
    let body = format!(
        "\nDECLARE v bigint;\nBEGIN\n    SELECT last_value INTO v FROM {sequence};\n    \
         IF v < {min} OR v > {max} THEN\n        \
         EXECUTE {} || ' RESTART WITH ' || greatest({min}, least({max}, v));\n    \
         ELSE\n        EXECUTE {};\n    END IF;\nEND\n",
        Literal(alter),
        Literal(alter)
    );
    format!("DO {}", DollarQuoted(&body))
}

impl<'a> Planner<'_, 'a> {
    pub fn schema(&mut self, c: &Change<'a>, p: Pair<'a, Schema>) {
        let s = p.current();
        let node = Node::Schema(s.name.clone());
        match p {
            Pair::Created(_) => {
                let mut steps = vec![Step::new(
                    ddl::create_schema(&s.name),
                    Kind::Schema,
                    Op::Create,
                    c.name.clone(),
                )];
                steps.extend(self.schema_extras(None, &Privileges::default(), s, &c.name));
                self.push(Phase::Main, node, Vec::new(), steps);
            }
            Pair::Dropped(_) => {
                let step = Step::new(
                    ddl::drop_schema(&s.name),
                    Kind::Schema,
                    Op::Drop,
                    c.name.clone(),
                )
                .hazard(HazardKind::DeletesData, format!("drops schema {}", s.name));
                self.push(Phase::LateDrop, node, Vec::new(), vec![step]);
            }
            Pair::Altered { from, .. } => {
                let steps =
                    self.schema_extras(from.comment.as_deref(), &from.privileges, s, &c.name);
                self.push(Phase::Main, node, Vec::new(), steps);
            }
        }
    }

    fn schema_extras(
        &self,
        comment: Option<&str>,
        privileges: &Privileges,
        to: &Schema,
        name: &str,
    ) -> Vec<Step> {
        let mut steps = Vec::new();
        let target = format!("SCHEMA {}", Ident(&to.name));
        if comment != to.comment.as_deref() {
            steps.push(self.comment_step(Kind::Schema, name, &target, to.comment.as_deref()));
        }
        let acl = AclTarget::object(target);
        for s in ddl::privilege_statements(&acl, privileges, &to.privileges) {
            steps.push(self.acl_step(Kind::Schema, name, s));
        }
        steps
    }

    pub fn extension(&mut self, c: &Change<'a>, p: Pair<'a, Extension>) {
        let e = p.current();
        let node = Node::Extension(e.name.clone());
        let schema_dep = |cat: &crate::model::Catalog| {
            if cat.schemas.contains_key(&e.schema) {
                vec![Node::Schema(e.schema.clone())]
            } else {
                Vec::new()
            }
        };
        match p {
            Pair::Created(_) => {
                let step = Step::new(
                    ddl::create_extension(e),
                    Kind::Extension,
                    Op::Create,
                    c.name.clone(),
                );
                let deps = schema_dep(self.diff.to);
                self.push(Phase::Main, node, deps, vec![step]);
            }
            Pair::Dropped(_) => {
                let step = Step::new(
                    ddl::drop_extension(e),
                    Kind::Extension,
                    Op::Drop,
                    c.name.clone(),
                )
                .hazard(
                    HazardKind::DeletesData,
                    format!(
                        "drops extension {} with every object it owns: rows of its own tables \
                         (its configuration) are deleted and not backed up",
                        e.name
                    ),
                );
                let deps = schema_dep(self.diff.from);
                self.push(Phase::LateDrop, node, deps, vec![step]);
            }
            Pair::Altered { from, .. } => {
                let mut steps = Vec::new();
                if from.schema != e.schema {
                    steps.push(Step::new(
                        format!(
                            "ALTER EXTENSION {} SET SCHEMA {}",
                            Ident(&e.name),
                            Ident(&e.schema)
                        ),
                        Kind::Extension,
                        Op::Alter,
                        c.name.clone(),
                    ));
                }
                if from.version != e.version {
                    steps.push(Step::new(
                        format!(
                            "ALTER EXTENSION {} UPDATE TO {}",
                            Ident(&e.name),
                            Literal(&e.version)
                        ),
                        Kind::Extension,
                        Op::Alter,
                        c.name.clone(),
                    ));
                }
                let deps = schema_dep(self.diff.to);
                self.push(Phase::Main, node, deps, steps);
            }
        }
    }

    pub fn sequence(&mut self, c: &Change<'a>, p: Pair<'a, Sequence>) {
        let s = p.current();
        let key = s.key();
        match p {
            Pair::Created(_) => {
                let mut step = Step::new(
                    ddl::create_sequence(s),
                    Kind::Sequence,
                    Op::Create,
                    c.name.clone(),
                );
                if let Some(owner) = &s.owned_by {
                    let table = QualName::new(&owner.schema, &owner.table);
                    if self.existing_table(&table) {
                        step = step.hazard(
                            HazardKind::SequenceReset,
                            format!(
                                "{} starts at {} while {table} already has rows",
                                c.name, s.options.start
                            ),
                        );
                    }
                }
                let mut steps = vec![step];
                // In a rollback: where the dropped sequence was.
                steps.extend(self.restore_sequence(s, &c.name));
                steps.extend(self.sequence_extras(None, &Privileges::default(), s, &c.name));
                let deps = self.to.sequence_deps(s);
                self.push(Phase::Main, Node::Sequence(key.clone()), deps, steps);
                if s.owned_by.is_some() {
                    self.sequence_owner(s, &c.name);
                }
            }
            Pair::Dropped(_) => {
                if let Some(owner) = &s.owned_by {
                    let table = QualName::new(&owner.schema, &owner.table);
                    let column_gone = self
                        .diff
                        .to
                        .tables
                        .get(&table)
                        .is_some_and(|t| t.column(&owner.column).is_none());
                    // Dropping the owning table or column drops the sequence: its
                    // position is backed up before.
                    if self.dropped_tables.contains(&table) || column_gone {
                        self.owned_sequence_backup(s, &c.name);
                        return;
                    }
                }
                let step = Step::new(
                    format!("DROP SEQUENCE {}", ddl::qn(&s.schema, &s.name)),
                    Kind::Sequence,
                    Op::Drop,
                    c.name.clone(),
                )
                .hazard(
                    HazardKind::DeletesData,
                    format!(
                        "drops sequence {} and its position: the values it has handed out are \
                         forgotten",
                        c.name
                    ),
                );
                let deps = self.from.sequence_deps(s);
                let mut steps: Vec<Step> = self.backup_sequence(s, &c.name).into_iter().collect();
                steps.push(step);
                self.push(Phase::LateDrop, Node::Sequence(key), deps, steps);
            }
            Pair::Altered { from, .. } => {
                let name = ddl::qn(&s.schema, &s.name).to_string();
                let mut steps = Vec::new();
                let changes = ddl::sequence_option_changes(&from.options, &s.options);
                if !changes.is_empty() {
                    let alter = format!("ALTER SEQUENCE {name} {}", changes.join(" "));
                    let (o, n) = (&from.options, &s.options);
                    if n.min > o.min || n.max < o.max {
                        // Narrower bounds fail if the current value falls outside them: move
                        // it to the nearest bound then, and only then.
                        steps.push(
                            Step::new(clamped_alter(&name, &alter, n.min, n.max), Kind::Sequence, Op::Alter, c.name.clone())
                                .hazard(
                                    HazardKind::SequenceReset,
                                    format!("{} restarts at the nearest of its new bounds [{}, {}] if its current value is outside them", c.name, n.min, n.max),
                                ),
                        );
                    } else {
                        steps.push(Step::new(alter, Kind::Sequence, Op::Alter, c.name.clone()));
                    }
                }
                if from.unlogged != s.unlogged {
                    let sql = format!(
                        "ALTER SEQUENCE {name} SET {}",
                        if s.unlogged { "UNLOGGED" } else { "LOGGED" }
                    );
                    steps.push(Step::new(sql, Kind::Sequence, Op::Alter, c.name.clone()));
                }
                steps.extend(self.sequence_extras(
                    from.comment.as_deref(),
                    &from.privileges,
                    s,
                    &c.name,
                ));
                let deps = self.to.sequence_deps(s);
                self.push(Phase::Main, Node::Sequence(key), deps, steps);
                if from.owned_by != s.owned_by {
                    self.sequence_owner(s, &c.name);
                }
            }
        }
    }

    /// `ALTER SEQUENCE ... OWNED BY`, once the owning table exists.
    fn sequence_owner(&mut self, s: &Sequence, name: &str) {
        let owner = match &s.owned_by {
            Some(o) => format!("{}.{}", ddl::qn(&o.schema, &o.table), Ident(&o.column)),
            None => "NONE".to_string(),
        };
        let step = Step::new(
            format!(
                "ALTER SEQUENCE {} OWNED BY {owner}",
                ddl::qn(&s.schema, &s.name)
            ),
            Kind::Sequence,
            Op::Alter,
            name,
        );
        let mut deps = vec![Node::Sequence(s.key())];
        if let Some(o) = &s.owned_by {
            deps.push(Node::Table(QualName::new(&o.schema, &o.table)));
        }
        self.push(Phase::Main, Node::SequenceOwner(s.key()), deps, vec![step]);
    }

    fn sequence_extras(
        &self,
        comment: Option<&str>,
        privileges: &Privileges,
        to: &Sequence,
        name: &str,
    ) -> Vec<Step> {
        let mut steps = Vec::new();
        let target = format!("SEQUENCE {}", ddl::qn(&to.schema, &to.name));
        if comment != to.comment.as_deref() {
            steps.push(self.comment_step(Kind::Sequence, name, &target, to.comment.as_deref()));
        }
        let acl = AclTarget::object(target);
        for s in ddl::privilege_statements(&acl, privileges, &to.privileges) {
            steps.push(self.acl_step(Kind::Sequence, name, s));
        }
        steps
    }
}
