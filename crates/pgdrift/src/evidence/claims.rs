//! Who claims a relation: which desired schemas declare it (and whether their definition is
//! the live one), which two of them disagree about it, and which migration created and
//! last altered it. Plain data in, plain data out: the sources are loaded and the
//! migrations replayed by the caller.

use crate::diff::{diff, retain, Change, DiffOptions, Op};
use crate::migrate::evidence::{Evidence, ObjectState};
use crate::model::{Catalog, Kind, QualName};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A desired schema, loaded, and how reports name it (`orm`, `cms`, or the source masked).
#[derive(Debug, Clone, Copy)]
pub struct Desired<'a> {
    pub label: &'a str,
    pub catalog: &'a Catalog,
}

/// Everything that claims one relation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Claims {
    /// The desired schemas that declare it.
    pub declared_by: Vec<Declaration>,
    /// The desired schemas that were checked and do not declare it.
    pub not_declared_by: Vec<String>,
    /// Pairs of desired schemas that both declare it, differently.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Conflict>,
    /// What the migrations directory says about it, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migrations: Option<MigrationClaim>,
}

/// One desired schema declaring the relation.
#[derive(Debug, Clone, Serialize)]
pub struct Declaration {
    pub source: String,
    /// `table`, `view`, `sequence`.
    pub kind: &'static str,
    /// How the live definition differs from this one (`alter column app.users.email:
    /// type`); empty when they agree.
    pub differs_from_live: Vec<String>,
}

/// Two desired schemas that define the relation differently.
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub first: String,
    pub second: String,
    /// What turns the first's definition into the second's.
    pub differences: Vec<String>,
}

/// The migrations that made and changed the relation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MigrationClaim {
    /// The directory, as given.
    pub directory: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<MigrationRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_altered_by: Option<MigrationRef>,
    /// A migration that drops it, when one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dropped_by: Option<String>,
}

/// One migration file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationRef {
    pub version: String,
    pub path: String,
}

impl Claims {
    /// True when at least one desired schema was checked.
    pub fn checked(&self) -> bool {
        !self.declared_by.is_empty() || !self.not_declared_by.is_empty()
    }
}

/// The claims on every relation of `objects`: `live` is the database as it is (`None`: its
/// definition is not compared), `desired` the schemas that should describe it.
pub fn claims(
    objects: &[QualName],
    live: Option<&Catalog>,
    desired: &[Desired<'_>],
) -> Vec<Claims> {
    let wanted: BTreeSet<&QualName> = objects.iter().collect();
    let narrowed: Vec<Catalog> = desired.iter().map(|d| narrow(d.catalog, &wanted)).collect();
    let live = live.map(|l| narrow(l, &wanted));
    let from_live: Vec<BTreeMap<QualName, Vec<String>>> = match &live {
        Some(l) => narrowed.iter().map(|d| changes_by_relation(l, d)).collect(),
        None => vec![BTreeMap::new(); narrowed.len()],
    };
    let mut between = BTreeMap::new();
    for i in 0..narrowed.len() {
        for j in i + 1..narrowed.len() {
            between.insert((i, j), changes_by_relation(&narrowed[i], &narrowed[j]));
        }
    }
    let claim = |q: &QualName| {
        let mut c = Claims::default();
        let declaring: Vec<usize> = (0..desired.len())
            .filter(|&i| relation_kind(&narrowed[i], q).is_some())
            .collect();
        for (i, d) in desired.iter().enumerate() {
            match relation_kind(&narrowed[i], q) {
                Some(kind) => c.declared_by.push(Declaration {
                    source: d.label.to_string(),
                    kind,
                    differs_from_live: match live.as_ref().map(|l| relation_kind(l, q)) {
                        Some(Some(_)) => from_live[i].get(q).cloned().unwrap_or_default(),
                        _ => Vec::new(),
                    },
                }),
                None => c.not_declared_by.push(d.label.to_string()),
            }
        }
        for (a, &i) in declaring.iter().enumerate() {
            for &j in &declaring[a + 1..] {
                let differences = between[&(i, j)].get(q).cloned().unwrap_or_default();
                if !differences.is_empty() {
                    c.conflicts.push(Conflict {
                        first: desired[i].label.to_string(),
                        second: desired[j].label.to_string(),
                        differences,
                    });
                }
            }
        }
        c
    };
    objects.iter().map(claim).collect()
}

/// What the migrations of `evidence` (as `migrate baseline` gathers it) say about `q`: the
/// first that creates it, the last that creates or alters it or one of its columns, and
/// the one that drops it.
pub fn migration_claim(evidence: &Evidence, directory: &str, q: &QualName) -> MigrationClaim {
    let name = q.to_string();
    let column_prefix = format!("{name}.");
    let mut claim = MigrationClaim {
        directory: directory.to_string(),
        ..MigrationClaim::default()
    };
    for m in &evidence.migrations {
        let reference = || MigrationRef {
            version: m.version.clone(),
            path: m.path.display().to_string(),
        };
        let whole = m.objects.iter().find(|o| {
            matches!(o.kind, Kind::Table | Kind::View | Kind::Sequence) && o.name == name
        });
        let touches = whole.is_some()
            || m.objects
                .iter()
                .any(|o| o.kind == Kind::Column && o.name.starts_with(&column_prefix));
        if whole.is_some() && claim.created_by.is_none() {
            claim.created_by = Some(reference());
        }
        if touches {
            claim.last_altered_by = Some(reference());
        }
        if let Some(ObjectState::Superseded { by }) = whole.map(|o| &o.state) {
            claim.dropped_by = Some(by.clone());
        }
    }
    claim
}

/// `catalog` with only the relations of `wanted` and what lives on them.
fn narrow(catalog: &Catalog, wanted: &BTreeSet<&QualName>) -> Catalog {
    let mut out = catalog.clone();
    let keep = |schema: &str, name: &str| wanted.contains(&QualName::new(schema, name));
    retain(&mut out, |p| match p.table {
        Some((s, t)) => keep(s, t),
        None => {
            let whole = [
                Kind::Table,
                Kind::View,
                Kind::Sequence,
                Kind::Type,
                Kind::Function,
            ];
            whole.contains(&p.kind) && keep(p.schema, p.name)
        }
    });
    out
}

/// The kind of object `q` is in `catalog`, if it is there (a function: any of its
/// overloads).
fn relation_kind(catalog: &Catalog, q: &QualName) -> Option<&'static str> {
    if catalog.tables.contains_key(q) {
        Some("table")
    } else if catalog.views.contains_key(q) {
        Some("view")
    } else if catalog.sequences.contains_key(q) {
        Some("sequence")
    } else if catalog.types.contains_key(q) {
        Some("type")
    } else if (catalog.functions.keys()).any(|s| s.schema == q.schema && s.name == q.name) {
        Some("function")
    } else {
        None
    }
}

