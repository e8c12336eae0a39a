//! The ledger: which migration claims which object, and which of its fields. Fed with the
//! changes each migration makes to the shadow catalog, then with how the live database
//! differs from the catalog after the last one, it says for every claim whether the live
//! database holds it. Each differing field is charged to the last migration that set it, so
//! a later `ALTER COLUMN ... TYPE` missing from the live database does not make the
//! migration that created the column look partly applied. Objects a later migration drops
//! are superseded: no claim about the live database.

use super::{ObjectEvidence, ObjectState};
use crate::diff::{ColumnChange, Diff, Op, Subject};
use crate::model::{Kind, Object};
use rustc_hash::{FxHashMap, FxHashSet};

/// An object's identity across catalogs: its kind and its name as the diff prints it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct ObjectId {
    pub kind: Kind,
    pub name: String,
}

impl ObjectId {
    pub fn new(kind: Kind, name: impl Into<String>) -> ObjectId {
        ObjectId {
            kind,
            name: name.into(),
        }
    }
}

/// One migration's claim on one object.
#[derive(Debug)]
struct Claim {
    migration: usize,
    id: ObjectId,
    /// The fields it set: `None` when it created the object (every field).
    fields: Option<Vec<String>>,
    /// Set once settled; `None` is present as claimed.
    state: Option<ObjectState>,
    /// The migration that dropped it, if one did.
    dropped_by: Option<usize>,
}

/// What the live database lacks or holds differently, by object.
#[derive(Debug)]
enum Live {
    Missing,
    Differs(Vec<String>),
}

/// Claims in the order they were made, and the open ones of each object that exists.
#[derive(Debug, Default)]
pub(super) struct Ledger {
    claims: Vec<Claim>,
    /// Objects of the latest catalog, with their claims (indices into `claims`), oldest first.
    open: FxHashMap<ObjectId, Vec<usize>>,
    /// Column names by table name, to close a table's columns when the table goes (the diff
    /// lists a dropped table, not its columns).
    columns: FxHashMap<String, Vec<String>>,
}

/// What one migration changed in the shadow catalog, owned, so that steps can be worked out
/// apart (on several shadow databases) and fed to the ledger in order.
#[derive(Debug, Default)]
pub(super) struct Step {
    events: Vec<Event>,
}

#[derive(Debug)]
enum Event {
    /// A table, with its columns.
    CreateTable {
        name: String,
        columns: Vec<String>,
    },
    /// A column added to a table that was there before.
    CreateColumn {
        table: String,
        column: String,
    },
    Create(ObjectId),
    Alter(ObjectId, Vec<String>),
    /// A table, and so its columns.
    DropTable(String),
    Drop(ObjectId),
}

impl Step {
    /// The step `diff` (from the catalog before a migration to the catalog after it) makes.
    pub fn of(diff: &Diff<'_>) -> Step {
        let events = diff.changes.iter().map(|change| {
            let id = || ObjectId::new(change.kind, change.name.as_str());
            match (change.op, change.subject) {
                (Op::Create, Subject::Table(pair)) => Event::CreateTable {
                    name: change.name.clone(),
                    columns: pair
                        .current()
                        .columns
                        .iter()
                        .map(|c| c.name.clone())
                        .collect(),
                },
                (
                    Op::Create,
                    Subject::Column(ColumnChange {
                        to_table, column, ..
                    }),
                ) => Event::CreateColumn {
                    table: to_table.key().to_string(),
                    column: column.current().name.clone(),
                },
                (Op::Create, _) => Event::Create(id()),
                (Op::Alter, _) => Event::Alter(
                    id(),
                    change.fields.iter().map(|f| f.field.clone()).collect(),
                ),
                (Op::Drop, Subject::Table(_)) => Event::DropTable(change.name.clone()),
                (Op::Drop, _) => Event::Drop(id()),
            }
        });
        Step {
            events: events.collect(),
        }
    }
}

