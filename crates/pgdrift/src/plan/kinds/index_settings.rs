//! Settings of a table that name one of its indexes: the index it is clustered on (`ALTER
//! TABLE ... CLUSTER ON`) and the index of its replica identity (`REPLICA IDENTITY USING
//! INDEX`). Both are planned per table once every change has its actions, as one more
//! action on the index they name (actions on one object keep their order), so they follow
//! its creation. Both are lost when the plan creates the index again, and then set again.
//! PostgreSQL keeps at most one clustered index a table and marking one unmarks the
//! others, so clustering is removed only from a table clustered on nothing in `to`.

use super::super::ddl;
use super::super::graph::Node;
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::Step;
use crate::diff::Op;
use crate::model::{
    Catalog, Constraint, ConstraintKind, Kind, Object, QualName, ReplicaIdentity, SubName, Table,
};
use crate::sql::Ident;
use rustc_hash::FxHashMap as HashMap;

/// For each table clustered on an index, that index (a plain index or a key's) and its name.
fn clustered(c: &Catalog) -> HashMap<QualName, (Node, &str)> {
    let mut out = HashMap::default();
    for i in c.indexes.values().filter(|i| i.clustered) {
        let table = QualName::new(&i.schema, &i.table);
        out.insert(table, (Node::Index(i.key()), i.name.as_str()));
    }
    for x in c.constraints.values().filter(|x| key_clustered(x)) {
        let table = QualName::new(&x.schema, &x.table);
        out.insert(table, (Node::Constraint(x.key()), x.name.as_str()));
    }
    out
}

fn key_clustered(x: &Constraint) -> bool {
    matches!(
        &x.kind,
        ConstraintKind::PrimaryKey { index, .. }
            | ConstraintKind::Unique { index, .. }
            | ConstraintKind::Exclusion { index, .. }
            if index.clustered
    )
}

/// The node of the index named `index` on table `t` of `c`: a key's or a plain index.
fn index_node(c: &Catalog, t: &Table, index: &str) -> Node {
    let constraint = SubName {
        schema: t.schema.clone(),
        table: t.name.clone(),
        name: index.to_string(),
    };
    if c.constraints.contains_key(&constraint) {
        Node::Constraint(constraint)
    } else {
        Node::Index(QualName::new(&t.schema, index))
    }
}

impl Pass<'_, '_, '_> {
    /// The clustering and replica identity steps of every table.
    pub fn index_settings(&mut self) {
        self.clustering();
        let (from, to) = (self.diff.from, self.diff.to);
        for (key, t) in &to.tables {
            let before = from.tables.get(key).map(|f| &f.replica_identity);
            let rebuilt = match &t.replica_identity {
                ReplicaIdentity::Index(i) => self.built_by_plan(&index_node(to, t, i)),
                _ => false,
            };
            let changed = before.map_or(t.replica_identity != ReplicaIdentity::Default, |b| {
                *b != t.replica_identity
            });
            if changed || rebuilt {
                self.replica_identity(t);
            }
        }
    }

    /// `REPLICA IDENTITY`, as an action on the index it names (else on the table).
    fn replica_identity(&mut self, t: &Table) {
        let qn = ddl::qn(&t.schema, &t.name);
        let (clause, node) = match &t.replica_identity {
            ReplicaIdentity::Default => ("DEFAULT".to_string(), Node::Table(t.key())),
            ReplicaIdentity::Full => ("FULL".to_string(), Node::Table(t.key())),
            ReplicaIdentity::Nothing => ("NOTHING".to_string(), Node::Table(t.key())),
            ReplicaIdentity::Index(i) => (
                format!("USING INDEX {}", Ident(i)),
                index_node(self.diff.to, t, i),
            ),
        };
        let sql = format!("ALTER TABLE {qn} REPLICA IDENTITY {clause}");
        let step = Step::new(sql, Kind::Table, Op::Alter, t.key().to_string());
        let phase = if self.opts.online && node != Node::Table(t.key()) && self.built_by_plan(&node)
        {
            Phase::After
        } else {
            Phase::Main
        };
        self.push(phase, node, vec![Node::Table(t.key())], vec![step]);
    }

    /// The clustering steps of every table whose clustering changes, or whose clustered
    /// index is created or recreated.
    fn clustering(&mut self) {
        let (from, to) = (self.diff.from, self.diff.to);
        let any = |c: &Catalog| {
            c.indexes.values().any(|i| i.clustered) || c.constraints.values().any(key_clustered)
        };
        if !any(from) && !any(to) {
            return;
        }
        let (before, after) = (clustered(from), clustered(to));
        let mut tables: Vec<&QualName> = before.keys().chain(after.keys()).collect();
        tables.sort();
        tables.dedup();
        for table in tables {
            if !to.tables.contains_key(table) {
                continue;
            }
            let qn = ddl::qn(&table.schema, &table.name);
            match (before.get(table), after.get(table)) {
                (old, Some((node, name))) => {
                    let built = self.built_by_plan(node);
                    if old.map(|(n, _)| n) == Some(node) && !built {
                        continue;
                    }
                    let sql = format!("ALTER TABLE {qn} CLUSTER ON {}", Ident(name));
                    let phase = if built && self.opts.online {
                        Phase::After
                    } else {
                        Phase::Main
                    };
                    self.index_setting(phase, node, table, sql);
                }
                (Some((node, _)), None) if from.tables.contains_key(table) => {
                    let sql = format!("ALTER TABLE {qn} SET WITHOUT CLUSTER");
                    self.index_setting(Phase::Main, node, table, sql);
                }
                _ => {}
            }
        }
    }

    /// True when the plan creates `node` or drops and creates it again.
    fn built_by_plan(&self, node: &Node) -> bool {
        !node.in_catalog(self.diff.from) || self.decided.recreate.contains_key(node)
    }

    /// A step on table `table` as one more action on `index`.
    fn index_setting(&mut self, phase: Phase, index: &Node, table: &QualName, sql: String) {
        let step = Step::new(sql, Kind::Table, Op::Alter, table.to_string());
        self.push(phase, index.clone(), Vec::new(), vec![step]);
    }
}
