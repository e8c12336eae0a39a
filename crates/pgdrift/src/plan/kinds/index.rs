//! Indexes: created (`CONCURRENTLY` after the commit with `--online`), dropped (early, or
//! concurrently before the transaction), changed in place where PostgreSQL can (storage
//! parameters, statistics targets, comment; clustering is the table's, `cluster.rs`) and
//! otherwise dropped and created again. An index
//! INVALID in `from` says so where it is dropped; one INVALID in `to` is a manual step.

use super::super::ddl;
use super::super::graph::{Names, Node};
use super::super::guard::{self, Guard};
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::{HazardKind, Step};
use super::skeleton::{planned_basics, Planned};
use crate::diff::{field, Change, Op, Pair};
use crate::model::{Index, KeyStatistics, Kind, Object, QualName, TableKind};

/// Fields of an index that change without recreating it.
pub const INDEX_IN_PLACE: &[&str] = &[
    field!(Index, comment),
    field!(Index, clustered),
    field!(Index, options),
    field!(Index, statistics),
];

impl<'a> Pass<'_, '_, 'a> {
    pub fn index(&mut self, c: &Change<'a>, p: Pair<'a, Index>) {
        match p {
            Pair::Created(x) => {
                if let Some(Node::Index(old)) = self.decided.renames.get(&Node::Index(x.key())) {
                    if let Some(old) = self.diff.from.indexes.get(old) {
                        return self.rename_index(old, x);
                    }
                }
                self.create_index(x, None)
            }
            Pair::Dropped(x) => {
                let rel = QualName::new(&x.schema, &x.table);
                let gone = self.dropped_tables.contains(&rel) || self.dropped_views.contains(&rel);
                let renamed = self.renamed_away(&Node::Index(x.key()));
                if renamed || gone && !self.decided.early.contains(&Node::Index(x.key())) {
                    return;
                }
                self.drop_index(x, None);
            }
            Pair::Altered { from, to } => {
                if from.valid && !to.valid && !self.decided.recreate.contains_key(&to.node()) {
                    self.invalid_in_to(&c.name);
                }
                self.alter_planned(c, from, to)
            }
        }
    }

    /// An index INVALID in `to` (a failed concurrent build there): the plan builds indexes
    /// valid and cannot copy that state, so it says so.
    fn invalid_in_to(&mut self, name: &str) {
        self.manual(
            Kind::Index,
            name,
            "the index is INVALID in TO (a failed CREATE INDEX CONCURRENTLY or REINDEX there): \
             the plan builds it valid, if at all; rebuild it in TO with REINDEX INDEX \
             CONCURRENTLY, or drop it there",
        );
    }

    pub fn create_index(&mut self, x: &Index, reason: Option<&str>) {
        let key = x.key();
        let name = key.to_string();
        let rel = QualName::new(&x.schema, &x.table);
        let existing = self.existing_table(&rel) || self.diff.from.views.contains_key(&rel);
        let partitioned = self
            .diff
            .to
            .tables
            .get(&rel)
            .is_some_and(|t| t.kind == TableKind::Partitioned);
        // An INVALID index of a partitioned table is one that some partition has no index
        // attached to yet: created `ON ONLY` the parent, it is that again. Elsewhere the
        // plan cannot build an index INVALID, and says so.
        let only = partitioned && !x.valid;
        if !x.valid && !only {
            self.invalid_in_to(&name);
        }
        // A unique index a foreign key references must be there before the transaction
        // (re)creates the foreign key: built in it.
        let online =
            self.opts.online && existing && !partitioned && !(x.unique && self.referenced(&rel));
        let sql = if only {
            ddl::create_index_on_only(x)
        } else {
            ddl::create_index(x, online)
        };
        let mut step = Step::new(sql, Kind::Index, Op::Create, name.clone());
        if online {
            let guard = concurrent_create_guard(x, &step.sql);
            step = step.guarded(guard);
        }
        if existing && !online {
            step = step.hazard(
                HazardKind::IndexNotConcurrent,
                format!("writes to {rel} wait while {} builds", x.name),
            );
        }
        if existing && x.unique {
            step = step.hazard(
                HazardKind::MayFailOnData,
                format!("existing rows of {rel} may hold duplicates"),
            );
        }
        step = step.recreated_because(&name, reason);
        let mut steps = vec![step];
        for sql in statistics_changes(x, &[], &x.statistics) {
            steps.push(Step::new(sql, Kind::Index, Op::Alter, name.clone()));
        }
        if x.comment.is_some() {
            let target = x.comment_target();
            steps.push(self.comment_step(Kind::Index, &name, &target, x.comment.as_deref()));
        }
        let deps = self.to.index_deps(x);
        let phase = if online { Phase::After } else { Phase::Main };
        self.push(phase, Node::Index(key), deps, steps);
    }