impl Ledger {
    /// Records what migration number `migration` changed. A created table claims its
    /// columns too.
    pub fn step(&mut self, migration: usize, step: Step) {
        for event in step.events {
            match event {
                Event::CreateTable { name, columns } => {
                    self.create(migration, ObjectId::new(Kind::Table, name.as_str()));
                    for column in columns {
                        self.create_column(migration, &name, column);
                    }
                }
                Event::CreateColumn { table, column } => {
                    self.create_column(migration, &table, column);
                }
                Event::Create(id) => self.create(migration, id),
                Event::Alter(id, fields) => self.alter(migration, id, fields),
                Event::DropTable(name) => {
                    for column in self.columns.remove(&name).unwrap_or_default() {
                        let id = ObjectId::new(Kind::Column, format!("{name}.{column}"));
                        self.drop(migration, &id);
                    }
                    self.drop(migration, &ObjectId::new(Kind::Table, name));
                }
                Event::Drop(id) => self.drop(migration, &id),
            }
        }
    }

    fn create_column(&mut self, migration: usize, table: &str, column: String) {
        let id = ObjectId::new(Kind::Column, format!("{table}.{column}"));
        self.create(migration, id);
        self.columns
            .entry(table.to_string())
            .or_default()
            .push(column);
    }

    /// `migration` creates `id` (every field is its claim).
    pub fn create(&mut self, migration: usize, id: ObjectId) {
        // Not expected (a create follows a drop), but a new object ends the old one's claims.
        self.drop(migration, &id);
        self.claim(migration, id, None);
    }

    /// `migration` changes `fields` of `id`.
    pub fn alter(&mut self, migration: usize, id: ObjectId, fields: Vec<String>) {
        self.claim(migration, id, Some(fields));
    }

    /// `migration` drops `id`: the claims on it are superseded.
    pub fn drop(&mut self, migration: usize, id: &ObjectId) {
        for i in self.open.remove(id).unwrap_or_default() {
            self.claims[i].dropped_by = Some(migration);
        }
    }

    fn claim(&mut self, migration: usize, id: ObjectId, fields: Option<Vec<String>>) {
        self.open
            .entry(id.clone())
            .or_default()
            .push(self.claims.len());
        self.claims.push(Claim {
            migration,
            id,
            fields,
            state: None,
            dropped_by: None,
        });
    }

    /// Settles every open claim against `live`: the diff from the catalog after the last
    /// migration to the live database. Returns each of the `count` migrations' objects, in
    /// the order they were claimed; `version` names a migration by its number.
    pub fn finish(
        mut self,
        live: &Diff<'_>,
        count: usize,
        version: impl Fn(usize) -> String,
    ) -> Vec<Vec<ObjectEvidence>> {
        let mut found: FxHashMap<ObjectId, Live> = FxHashMap::default();
        for change in &live.changes {
            let id = ObjectId::new(change.kind, change.name.as_str());
            match change.op {
                // Only in the live database: no migration claims it.
                Op::Create => {}
                Op::Drop => {
                    if change.kind == Kind::Table {
                        for column in self.columns.get(&change.name).into_iter().flatten() {
                            let name = format!("{}.{column}", change.name);
                            found.insert(ObjectId::new(Kind::Column, name), Live::Missing);
                        }
                    }
                    found.insert(id, Live::Missing);
                }
                Op::Alter => {
                    let fields = change.fields.iter().map(|f| f.field.clone()).collect();
                    found.insert(id, Live::Differs(fields));
                }
            }
        }
        for (id, claims) in std::mem::take(&mut self.open) {
            self.settle(&claims, found.get(&id));
        }
        let mut out: Vec<Vec<ObjectEvidence>> = (0..count).map(|_| Vec::new()).collect();
        for claim in self.claims {
            out[claim.migration].push(ObjectEvidence {
                kind: claim.id.kind,
                name: claim.id.name,
                state: match claim.dropped_by {
                    Some(by) => ObjectState::Superseded { by: version(by) },
                    None => claim.state.unwrap_or(ObjectState::Present),
                },
            });
        }
        out
    }

