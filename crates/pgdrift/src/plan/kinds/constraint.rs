//! Constraints: primary keys, unique, check, exclusion and foreign keys — added `NOT VALID`
//! then validated on existing tables, built from a concurrent index with `--online`,
//! dropped early (before what they constrain changes) and created in the main phase.

use super::super::ddl;
use super::super::graph::{Names, Node};
use super::super::guard::{self, Guard};
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::{HazardKind, Step};
use super::skeleton::{planned_basics, PlainDrop, Planned};
use crate::diff::{field, Change, Op, Pair};
use crate::model::{
    Constraint, ConstraintKind, Index, KeyIndex, Kind, Object, QualName, TableKind,
};
use crate::sql::Ident;

/// Fields of a constraint that change without recreating it.
pub const CONSTRAINT_IN_PLACE: &[&str] = &[
    field!(Constraint, comment),
    field!(Constraint, validated),
    field!(KeyIndex, index_options),
    field!(KeyIndex, index_comment),
    field!(KeyIndex, clustered),
];

impl<'a> Pass<'_, '_, 'a> {
    pub fn constraint(&mut self, c: &Change<'a>, p: Pair<'a, Constraint>) {
        match p {
            Pair::Created(x) => {
                if let Some(Node::Constraint(old)) =
                    self.decided.renames.get(&Node::Constraint(x.key()))
                {
                    if let Some(old) = self.diff.from.constraints.get(old) {
                        return self.rename_constraint(old, x);
                    }
                }
                self.create_constraint(x, None)
            }
            Pair::Dropped(x) => {
                if self.renamed_away(&Node::Constraint(x.key())) {
                    return;
                }
                let table = QualName::new(&x.schema, &x.table);
                if self.dropped_tables.contains(&table)
                    && !self.decided.early.contains(&Node::Constraint(x.key()))
                {
                    // Goes with its table, but a foreign key is dropped first so that the
                    // tables can be dropped in any order.
                    if matches!(x.kind, ConstraintKind::ForeignKey { .. }) {
                        let step = Step::new(
                            ddl::drop_constraint(x),
                            Kind::Constraint,
                            Op::Drop,
                            c.name.clone(),
                        )
                        .part_of(format!("dropping table {table}"));
                        let deps = self.from.constraint_deps(x);
                        self.push(
                            Phase::EarlyDrop,
                            Node::Constraint(x.key()),
                            deps,
                            vec![step],
                        );
                    }
                    return;
                }
                self.drop_planned(x, Phase::EarlyDrop, None);
            }
            Pair::Altered { from, to } => self.alter_planned(c, from, to),
        }
    }

