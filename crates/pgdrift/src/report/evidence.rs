//! Evidence for a baseline as text: one line per migration, saying whether the live database
//! holds what it creates, and naming what is missing or different. (The JSON form is the
//! evidence itself, serialized.)

use crate::migrate::evidence::{
    Evidence, EvidenceStatus, MigrationEvidence, ObjectEvidence, ObjectState,
};
use crate::model::Kind;
use std::collections::HashSet;
use std::fmt::Write as _;

/// At most this many objects are named per list; the rest are counted.
const NAMED: usize = 5;

/// One line per migration: a mark, its version, and the verdict with what backs it.
pub fn render_text(evidence: &Evidence) -> String {
    let width = evidence
        .migrations
        .iter()
        .map(|m| m.version.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for m in &evidence.migrations {
        let _ = writeln!(
            out,
            "{} {:<width$}  {}",
            mark(m.status),
            m.version,
            verdict(m)
        );
    }
    out
}

fn mark(status: EvidenceStatus) -> &'static str {
    match status {
        EvidenceStatus::Present => "✓",
        EvidenceStatus::Missing => "✗",
        EvidenceStatus::Partial => "~",
        EvidenceStatus::NoSchemaObjects => "·",
    }
}

/// `present (5 objects)`, `partly present (3 of 5 objects; missing: ...; differs: ...)`.
fn verdict(m: &MigrationEvidence) -> String {
    let (present, counted) = m.present_of_counted();
    let objects = if counted == 1 { "object" } else { "objects" };
    let missing = names(m, |s| matches!(s, ObjectState::Missing));
    let differs = names(m, |s| matches!(s, ObjectState::Differs { .. }));
    let mut notes = Vec::new();
    let head = match m.status {
        EvidenceStatus::Present => {
            notes.push(format!("{counted} {objects}"));
            "present"
        }
        EvidenceStatus::Missing => {
            notes.push(format!("none of {counted} {objects}: {missing}"));
            "missing"
        }
        EvidenceStatus::Partial => {
            notes.push(format!("{present} of {counted} {objects}"));
            if !missing.is_empty() {
                notes.push(format!("missing: {missing}"));
            }
            if !differs.is_empty() {
                notes.push(format!("differs: {differs}"));
            }
            "partly present"
        }
        EvidenceStatus::NoSchemaObjects if m.objects.is_empty() => {
            notes.push("it creates or alters none".into());
            "no schema objects"
        }
        EvidenceStatus::NoSchemaObjects => "no schema objects left",
    };
    if let Some(note) = superseded(m) {
        notes.push(note);
    }
    format!("{head} ({})", notes.join("; "))
}

/// The objects in a state `pick` accepts, named (a missing table's columns go unsaid).
fn names(m: &MigrationEvidence, pick: impl Fn(&ObjectState) -> bool) -> String {
    let chosen: Vec<&ObjectEvidence> = m.objects.iter().filter(|o| pick(&o.state)).collect();
    let tables: HashSet<&str> = chosen
        .iter()
        .filter(|o| o.kind == Kind::Table && o.state == ObjectState::Missing)
        .map(|o| o.name.as_str())
        .collect();
    let shown: Vec<String> = chosen
        .into_iter()
        .filter(|o| !of_missing_table(o, &tables))
        .map(name)
        .collect();
    let mut text = shown
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if shown.len() > NAMED {
        let _ = write!(text, " and {} more", shown.len() - NAMED);
    }
    text
}

fn of_missing_table(o: &ObjectEvidence, tables: &HashSet<&str>) -> bool {
    o.kind == Kind::Column
        && o.state == ObjectState::Missing
        && o.name
            .rsplit_once('.')
            .is_some_and(|(table, _)| tables.contains(table))
}

/// `table public.x`, `column public.y.z (type, not_null)`.
fn name(o: &ObjectEvidence) -> String {
    let kind = o.kind.info().singular;
    match &o.state {
        ObjectState::Differs { fields } => format!("{kind} {} ({})", o.name, fields.join(", ")),
        _ => format!("{kind} {}", o.name),
    }
}

/// `2 dropped later by 004_drop.sql`, or `by later migrations` when several drop them.
fn superseded(m: &MigrationEvidence) -> Option<String> {
    let by: Vec<&str> = m
        .objects
        .iter()
        .filter_map(|o| match &o.state {
            ObjectState::Superseded { by } => Some(by.as_str()),
            _ => None,
        })
        .collect();
    let first = *by.first()?;
    let whom = match by.iter().all(|b| *b == first) {
        true => first.to_string(),
        false => "later migrations".to_string(),
    };
    Some(format!("{} dropped later by {whom}", by.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn object(kind: Kind, name: &str, state: ObjectState) -> ObjectEvidence {
        ObjectEvidence {
            kind,
            name: name.into(),
            state,
        }
    }

    fn migration(
        version: &str,
        status: EvidenceStatus,
        objects: Vec<ObjectEvidence>,
    ) -> MigrationEvidence {
        MigrationEvidence {
            version: version.into(),
            path: PathBuf::from(version),
            status,
            objects,
        }
    }

    #[test]
    fn one_line_per_migration_naming_what_is_missing_or_different() {
        use ObjectState::*;
        let evidence = Evidence {
            migrations: vec![
                migration(
                    "001_users.sql",
                    EvidenceStatus::Present,
                    vec![
                        object(Kind::Table, "public.users", Present),
                        object(
                            Kind::Table,
                            "public.legacy",
                            Superseded {
                                by: "004_drop.sql".into(),
                            },
                        ),
                    ],
                ),
                migration(
                    "002_orders.sql",
                    EvidenceStatus::Partial,
                    vec![
                        object(Kind::Table, "public.x", Missing),
                        object(Kind::Column, "public.x.id", Missing),
                        object(Kind::Table, "public.y", Present),
                        object(
                            Kind::Column,
                            "public.y.z",
                            Differs {
                                fields: vec!["type".into()],
                            },
                        ),
                        object(Kind::Column, "public.y.w", Present),
                    ],
                ),
                migration("003_data.sql", EvidenceStatus::NoSchemaObjects, vec![]),
                migration(
                    "4",
                    EvidenceStatus::Missing,
                    vec![object(Kind::Index, "public.i", Missing)],
                ),
            ],
        };
        assert_eq!(
            render_text(&evidence),
            "✓ 001_users.sql   present (1 object; 1 dropped later by 004_drop.sql)\n\
             ~ 002_orders.sql  partly present (2 of 5 objects; missing: table public.x; differs: column public.y.z (type))\n\
             · 003_data.sql    no schema objects (it creates or alters none)\n\
             ✗ 4               missing (none of 1 object: index public.i)\n"
        );
        assert_eq!(
            evidence.summary(),
            "4 migrations: 1 present, 1 partly present, 1 missing, 1 without schema objects"
        );
        assert!(!evidence.supports_baseline());
    }

    #[test]
    fn long_lists_are_cut_and_counted() {
        let objects = (0..8)
            .map(|i| object(Kind::Index, &format!("public.i{i}"), ObjectState::Missing))
            .collect();
        let m = migration("1", EvidenceStatus::Missing, objects);
        assert_eq!(
            verdict(&m),
            "missing (none of 8 objects: index public.i0, index public.i1, index public.i2, \
             index public.i3, index public.i4 and 3 more)"
        );
    }
}