    pub fn drop_index(&mut self, x: &Index, reason: Option<&str>) {
        let name = x.key().to_string();
        let rel = QualName::new(&x.schema, &x.table);
        let partitioned = self
            .diff
            .from
            .tables
            .get(&rel)
            .is_some_and(|t| t.kind == TableKind::Partitioned);
        // Concurrently only for an index that goes away for good (a recreated one must be
        // gone before its replacement is built in the transaction).
        let online = self.opts.online && !partitioned && reason.is_none();
        let mut step = Step::new(
            ddl::drop_index(x, online),
            Kind::Index,
            Op::Drop,
            name.clone(),
        );
        if online {
            // A `DO` block cannot drop concurrently: an idempotent script drops it plainly
            // (nothing to scan; the table's lock is held briefly, under lock_timeout) in the
            // `DO` block that records it, so that a second run leaves alone an index the
            // plan builds again under the same name.
            step = step.guarded(Guard::Instead {
                cond: guard::exists::relation(&QualName::new(&x.schema, &x.name), "iI"),
                sql: ddl::drop_index(x, false),
            });
        }
        // An INVALID index of a partitioned table is one created `ON ONLY` it that some
        // partition has no index attached to: nothing failed, and dropping it loses nothing.
        if !x.valid && !partitioned {
            let again = if self.in_to(&Node::Index(x.key())) {
                " and built again"
            } else {
                ""
            };
            step = step.hazard(
                HazardKind::InvalidIndex,
                format!("{name} is INVALID in FROM (a failed concurrent build?): dropped{again}"),
            );
        }
        step = step.recreated_because(&name, reason);
        let deps = self.from.index_deps(x);
        let phase = if online {
            Phase::Before
        } else {
            Phase::EarlyDrop
        };
        self.push(phase, Node::Index(x.key()), deps, vec![step]);
    }
}

impl Planned for Index {
    planned_basics!(Index, index_deps);

    fn comment_target(&self) -> String {
        format!("INDEX {}", ddl::qn(&self.schema, &self.name))
    }

    /// Storage parameters reset and set, statistics targets (clustering is the table's:
    /// `cluster.rs`).
    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step> {
        let name = ddl::qn(&to.schema, &to.name).to_string();
        let step = |sql: String| Step::new(sql, Kind::Index, Op::Alter, c.name.clone());
        let mut steps = Vec::new();
        let (set, reset) = ddl::option_changes(&from.options, &to.options);
        if !reset.is_empty() {
            let names = ddl::reloption_names(&reset);
            steps.push(step(format!("ALTER INDEX {name} RESET ({names})")));
        }
        if !set.is_empty() {
            let options = ddl::reloptions(&set);
            steps.push(step(format!("ALTER INDEX {name} SET ({options})")));
        }
        for sql in statistics_changes(to, &from.statistics, &to.statistics) {
            steps.push(step(sql));
        }
        steps
    }
}

/// `ALTER INDEX ... ALTER COLUMN n SET STATISTICS t` for each target that `to` sets
/// differently from `from`, and `-1` (the default) for each it no longer sets.
fn statistics_changes(i: &Index, from: &[KeyStatistics], to: &[KeyStatistics]) -> Vec<String> {
    let name = ddl::qn(&i.schema, &i.name);
    let set = |column: u16, target: i32| {
        format!("ALTER INDEX {name} ALTER COLUMN {column} SET STATISTICS {target}")
    };
    let mut out = Vec::new();
    for s in to {
        if !from.contains(s) {
            out.push(set(s.column, s.target));
        }
    }
    for s in from {
        if !to.iter().any(|t| t.column == s.column) {
            out.push(set(s.column, -1));
        }
    }
    out
}

/// The guard of a concurrent index build in an idempotent script: it cannot run inside a
/// `DO` block, so it takes PostgreSQL's `IF NOT EXISTS`; an INVALID index left under its
/// name by a build that failed or was cut off is dropped first (a plain drop, in a `DO`
/// block that tests for it: nothing to scan, the table's lock is held only briefly).
pub(super) fn concurrent_create_guard(x: &Index, sql: &str) -> Guard {
    let key = QualName::new(&x.schema, &x.name);
    let leftover = guard::do_block(
        &guard::exists::invalid_index(&key),
        &ddl::drop_index(x, false),
    );
    Guard::Form {
        before: vec![leftover],
        sql: sql.replacen(" CONCURRENTLY ", " CONCURRENTLY IF NOT EXISTS ", 1),
    }
}