    pub fn create_constraint(&mut self, x: &Constraint, reason: Option<&str>) {
        let key = x.key();
        let name = key.to_string();
        let table = QualName::new(&x.schema, &x.table);
        let existing = self.existing_table(&table);
        let partitioned = self
            .diff
            .to
            .tables
            .get(&table)
            .is_some_and(|t| t.kind == TableKind::Partitioned);
        let mut main = Vec::new();
        let mut after = Vec::new();
        // A foreign key on columns added by this plan without a default holds only NULLs,
        // which no foreign key rejects.
        let only_new_null_columns = match &x.kind {
            ConstraintKind::ForeignKey { columns, .. } => {
                let (old, new) = (
                    self.diff.from.tables.get(&table),
                    self.diff.to.tables.get(&table),
                );
                columns.iter().all(|name| {
                    let was = old.is_some_and(|t| t.columns.iter().any(|c| &c.name == name));
                    let plain_new = new
                        .and_then(|t| t.columns.iter().find(|c| &c.name == name))
                        .is_some_and(|c| {
                            c.default.is_none() && c.identity.is_none() && c.generated.is_none()
                        });
                    !was && plain_new
                })
            }
            _ => false,
        };
        let may_fail = |s: Step| {
            if existing && !only_new_null_columns {
                s.hazard(
                    HazardKind::MayFailOnData,
                    format!("existing rows of {table} may violate {}", x.name),
                )
            } else {
                s
            }
        };
        // A foreign key on a partitioned table cannot be added NOT VALID before PostgreSQL
        // 18: it is added validated, in one step.
        let unsplittable = partitioned
            && matches!(x.kind, ConstraintKind::ForeignKey { .. })
            && self.opts.server_version_num < 180000;
        match &x.kind {
            ConstraintKind::Check { .. } | ConstraintKind::ForeignKey { .. }
                if (existing || !x.validated) && !unsplittable =>
            {
                // Added without checking the rows (a brief lock), then validated (which
                // does not block writes): with --online in a transaction of its own.
                let add = Step::new(
                    ddl::add_constraint(x, true),
                    Kind::Constraint,
                    Op::Create,
                    name.clone(),
                );
                main.push(self.lock_hazard(add, &table));
                if x.validated {
                    let validate = may_fail(Step::new(
                        format!(
                            "ALTER TABLE {} VALIDATE CONSTRAINT {}",
                            qn_table(x),
                            Ident(&x.name)
                        ),
                        Kind::Constraint,
                        Op::Alter,
                        name.clone(),
                    ))
                    .guarded(Guard::When(guard::exists::constraint_not_validated(&key)));
                    if self.opts.online {
                        after.push(validate);
                    } else {
                        main.push(validate);
                    }
                }
            }
            ConstraintKind::PrimaryKey { columns, index }
            | ConstraintKind::Unique { columns, index, .. }
                if existing && self.opts.online && !partitioned && !self.referenced(&table) =>
            {
                // Build the index without blocking writes, then attach it as the constraint.
                let nulls_not_distinct = matches!(
                    &x.kind,
                    ConstraintKind::Unique {
                        nulls_not_distinct: true,
                        ..
                    }
                );
                let idx = Index {
                    schema: x.schema.clone(),
                    name: x.name.clone(),
                    table: x.table.clone(),
                    unique: true,
                    method: "btree".into(),
                    keys: columns
                        .iter()
                        .map(|c| crate::model::IndexKey {
                            column: Some(c.clone()),
                            expression: None,
                            opclass: None,
                            collation: None,
                            descending: false,
                            nulls_first: false,
                        })
                        .collect(),
                    include: index.include.clone(),
                    predicate: None,
                    nulls_not_distinct,
                    valid: true,
                    clustered: false,
                    options: index.index_options.clone(),
                    statistics: Vec::new(),
                    comment: None,
                };
                let build = Step::new(
                    ddl::create_index(&idx, true),
                    Kind::Constraint,
                    Op::Create,
                    name.clone(),
                );
                let guard = super::index::concurrent_create_guard(&idx, &build.sql);
                after.push(may_fail(build.guarded(guard)));
                let kind = if matches!(&x.kind, ConstraintKind::PrimaryKey { .. }) {
                    "PRIMARY KEY"
                } else {
                    "UNIQUE"
                };
                let mut sql = format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} {kind} USING INDEX {}",
                    qn_table(x),
                    Ident(&x.name),
                    Ident(&x.name)
                );
                if x.deferrable {
                    sql.push_str(" DEFERRABLE");
                    if x.initially_deferred {
                        sql.push_str(" INITIALLY DEFERRED");
                    }
                }
                after.push(Step::new(sql, Kind::Constraint, Op::Create, name.clone()));
            }
            kind => {
                let mut add = may_fail(Step::new(
                    ddl::add_constraint(x, false),
                    Kind::Constraint,
                    Op::Create,
                    name.clone(),
                ));
                if existing
                    && !matches!(
                        kind,
                        ConstraintKind::Check { .. } | ConstraintKind::ForeignKey { .. }
                    )
                {
                    add = add.hazard(
                        HazardKind::IndexNotConcurrent,
                        format!(
                            "builds the index of {} while writes to {table} wait",
                            x.name
                        ),
                    );
                }
                main.push(self.lock_hazard(add, &table));
            }
        }
        if let Some(first) = main.first_mut().or(after.first_mut()) {
            *first = first.clone().recreated_because(&name, reason);
        }
        let index_steps = key_index_steps(None, x, &name);
        if after.is_empty() {
            main.extend(index_steps);
        } else {
            after.extend(index_steps);
        }
        if x.comment.is_some() {
            let step = self.comment_step(
                Kind::Constraint,
                &name,
                &x.comment_target(),
                x.comment.as_deref(),
            );
            if after.is_empty() {
                main.push(step);
            } else {
                after.push(step);
            }
        }
        let deps = self.to.constraint_deps(x);
        if after.is_empty() {
            self.push(Phase::Main, Node::Constraint(key), deps, main);
        } else {
            self.push(
                Phase::Main,
                Node::Constraint(key.clone()),
                deps.clone(),
                main,
            );
            self.push(Phase::After, Node::Constraint(key), deps, after);
        }
    }
}

