//! Renames in `ALTER TABLE`: the findings (code still using the old name fails), and the
//! rename hints the effect rules give the planner, so that a renamed column is not planned
//! as one dropped with its data and another created.

use super::file::Hit;
use super::statement::{qual_name, seq, skip, split_commas, Stmt};
use crate::lint::RuleId;
use crate::model::QualName;
use crate::sql::lex::Token;

pub(crate) fn rename(action: &[Token], table: &QualName, hits: &mut Vec<Hit>) {
    const NOTE: &str = "code that still uses the old name fails once this commits";
    if seq(action, 1, &["to"]) {
        let new = action.get(2).map_or("?", |t| t.text.as_str());
        hits.push(
            Hit::new(
                RuleId::RenamesTable,
                format!("renames {table} to {new}: {NOTE}"),
            )
            .on("table", table.to_string()),
        );
    } else if !seq(action, 1, &["constraint"]) {
        let at = skip(action, 1, &["column"]);
        let old = action.get(at).map_or("?", |t| t.text.as_str());
        let new = action.get(at + 2).map_or("?", |t| t.text.as_str());
        hits.push(
            Hit::new(
                RuleId::RenamesColumn,
                format!("renames {table}.{old} to {new}: {NOTE}"),
            )
            .on("column", format!("{table}.{old}")),
        );
    }
}

/// The renames an `ALTER TABLE` statement makes, as the planner takes rename hints.
pub(crate) fn renames(s: &Stmt<'_>) -> Vec<crate::plan::renames::Rename> {
    use crate::plan::renames::Rename;
    let toks = &s.toks;
    if !s.starts(&["alter", "table"]) {
        return Vec::new();
    }
    let at = skip(toks, 2, &["if", "exists"]);
    let at = skip(toks, at, &["only"]);
    let Some((table, next)) = qual_name(toks, at) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for action in split_commas(toks.get(next..).unwrap_or(&[])) {
        if !seq(action, 0, &["rename"]) || seq(action, 1, &["constraint"]) {
            continue;
        }
        if seq(action, 1, &["to"]) {
            if let Some(new) = action.get(2).filter(|t| t.is_name()) {
                out.push(Rename::Table {
                    schema: table.schema.clone(),
                    from: table.name.clone(),
                    to: new.text.clone(),
                });
            }
            continue;
        }
        let at = skip(action, 1, &["column"]);
        if let (Some(old), true, Some(new)) = (
            action.get(at),
            seq(action, at + 1, &["to"]),
            action.get(at + 2),
        ) {
            out.push(Rename::Column {
                schema: table.schema.clone(),
                table: table.name.clone(),
                from: old.text.clone(),
                to: new.text.clone(),
            });
        }
    }
    out
}
