//! Rename hints: a table or column that FROM calls one name and TO another is the same
//! object, renamed, not one dropped (with its data) and another created. Nothing in two
//! catalogs proves that, so the user says it: `--rename public.users.name=full_name`, or a
//! `-- pgdrift:renamed from=name` comment in a SQL source (see [`comments`]).
//!
//! A hint is applied to FROM before the diff ([`apply`]): the catalog is rewritten as the
//! server would read it after the `RENAME`, the diff then sees only what else changed, and
//! the plan starts with the `ALTER ... RENAME` steps. A hint already carried out (the new
//! name in FROM, the old one gone) is skipped, so a comment can stay in the sources. Without
//! a hint, [`suggest`] finds drops and creations that look like renames, for the summary to
//! propose; the drop itself stays gated behind `--allow-destructive`.

mod catalog;
pub mod comments;
mod suggest;
mod text;

pub use suggest::suggest;

use super::{HazardKind, Step};
use crate::diff::Op;
use crate::model::{Catalog, Kind, QualName, TableKind};
use crate::sql::{Ident, QualIdent};
use std::fmt;

/// One rename: of a table in its schema, or of a column of a table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rename {
    Table {
        schema: String,
        from: String,
        to: String,
    },
    Column {
        schema: String,
        table: String,
        from: String,
        to: String,
    },
}

/// A hint that cannot be applied, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rename hint {hint}: {reason}")]
pub struct HintError {
    pub hint: String,
    pub reason: String,
}

impl fmt::Display for Rename {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rename::Table { schema, from, to } => {
                write!(f, "{}={}", QualIdent(schema, from), Ident(to))
            }
            Rename::Column {
                schema,
                table,
                from,
                to,
            } => {
                write!(
                    f,
                    "{}.{}={}",
                    QualIdent(schema, table),
                    Ident(from),
                    Ident(to)
                )
            }
        }
    }
}

/// Splits `a.b."c.d"` into its names, unquoting quoted ones and folding the others.
fn names(text: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut chars = text.trim().chars().peekable();
    loop {
        let mut name = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next()? {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        name.push('"');
                    }
                    '"' => break,
                    c => name.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek().filter(|c| **c != '.') {
                name.push(c.to_ascii_lowercase());
                chars.next();
            }
            name = name.trim().to_string();
        }
        if name.is_empty() {
            return None;
        }
        out.push(name);
        match chars.next() {
            None => return Some(out),
            Some('.') => {}
            Some(_) => return None,
        }
    }
}

impl std::str::FromStr for Rename {
    type Err = HintError;

    /// `schema.table=new` or `table=new` (schema `public`) for a table;
    /// `schema.table.column=new` for a column.
    fn from_str(s: &str) -> Result<Rename, HintError> {
        let bad = |reason: &str| HintError {
            hint: s.to_string(),
            reason: reason.to_string(),
        };
        let usage = "write schema.table=new_name for a table or schema.table.column=new_name \
                     for a column (quote names with double quotes)";
        let (left, right) = s.rsplit_once('=').ok_or_else(|| bad(usage))?;
        let to = match names(right).as_deref() {
            Some([to]) => to.clone(),
            _ => return Err(bad(&format!("the new name must be one name; {usage}"))),
        };
        match names(left).ok_or_else(|| bad(usage))?.as_slice() {
            [table] => Ok(Rename::Table {
                schema: "public".into(),
                from: table.clone(),
                to,
            }),
            [schema, table] => Ok(Rename::Table {
                schema: schema.clone(),
                from: table.clone(),
                to,
            }),
            [schema, table, column] => Ok(Rename::Column {
                schema: schema.clone(),
                table: table.clone(),
                from: column.clone(),
                to,
            }),
            _ => Err(bad(usage)),
        }
    }
}

impl Rename {
    /// The same rename, undone.
    pub fn inverse(&self) -> Rename {
        match self.clone() {
            Rename::Table { schema, from, to } => Rename::Table {
                schema,
                from: to,
                to: from,
            },
            Rename::Column {
                schema,
                table,
                from,
                to,
            } => Rename::Column {
                schema,
                table,
                from: to,
                to: from,
            },
        }
    }
}

/// The name table `schema.table` had before the table renames among `hints`.
fn table_before(hints: &[Rename], schema: &str, table: &str) -> String {
    hints
        .iter()
        .find_map(|r| match r {
            Rename::Table {
                schema: s,
                from,
                to,
            } if s == schema && to == table => Some(from.clone()),
            _ => None,
        })
        .unwrap_or_else(|| table.to_string())
}