fn qn_table(c: &Constraint) -> String {
    ddl::qn(&c.schema, &c.table).to_string()
}

impl Pass<'_, '_, '_> {
    /// Whether a foreign key of TO references `table`: a key of `table` the plan builds
    /// must then be there, in the transaction, before the foreign key is (re)created in it,
    /// so it is not built concurrently after the commit.
    pub(super) fn referenced(&self, table: &QualName) -> bool {
        self.diff.to.constraints.values().any(|c| {
            matches!(&c.kind, ConstraintKind::ForeignKey { references, .. } if references == table)
        })
    }
}

impl Planned for Constraint {
    planned_basics!(Constraint, constraint_deps);

    fn comment_target(&self) -> String {
        format!("CONSTRAINT {} ON {}", Ident(&self.name), qn_table(self))
    }

    /// A constraint that becomes validated is validated (it may fail on existing rows); its
    /// index's storage parameters, comment and clustering change in place.
    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step> {
        let mut steps = Vec::new();
        if !from.validated && to.validated {
            let sql = format!(
                "ALTER TABLE {} VALIDATE CONSTRAINT {}",
                qn_table(to),
                Ident(&to.name)
            );
            let step = Step::new(sql, Kind::Constraint, Op::Alter, c.name.clone())
                .hazard(
                    HazardKind::MayFailOnData,
                    format!("validates {} against existing rows", c.name),
                )
                .guarded(Guard::When(guard::exists::constraint_not_validated(
                    &to.key(),
                )));
            steps.push(step);
        }
        steps.extend(key_index_steps(Some(from), to, &c.name));
        steps
    }
}

/// The index behind a primary key or unique constraint.
fn key_index(c: &Constraint) -> Option<&KeyIndex> {
    match &c.kind {
        ConstraintKind::PrimaryKey { index, .. }
        | ConstraintKind::Unique { index, .. }
        | ConstraintKind::Exclusion { index, .. } => Some(index),
        _ => None,
    }
}

/// What is said of a key's index apart from its definition — storage parameters set or
/// reset, its comment — turning `from`'s (none for a new key) into `to`'s (clustering is the
/// table's: `cluster.rs`). The index has the constraint's name.
fn key_index_steps(from: Option<&Constraint>, to: &Constraint, object: &str) -> Vec<Step> {
    let Some(new) = key_index(to) else {
        return Vec::new();
    };
    let none = KeyIndex::default();
    let old = from.and_then(key_index).unwrap_or(&none);
    let index = ddl::qn(&to.schema, &to.name).to_string();
    let step = |sql: String| Step::new(sql, Kind::Constraint, Op::Alter, object);
    let mut steps = Vec::new();
    if from.is_some() {
        let (set, reset) = ddl::option_changes(&old.index_options, &new.index_options);
        if !reset.is_empty() {
            let names = ddl::reloption_names(&reset);
            steps.push(step(format!("ALTER INDEX {index} RESET ({names})")));
        }
        if !set.is_empty() {
            let options = ddl::reloptions(&set);
            steps.push(step(format!("ALTER INDEX {index} SET ({options})")));
        }
    }
    if old.index_comment != new.index_comment {
        let target = format!("INDEX {index}");
        steps.push(step(ddl::comment(&target, new.index_comment.as_deref())));
    }
    steps
}

impl PlainDrop for Constraint {
    fn drop_sql(&self) -> String {
        ddl::drop_constraint(self)
    }
}
