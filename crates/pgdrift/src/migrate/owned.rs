//! Tool-owned objects: the tracking tables of every migration tool pgdrift knows (the rows
//! of [`TRACKERS`]) and homegrown logs, recognised in a catalog by the same rules that
//! `migrate history` applies to a live database; the tables those tools keep beside them;
//! the sequences their columns own; the schemas that hold nothing else (`drizzle`,
//! `pgdrift`); and pgdrift's own keeping: its cleanup history (`pgdrift.cleanup_history`),
//! its change log (`pgdrift.changes`), the journal of idempotent scripts
//! (`pgdrift.script_units`), the quarantine schema and the backup schema
//! (`pgdrift_backup`, where plans copy what they delete), with everything in them. They are
//! not part of a schema's design: comparisons leave them out unless asked, audits never call
//! them extra or leaked, and a plan never changes them.

use super::history::{recognize, Candidate, Recognized, Tracker, COMPANIONS, TRACKERS};
use crate::diff::{retain, visit, Change, Diff, Place};
use crate::model::{Catalog, Kind, QualName, TableKind};
use crate::plan::ManualStep;
use std::collections::{BTreeMap, BTreeSet};

/// A tracking table left out of a comparison, for reports.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OwnedTable {
    /// `schema.name`.
    pub table: String,
    /// The tool's id (`drizzle`, `homegrown`) and its name for people.
    pub tool: &'static str,
    pub tool_name: &'static str,
}

/// The tool-owned objects of one or more catalogs.
#[derive(Debug, Clone, Default)]
pub struct ToolOwned {
    tables: BTreeMap<QualName, &'static Tracker>,
    sequences: BTreeSet<QualName>,
    schemas: BTreeMap<String, &'static Tracker>,
}

impl ToolOwned {
    /// The tool-owned objects of `catalog`.
    pub fn of(catalog: &Catalog) -> ToolOwned {
        let mut owned = ToolOwned::default();
        // Per schema, the companion tables it holds (the only siblings recognition asks about).
        let mut by_schema: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for t in catalog.tables.values() {
            if COMPANIONS.contains(&t.name.as_str()) {
                by_schema.entry(&t.schema).or_default().push(t.name.clone());
            }
        }
        for t in catalog.tables.values() {
            let siblings = (by_schema.get(t.schema.as_str()).into_iter().flatten())
                .filter(|n| **n != t.name)
                .cloned()
                .collect();
            let candidate = Candidate {
                schema: t.schema.clone(),
                table: t.name.clone(),
                readable: true,
                plain_table: t.partition_of.is_none()
                    && matches!(t.kind, TableKind::Table | TableKind::Partitioned),
                columns: t
                    .columns
                    .iter()
                    .map(|c| (c.name.clone(), c.type_name.clone()))
                    .collect(),
                siblings,
            };
            let tracker = match recognize(&candidate) {
                Recognized::Tool(tracker) => tracker,
                Recognized::Homegrown(layout) => layout.tracker(),
                Recognized::Unknown | Recognized::No => continue,
            };
            owned
                .tables
                .insert(QualName::new(&t.schema, &t.name), tracker);
        }
        for table in [
            crate::cleanup::HISTORY_TABLE,
            crate::migrate::changelog::TABLE,
            crate::plan::guard::JOURNAL,
        ] {
            let history = QualName::new(crate::migrate::tracking::SCHEMA, table);
            if catalog.tables.contains_key(&history) {
                owned.tables.insert(history, pgdrift_tracker());
            }
        }
        owned.add_companions(catalog);
        for s in catalog.sequences.values() {
            let owner = s
                .owned_by
                .as_ref()
                .map(|c| QualName::new(&c.schema, &c.table));
            if owner.is_some_and(|o| owned.tables.contains_key(&o)) {
                owned.sequences.insert(QualName::new(&s.schema, &s.name));
            }
        }
        owned.add_schemas(catalog);
        // pgdrift's own schemas: what `quarantine` moved away and what plans backed up.
        for schema in [
            crate::cleanup::QUARANTINE_SCHEMA,
            crate::plan::BACKUP_SCHEMA,
        ] {
            if catalog.schemas.contains_key(schema) {
                owned.schemas.insert(schema.to_string(), pgdrift_tracker());
            }
        }
        owned
    }