    /// Gives each claim on one object its state; differing fields go to the last claim that
    /// set them.
    fn settle(&mut self, claims: &[usize], live: Option<&Live>) {
        let differing = match live {
            None => return,
            Some(Live::Missing) => {
                for &i in claims {
                    self.claims[i].state = Some(ObjectState::Missing);
                }
                return;
            }
            Some(Live::Differs(fields)) => fields,
        };
        let mut later: FxHashSet<&str> = FxHashSet::default();
        let mut states = Vec::with_capacity(claims.len());
        for &i in claims.iter().rev() {
            let claim = &self.claims[i];
            let mine: Vec<String> = differing
                .iter()
                .filter(|f| !later.contains(f.as_str()))
                .filter(|f| claim.fields.as_ref().is_none_or(|set| set.contains(f)))
                .cloned()
                .collect();
            if let Some(set) = &claim.fields {
                later.extend(set.iter().map(String::as_str));
            }
            states.push((i, mine));
        }
        for (i, fields) in states {
            self.claims[i].state = Some(match fields.is_empty() {
                true => ObjectState::Present,
                false => ObjectState::Differs { fields },
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str) -> ObjectId {
        ObjectId::new(Kind::Column, name)
    }

    fn states(out: &[Vec<ObjectEvidence>]) -> Vec<Vec<(String, ObjectState)>> {
        out.iter()
            .map(|m| {
                m.iter()
                    .map(|o| (o.name.clone(), o.state.clone()))
                    .collect()
            })
            .collect()
    }

    fn settle(ledger: &mut Ledger, id: &ObjectId, live: Live) {
        let claims = ledger.open.remove(id).unwrap();
        ledger.settle(&claims, Some(&live));
    }

    #[test]
    fn differing_fields_go_to_the_last_migration_that_set_them() {
        let mut ledger = Ledger::default();
        let email = column("public.users.email");
        ledger.create(0, email.clone());
        ledger.alter(1, email.clone(), vec!["comment".into()]);
        ledger.alter(2, email.clone(), vec!["type".into()]);
        settle(
            &mut ledger,
            &email,
            Live::Differs(vec!["not_null".into(), "type".into()]),
        );
        let out = ledger.finish(&empty_diff(), 3, |i| format!("m{i}"));
        assert_eq!(
            states(&out),
            [
                vec![(
                    "public.users.email".to_string(),
                    ObjectState::Differs {
                        fields: vec!["not_null".into()]
                    }
                )],
                vec![("public.users.email".to_string(), ObjectState::Present)],
                vec![(
                    "public.users.email".to_string(),
                    ObjectState::Differs {
                        fields: vec!["type".into()]
                    }
                )],
            ]
        );
    }

    #[test]
    fn a_dropped_object_is_superseded_and_a_new_one_of_the_same_name_is_claimed_anew() {
        let mut ledger = Ledger::default();
        let t = ObjectId::new(Kind::Table, "public.t");
        ledger.create(0, t.clone());
        ledger.drop(1, &t);
        ledger.create(2, t.clone());
        settle(&mut ledger, &t, Live::Missing);
        let out = ledger.finish(&empty_diff(), 3, |i| format!("m{i}"));
        assert_eq!(
            states(&out),
            [
                vec![(
                    "public.t".to_string(),
                    ObjectState::Superseded { by: "m1".into() }
                )],
                vec![],
                vec![("public.t".to_string(), ObjectState::Missing)],
            ]
        );
    }

    fn empty_diff() -> Diff<'static> {
        static EMPTY: std::sync::OnceLock<crate::model::Catalog> = std::sync::OnceLock::new();
        let c = EMPTY.get_or_init(Default::default);
        crate::diff::diff(c, c, &Default::default())
    }
}
