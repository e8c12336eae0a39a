//! Which tables a diagram shows: a schema's or a viewpoint's tables (at most
//! `[docs] diagram_tables` of them, the best-connected first), or a table and the tables one
//! foreign key away. Entities carry their columns with key markers; relations are the
//! foreign keys between shown tables.

use super::build::{qualified, Builder};
use super::{Attribute, Diagram, Entity, Relation};
use crate::model::{ConstraintKind, QualName};
use std::collections::{BTreeSet, HashMap, HashSet};

/// The most neighbours a table's diagram draws.
pub const NEIGHBOURS: usize = 30;

/// The diagram of `tables` titled `title`, cut to the configured size.
pub(crate) fn of_tables(b: &Builder<'_>, title: &str, tables: &[QualName]) -> Diagram {
    let limit = b.inputs.config.diagram_tables;
    let mut shown: Vec<QualName> = tables.to_vec();
    let mut omitted = None;
    if shown.len() > limit {
        // The best-connected tables say the most about the schema.
        let degree = degrees(b, tables);
        shown.sort_by_key(|n| std::cmp::Reverse(degree.get(n).copied().unwrap_or(0)));
        shown.truncate(limit);
        shown.sort();
        omitted = Some(format!(
            "{} of {} tables are drawn (the most connected; `[docs] diagram_tables` is {limit}). \
             Define viewpoints in pgdrift.toml for readable diagrams of the rest; each table's \
             page draws its neighbours.",
            limit,
            tables.len()
        ));
    }
    diagram(b, title.to_string(), &shown, None, omitted)
}

/// A table and the tables it references or is referenced by; `None` when it has no foreign
/// keys either way.
pub(crate) fn neighbourhood(b: &Builder<'_>, name: &QualName) -> Option<Diagram> {
    let mut around: BTreeSet<QualName> = BTreeSet::new();
    for c in b.constraints.get(name).into_iter().flatten() {
        if let ConstraintKind::ForeignKey { references, .. } = &c.kind {
            around.insert(references.clone());
        }
    }
    for c in b.referenced_by.get(name).into_iter().flatten() {
        around.insert(QualName::new(&c.schema, &c.table));
    }
    around.remove(name);
    let self_ref = b
        .referenced_by
        .get(name)
        .into_iter()
        .flatten()
        .any(|c| c.schema == name.schema && c.table == name.name);
    if around.is_empty() && !self_ref {
        return None;
    }
    let total = around.len();
    let mut shown: Vec<QualName> = around.into_iter().take(NEIGHBOURS).collect();
    let omitted = (total > NEIGHBOURS).then(|| {
        format!(
            "{NEIGHBOURS} of {total} neighbouring tables are drawn; the lists above name them all."
        )
    });
    shown.insert(0, name.clone());
    let title = format!("{} and its neighbours", qualified(name));
    Some(diagram(b, title, &shown, Some(name), omitted))
}

/// Foreign keys touching each of `tables`, counting only those between them.
fn degrees(b: &Builder<'_>, tables: &[QualName]) -> HashMap<QualName, usize> {
    let set: HashSet<&QualName> = tables.iter().collect();
    let mut out: HashMap<QualName, usize> = HashMap::new();
    for t in tables {
        for c in b.constraints.get(t).into_iter().flatten() {
            if let ConstraintKind::ForeignKey { references, .. } = &c.kind {
                if set.contains(references) {
                    *out.entry(t.clone()).or_default() += 1;
                    *out.entry(references.clone()).or_default() += 1;
                }
            }
        }
    }
    out
}

fn diagram(
    b: &Builder<'_>,
    title: String,
    shown: &[QualName],
    focus: Option<&QualName>,
    omitted: Option<String>,
) -> Diagram {
    let set: HashSet<&QualName> = shown.iter().collect();
    let entities = (shown.iter())
        .filter_map(|n| entity(b, n, focus == Some(n), focus.is_some()))
        .collect();
    let mut relations = Vec::new();
    for n in shown {
        for c in b.constraints.get(n).into_iter().flatten() {
            let ConstraintKind::ForeignKey {
                columns,
                references,
                referenced_columns,
                ..
            } = &c.kind
            else {
                continue;
            };
            if !set.contains(references) {
                continue;
            }
            relations.push(Relation {
                from: n.clone(),
                to: references.clone(),
                name: c.name.clone(),
                columns: columns.clone(),
                referenced_columns: referenced_columns.clone(),
                optional: nullable_any(b, n, columns),
                one_to_one: unique_on(b, n, columns),
            });
        }
    }
    Diagram {
        title,
        entities,
        relations,
        omitted,
    }
}

fn entity(b: &Builder<'_>, name: &QualName, focus: bool, neighbour: bool) -> Option<Entity> {
    let (columns, view) = match b.cat.tables.get(name) {
        Some(t) => (&t.columns, false),
        None => (&b.cat.views.get(name)?.columns, true),
    };
    let keys = key_columns(b, name);
    let attributes = columns
        .iter()
        // Around a table, its neighbours show only their keys.
        .filter(|c| focus || !neighbour || keys.any(&c.name))
        .map(|c| Attribute {
            name: c.name.clone(),
            type_name: c.type_name.clone(),
            primary_key: keys.primary.contains(c.name.as_str()),
            foreign_key: keys.foreign.contains(c.name.as_str()),
            unique: keys.unique.contains(c.name.as_str()),
            not_null: c.not_null,
        })
        .collect();
    Some(Entity {
        name: name.clone(),
        path: b.relation_path(name).unwrap_or_default().to_string(),
        attributes,
        focus,
        view,
    })
}

#[derive(Default)]
struct Keys<'a> {
    primary: HashSet<&'a str>,
    foreign: HashSet<&'a str>,
    unique: HashSet<&'a str>,
}

impl Keys<'_> {
    fn any(&self, column: &str) -> bool {
        self.primary.contains(column)
            || self.foreign.contains(column)
            || self.unique.contains(column)
    }
}

fn key_columns<'a>(b: &Builder<'a>, name: &QualName) -> Keys<'a> {
    let mut keys = Keys::default();
    for c in b.constraints.get(name).into_iter().flatten() {
        match &c.kind {
            ConstraintKind::PrimaryKey { columns, .. } => {
                keys.primary.extend(columns.iter().map(String::as_str))
            }
            ConstraintKind::ForeignKey { columns, .. } => {
                keys.foreign.extend(columns.iter().map(String::as_str))
            }
            ConstraintKind::Unique { columns, .. } if columns.len() == 1 => {
                keys.unique.extend(columns.iter().map(String::as_str))
            }
            _ => {}
        }
    }
    keys
}

fn nullable_any(b: &Builder<'_>, table: &QualName, columns: &[String]) -> bool {
    let Some(t) = b.cat.tables.get(table) else {
        return true;
    };
    columns
        .iter()
        .any(|c| t.columns.iter().any(|col| &col.name == c && !col.not_null))
}

/// Whether a primary key or unique constraint covers exactly `columns`.
fn unique_on(b: &Builder<'_>, table: &QualName, columns: &[String]) -> bool {
    let mut want: Vec<&String> = columns.iter().collect();
    want.sort();
    b.constraints
        .get(table)
        .into_iter()
        .flatten()
        .any(|c| match &c.kind {
            ConstraintKind::PrimaryKey { columns: k, .. }
            | ConstraintKind::Unique { columns: k, .. } => {
                let mut have: Vec<&String> = k.iter().collect();
                have.sort();
                have == want
            }
            _ => false,
        })
}