/// The hints that undo `applied` (in the other direction: from TO back to FROM), each
/// naming its table by its name in FROM.
pub fn inverse(applied: &[Rename]) -> Vec<Rename> {
    applied
        .iter()
        .rev()
        .map(|r| match r {
            Rename::Column {
                schema,
                table,
                from,
                to,
            } => Rename::Column {
                schema: schema.clone(),
                table: table_before(applied, schema, table),
                from: to.clone(),
                to: from.clone(),
            },
            other => other.inverse(),
        })
        .collect()
}

/// The hints of `comments` that apply to `from`: those whose old table or column it has.
/// A comment stays in a schema file for good, so one that names nothing in FROM (a new
/// database, or one created after the rename) is left out rather than an error.
pub fn applicable(hints: Vec<Rename>, from: &Catalog) -> Vec<Rename> {
    let tables: Vec<Rename> = hints
        .iter()
        .filter(|h| match h {
            Rename::Table {
                schema, from: old, ..
            } => from.tables.contains_key(&QualName::new(schema, old)),
            Rename::Column { .. } => false,
        })
        .cloned()
        .collect();
    let columns = hints.iter().filter(|h| match h {
        Rename::Column {
            schema,
            table,
            from: old,
            ..
        } => from
            .tables
            .get(&QualName::new(schema, table_before(&tables, schema, table)))
            .is_some_and(|t| t.column(old).is_some()),
        Rename::Table { .. } => false,
    });
    let columns: Vec<Rename> = columns.cloned().collect();
    tables.into_iter().chain(columns).collect()
}

/// FROM with the hints applied, and the steps that apply them to the database.
#[derive(Debug, Clone)]
pub struct Renamed {
    pub catalog: Catalog,
    /// The `ALTER ... RENAME` steps, in order; they run before the rest of the plan.
    pub steps: Vec<Step>,
    /// The hints applied (hints already carried out in FROM are left out).
    pub applied: Vec<Rename>,
}

/// `a.b=c` names table `a.b` or, when FROM has no such table but has a table `public.a`
/// (or one a hint renames to that) with a column `b`, that column.
fn resolve(hint: &Rename, hints: &[Rename], from: &Catalog) -> Rename {
    let Rename::Table {
        schema,
        from: old,
        to,
    } = hint
    else {
        return hint.clone();
    };
    let tables = |s: &str, t: &str| from.tables.get(&QualName::new(s, t));
    if tables(schema, old).is_some() || tables(schema, to).is_some() {
        return hint.clone();
    }
    let was = table_before(hints, "public", schema);
    match tables("public", &was) {
        Some(t) if t.column(old).is_some() || t.column(to).is_some() => Rename::Column {
            schema: "public".into(),
            table: schema.clone(),
            from: old.clone(),
            to: to.clone(),
        },
        _ => hint.clone(),
    }
}

/// Applies `hints` to `from` (table renames first, then columns), checking each against
/// both catalogs. A hint already carried out is skipped; one that names nothing, or whose
/// new name is taken, is an error that names it.
pub fn apply(hints: &[Rename], from: &Catalog, to: &Catalog) -> Result<Renamed, HintError> {
    let mut out = Renamed {
        catalog: from.clone(),
        steps: Vec::new(),
        applied: Vec::new(),
    };
    let hints: Vec<Rename> = hints.iter().map(|h| resolve(h, hints, from)).collect();
    let mut seen = std::collections::HashSet::new();
    let ordered = hints
        .iter()
        .filter(|h| matches!(h, Rename::Table { .. }))
        .chain(hints.iter().filter(|h| matches!(h, Rename::Column { .. })))
        .filter(|h| seen.insert((*h).clone()));
    for hint in ordered {
        let err = |reason: String| HintError {
            hint: hint.to_string(),
            reason,
        };
        match hint {
            Rename::Table {
                schema,
                from: old,
                to: new,
            } => table_hint(&mut out, to, (schema, old, new)).map_err(err)?,
            Rename::Column {
                schema,
                table,
                from: old,
                to: new,
            } => column_hint(&mut out, to, (schema, table, old, new)).map_err(err)?,
        }
    }
    Ok(out)
}