/// The changes from `a` to `b`, in words, by the relation they belong to.
fn changes_by_relation(a: &Catalog, b: &Catalog) -> BTreeMap<QualName, Vec<String>> {
    let mut out: BTreeMap<QualName, Vec<String>> = BTreeMap::new();
    for c in diff(a, b, &DiffOptions::default()).changes {
        let place = c.subject.place();
        let (schema, name) = c
            .subject
            .parent_table()
            .or(place.table)
            .unwrap_or((place.schema, place.name));
        out.entry(QualName::new(schema, name))
            .or_default()
            .push(describe(&c));
    }
    out
}

/// `alter column app.users.email: type, not_null`, `create index app.users_email`.
fn describe(c: &Change<'_>) -> String {
    let head = format!("{} {} {}", c.op.as_str(), c.kind.info().singular, c.name);
    match c.op {
        Op::Alter if !c.fields.is_empty() => {
            let fields: Vec<&str> = c.fields.iter().map(|f| f.field.as_str()).collect();
            format!("{head}: {}", fields.join(", "))
        }
        _ => head,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Table;

    fn table(columns: &[(&str, &str)]) -> Table {
        let columns: Vec<serde_json::Value> = (columns.iter().enumerate())
            .map(|(i, (name, ty))| serde_json::json!({"name": name, "position": i + 1, "type": ty}))
            .collect();
        let t = serde_json::json!({"schema": "app", "name": "t", "kind": "table", "owner": "o", "columns": columns});
        serde_json::from_value(t).expect("a table")
    }

    fn catalog(tables: &[(&str, Table)]) -> Catalog {
        let mut c = Catalog::default();
        for (name, t) in tables {
            let mut t = t.clone();
            t.name = name.to_string();
            c.tables.insert(QualName::new("app", *name), t);
        }
        c
    }

    #[test]
    fn two_sources_that_define_a_table_differently_conflict() {
        let users = QualName::new("app", "users");
        let orm = catalog(&[("users", table(&[("id", "integer"), ("email", "text")]))]);
        let cms = catalog(&[("users", table(&[("id", "bigint")]))]);
        let live = orm.clone();
        let desired = [
            Desired {
                label: "orm",
                catalog: &orm,
            },
            Desired {
                label: "cms",
                catalog: &cms,
            },
        ];
        let got = claims(std::slice::from_ref(&users), Some(&live), &desired);
        let c = &got[0];
        assert_eq!(c.declared_by.len(), 2);
        assert!(c.declared_by[0].differs_from_live.is_empty());
        assert!(!c.declared_by[1].differs_from_live.is_empty());
        assert_eq!(c.conflicts.len(), 1);
        let text = c.conflicts[0].differences.join("; ");
        assert!(text.contains("app.users.email"), "{text}");
        assert!(text.contains("app.users.id"), "{text}");
    }

    #[test]
    fn a_table_only_one_source_declares_is_no_conflict() {
        let orm = catalog(&[("users", table(&[("id", "integer")]))]);
        let cms = catalog(&[]);
        let desired = [
            Desired {
                label: "orm",
                catalog: &orm,
            },
            Desired {
                label: "cms",
                catalog: &cms,
            },
        ];
        let got = claims(&[QualName::new("app", "users")], None, &desired);
        assert_eq!(got[0].declared_by.len(), 1);
        assert_eq!(got[0].not_declared_by, vec!["cms".to_string()]);
        assert!(got[0].conflicts.is_empty());
    }
}