    /// Tables a recognised tool keeps beside its tracking table (`ar_internal_metadata`).
    fn add_companions(&mut self, catalog: &Catalog) {
        let found: Vec<(QualName, &'static Tracker)> = self
            .tables
            .iter()
            .flat_map(|(q, t)| {
                t.companions
                    .iter()
                    .map(move |c| (QualName::new(&q.schema, *c), *t))
            })
            .filter(|(q, _)| catalog.tables.contains_key(q))
            .collect();
        self.tables.extend(found);
    }

    /// Schemas other than `public` that hold tracking tables and nothing of their own.
    fn add_schemas(&mut self, catalog: &Catalog) {
        let mut candidates: BTreeMap<String, &'static Tracker> = self
            .tables
            .iter()
            .filter(|(q, _)| q.schema != "public")
            .map(|(q, t)| (q.schema.clone(), *t))
            .collect();
        visit(catalog, |p| {
            let part_of_tracker = p.kind == Kind::Schema || self.owns_place(p);
            if !part_of_tracker {
                candidates.remove(p.schema);
            }
        });
        self.schemas = candidates;
    }

    /// Adds the objects `other` owns.
    pub fn merge(&mut self, other: &ToolOwned) {
        self.tables
            .extend(other.tables.iter().map(|(k, v)| (k.clone(), *v)));
        self.sequences.extend(other.sequences.iter().cloned());
        self.schemas
            .extend(other.schemas.iter().map(|(k, v)| (k.clone(), *v)));
    }

    /// True when the table or view `name` is a tool's: a tracking table, a table kept beside
    /// one, or anything in a schema a tool owns.
    pub fn owns_table(&self, name: &QualName) -> bool {
        self.tables.contains_key(name) || self.schemas.contains_key(&name.schema)
    }

    pub fn is_empty(&self) -> bool {
        self.tables.is_empty() && self.schemas.is_empty()
    }

    /// The tracking tables (and companions), in name order.
    pub fn tables(&self) -> Vec<OwnedTable> {
        self.tables
            .iter()
            .map(|(q, t)| OwnedTable {
                table: q.to_string(),
                tool: t.id,
                tool_name: t.name,
            })
            .collect()
    }

    /// The tool owning the object at `p`, if one does.
    fn owner(&self, p: &Place<'_>) -> Option<&'static Tracker> {
        if let Some(t) = self.schemas.get(p.schema) {
            return Some(*t);
        }
        let on_table =
            |schema: &str, name: &str| self.tables.get(&QualName::new(schema, name)).copied();
        match p.kind {
            Kind::Table => on_table(p.schema, p.name),
            Kind::Sequence if self.sequences.contains(&QualName::new(p.schema, p.name)) => {
                p.table.and_then(|(s, t)| on_table(s, t))
            }
            Kind::Sequence => None,
            _ => p.table.and_then(|(s, t)| on_table(s, t)),
        }
    }

    fn owns_place(&self, p: &Place<'_>) -> bool {
        self.owner(p).is_some()
    }

    /// Removes the tool-owned objects from `catalog`.
    pub fn remove_from(&self, catalog: &mut Catalog) {
        if !self.is_empty() {
            retain(catalog, |p| !self.owns_place(p));
        }
    }

    /// The tool owning what `change` is about, if one does.
    pub fn owner_of(&self, change: &Change<'_>) -> Option<&'static Tracker> {
        self.owner(&change.subject.place())
    }

    /// The changes of `diff` a plan may make (those to tool-owned objects taken out), and
    /// the changes taken out as manual steps: a plan never creates, alters or drops a
    /// migration tool's tracking tables, even when they are compared.
    pub fn protect<'a>(&self, diff: &Diff<'a>) -> (Diff<'a>, Vec<ManualStep>) {
        let mut taken = Vec::new();
        let mut changes = Vec::with_capacity(diff.changes.len());
        for c in &diff.changes {
            match self.owner_of(c) {
                None => changes.push(c.clone()),
                Some(tool) => taken.push((c, tool)),
            }
        }
        // A table created or dropped whole speaks for its columns, keys and indexes.
        let whole: BTreeSet<&str> = taken
            .iter()
            .filter(|(c, _)| c.kind == Kind::Table && c.op != crate::diff::Op::Alter)
            .map(|(c, _)| c.name.as_str())
            .collect();
        let manual = taken
            .iter()
            .filter(|(c, _)| {
                let place = c.subject.place();
                !place
                    .table
                    .is_some_and(|(s, t)| whole.contains(format!("{s}.{t}").as_str()))
            })
            .map(|(c, tool)| ManualStep {
                kind: c.kind,
                object: c.name.clone(),
                reason: format!(
                    "part of {}'s migration tracking: pgdrift never changes a migration tool's \
                     tracking tables ({} it with the tool itself, or by hand)",
                    tool.name,
                    c.op.as_str()
                ),
            })
            .collect();
        let plannable = Diff {
            from: diff.from,
            to: diff.to,
            changes,
        };
        (plannable, manual)
    }
}

/// pgdrift's own row, the owner of its history table and quarantine schema.
fn pgdrift_tracker() -> &'static Tracker {
    tracker("pgdrift").unwrap_or(&TRACKERS[0])
}

/// The tracker row of tool `id` (`drizzle`), for callers naming a tool.
pub fn tracker(id: &str) -> Option<&'static Tracker> {
    TRACKERS.iter().find(|t| t.id == id)
}
