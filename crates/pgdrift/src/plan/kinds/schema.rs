//! Schemas, extensions and sequences: schemas and extensions entirely through the shared
//! create/drop/alter (`skeleton.rs`), sequences with a create and a drop of their own (a
//! sequence holds its position, which a drop backs up and a rollback restores).

use super::super::ddl::{self, AclTarget};
use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::{HazardKind, Step};
use super::skeleton::{planned_basics, PlainCreate, PlainDrop, Planned};
use crate::diff::{Change, Op, Pair};
use crate::model::{Extension, Kind, Object, Privileges, QualName, Schema, Sequence};
use crate::sql::{DollarQuoted, Ident, Literal};

/// `ALTER SEQUENCE` that restarts the sequence at the nearest bound when its current value
/// is outside `[min, max]` (a `DO` block, since the value is read when the plan runs).
pub(super) fn clamped_alter(sequence: &str, alter: &str, min: i64, max: i64) -> String {
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

impl<'a> Pass<'_, '_, 'a> {
    pub fn schema(&mut self, c: &Change<'a>, p: Pair<'a, Schema>) {
        match p {
            Pair::Created(s) => self.create_planned(s, None),
            Pair::Dropped(s) => self.drop_planned(s, Phase::LateDrop, None),
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
        }
    }

    pub fn extension(&mut self, c: &Change<'a>, p: Pair<'a, Extension>) {
        match p {
            Pair::Created(e) => self.create_planned(e, None),
            Pair::Dropped(e) => self.drop_planned(e, Phase::LateDrop, None),
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
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
                steps.extend(self.comment_and_grants(None, s, &c.name));
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
                let phase = if self.decided.early.contains(&Node::Sequence(key.clone())) {
                    Phase::EarlyDrop
                } else {
                    Phase::LateDrop
                };
                self.push(phase, Node::Sequence(key), deps, steps);
            }
            Pair::Altered { from, to } => {
                self.alter_planned(c, from, to);
                if from.owned_by != to.owned_by {
                    self.sequence_owner(to, &c.name);
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
}

impl Planned for Schema {
    const KIND: Kind = Kind::Schema;

    fn node(&self) -> Node {
        Node::Schema(self.name.clone())
    }

    fn deps(&self, _: &Names<'_>) -> Vec<Node> {
        Vec::new()
    }

    fn comment_target(&self) -> String {
        format!("SCHEMA {}", Ident(&self.name))
    }

    fn comment(&self) -> Option<&str> {
        self.comment.as_deref()
    }

    fn acl(&self) -> Option<(AclTarget, &Privileges)> {
        Some((AclTarget::object(self.comment_target()), &self.privileges))
    }

    /// Nothing but its comment and privileges changes in place.
    fn alter(_: &Change<'_>, _: &Self, _: &Self) -> Vec<Step> {
        Vec::new()
    }
}

impl PlainCreate for Schema {
    fn create_sql(&self) -> String {
        ddl::create_schema(&self.name)
    }
}

impl PlainDrop for Schema {
    fn drop_sql(&self) -> String {
        ddl::drop_schema(&self.name)
    }

    fn drop_hazard(&self) -> Option<(HazardKind, String)> {
        Some((
            HazardKind::DeletesData,
            format!("drops schema {}", self.name),
        ))
    }
}

impl Planned for Sequence {
    planned_basics!(Sequence, sequence_deps);

    fn comment_target(&self) -> String {
        format!("SEQUENCE {}", ddl::qn(&self.schema, &self.name))
    }

    fn acl(&self) -> Option<(AclTarget, &Privileges)> {
        Some((AclTarget::object(self.comment_target()), &self.privileges))
    }

    /// Options (narrower bounds move a current value outside them to the nearest bound) and
    /// logging; its owner is set apart, once the owning table exists.
    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step> {
        let name = ddl::qn(&to.schema, &to.name).to_string();
        let step = |sql: String| Step::new(sql, Kind::Sequence, Op::Alter, c.name.clone());
        let mut steps = Vec::new();
        let changes = ddl::sequence_option_changes(&from.options, &to.options);
        if !changes.is_empty() {
            let alter = format!("ALTER SEQUENCE {name} {}", changes.join(" "));
            let (o, n) = (&from.options, &to.options);
            if n.min > o.min || n.max < o.max {
                let why = format!(
                    "{} restarts at the nearest of its new bounds [{}, {}] if its current value is outside them",
                    c.name, n.min, n.max
                );
                let sql = clamped_alter(&name, &alter, n.min, n.max);
                steps.push(step(sql).hazard(HazardKind::SequenceReset, why));
            } else {
                steps.push(step(alter));
            }
        }
        if from.unlogged != to.unlogged {
            let logging = if to.unlogged { "UNLOGGED" } else { "LOGGED" };
            steps.push(step(format!("ALTER SEQUENCE {name} SET {logging}")));
        }
        steps
    }
}

impl Planned for Extension {
    const KIND: Kind = Kind::Extension;

    fn node(&self) -> Node {
        Node::Extension(self.name.clone())
    }

    /// Its schema, when the catalog has it (an extension may live in `public`).
    fn deps(&self, names: &Names<'_>) -> Vec<Node> {
        if names.catalog().schemas.contains_key(&self.schema) {
            vec![Node::Schema(self.schema.clone())]
        } else {
            Vec::new()
        }
    }

    fn comment_target(&self) -> String {
        format!("EXTENSION {}", Ident(&self.name))
    }

    /// The catalog keeps no comment of an extension: its own script sets it.
    fn comment(&self) -> Option<&str> {
        None
    }

    /// A new schema, then a new version.
    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step> {
        let step = |sql: String| Step::new(sql, Kind::Extension, Op::Alter, c.name.clone());
        let name = Ident(&to.name);
        let mut steps = Vec::new();
        if from.schema != to.schema {
            steps.push(step(format!(
                "ALTER EXTENSION {name} SET SCHEMA {}",
                Ident(&to.schema)
            )));
        }
        if from.version != to.version {
            steps.push(step(format!(
                "ALTER EXTENSION {name} UPDATE TO {}",
                Literal(&to.version)
            )));
        }
        steps
    }
}

impl PlainCreate for Extension {
    fn create_sql(&self) -> String {
        ddl::create_extension(self)
    }
}

impl PlainDrop for Extension {
    fn drop_sql(&self) -> String {
        ddl::drop_extension(self)
    }

    fn drop_hazard(&self) -> Option<(HazardKind, String)> {
        let what = format!(
            "drops extension {} with every object it owns: rows of its own tables \
             (its configuration) are deleted and not backed up",
            self.name
        );
        Some((HazardKind::DeletesData, what))
    }
}