fn table_hint(
    out: &mut Renamed,
    to: &Catalog,
    (schema, old, new): (&str, &str, &str),
) -> Result<(), String> {
    let c = &mut out.catalog;
    let has_old = c.tables.contains_key(&QualName::new(schema, old));
    let has_new = c.tables.contains_key(&QualName::new(schema, new));
    if !has_old && has_new {
        return Ok(());
    }
    if !has_old {
        return Err(format!("FROM has no table {}", QualIdent(schema, old)));
    }
    if !to.tables.contains_key(&QualName::new(schema, new)) {
        return Err(format!("TO has no table {}", QualIdent(schema, new)));
    }
    if catalog::relation_exists(c, schema, new) {
        return Err(format!(
            "FROM already has a relation named {}; drop or rename it first",
            QualIdent(schema, new)
        ));
    }
    if to.tables.contains_key(&QualName::new(schema, old)) {
        return Err(format!(
            "TO still has a table {}: a renamed table is gone under its old name",
            QualIdent(schema, old)
        ));
    }
    let foreign = c.tables[&QualName::new(schema, old)].kind == TableKind::Foreign;
    catalog::rename_table(c, schema, old, new);
    let what = if foreign { "FOREIGN TABLE" } else { "TABLE" };
    let sql = format!(
        "ALTER {what} {} RENAME TO {}",
        QualIdent(schema, old),
        Ident(new)
    );
    let name = QualIdent(schema, new).to_string();
    out.steps.push(renaming(
        sql,
        Kind::Table,
        &name,
        &format!("table {} is now {name}", QualIdent(schema, old)),
    ));
    let moves = catalog::follow_sequences(c, to, schema, (old, new), (None, None));
    push_sequences(out, moves);
    out.applied.push(Rename::Table {
        schema: schema.into(),
        from: old.into(),
        to: new.into(),
    });
    Ok(())
}

fn column_hint(
    out: &mut Renamed,
    to: &Catalog,
    (schema, table, old, new): (&str, &str, &str, &str),
) -> Result<(), String> {
    let q = QualName::new(schema, table);
    let c = &mut out.catalog;
    let Some(t) = c.tables.get(&q) else {
        return Err(format!(
            "FROM has no table {q} (a table renamed too is named by its new name)"
        ));
    };
    let (has_old, has_new) = (t.column(old).is_some(), t.column(new).is_some());
    if !has_old && has_new {
        return Ok(());
    }
    if !has_old {
        return Err(format!("table {q} has no column {} in FROM", Ident(old)));
    }
    if has_new {
        return Err(format!(
            "table {q} already has a column {} in FROM",
            Ident(new)
        ));
    }
    let Some(in_to) = to.tables.get(&q) else {
        return Err(format!("TO has no table {q}"));
    };
    if in_to.column(new).is_none() {
        return Err(format!("table {q} has no column {} in TO", Ident(new)));
    }
    if in_to.column(old).is_some() {
        return Err(format!("table {q} still has a column {} in TO", Ident(old)));
    }
    catalog::rename_column_in(c, schema, table, old, new);
    let sql = format!(
        "ALTER TABLE {} RENAME COLUMN {} TO {}",
        QualIdent(schema, table),
        Ident(old),
        Ident(new)
    );
    let name = format!("{q}.{new}");
    out.steps.push(renaming(
        sql,
        Kind::Column,
        &name,
        &format!("column {q}.{old} is now {name}"),
    ));
    let moves = catalog::follow_sequences(c, to, schema, (table, table), (Some(old), Some(new)));
    push_sequences(out, moves);
    out.applied.push(Rename::Column {
        schema: schema.into(),
        table: table.into(),
        from: old.into(),
        to: new.into(),
    });
    Ok(())
}

fn push_sequences(out: &mut Renamed, moves: Vec<catalog::SequenceMove>) {
    for m in moves {
        let sql = format!(
            "ALTER SEQUENCE {} RENAME TO {}",
            QualIdent(&m.schema, &m.old),
            Ident(&m.new)
        );
        let name = QualIdent(&m.schema, &m.new).to_string();
        let detail = format!("sequence {} is now {name}", QualIdent(&m.schema, &m.old));
        out.steps
            .push(renaming(sql, Kind::Sequence, &name, &detail));
    }
}

fn renaming(sql: String, kind: Kind, name: &str, detail: &str) -> Step {
    Step::new(sql, kind, Op::Alter, name).hazard(HazardKind::Renames, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_are_read_with_quotes_and_defaults() {
        let r: Rename = "Users=customers".parse().unwrap();
        assert_eq!(r.to_string(), "public.users=customers");
        let r: Rename = "\"App\".\"My Table\".\"a.b\"=\"C\"".parse().unwrap();
        assert_eq!(
            r,
            Rename::Column {
                schema: "App".into(),
                table: "My Table".into(),
                from: "a.b".into(),
                to: "C".into()
            }
        );
        assert_eq!(r.inverse().inverse(), r);
    }

    #[test]
    fn odd_hints_are_errors_never_panics() {
        for s in [
            "",
            "=",
            "a=",
            "=b",
            "a.=b",
            ".a=b",
            "a..b=c",
            "\"=b",
            "a=\"",
            "a=b.c",
            "a.b.c.d=e",
            "\"\"=x",
            "é=ü",
            "a = b",
        ] {
            let _ = s.parse::<Rename>();
        }
        assert!("a=b.c".parse::<Rename>().is_err());
        assert!("a.b.c.d=e".parse::<Rename>().is_err());
        assert!("=b".parse::<Rename>().is_err());
    }
}
