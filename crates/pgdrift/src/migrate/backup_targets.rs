//! Which tables a migration's statements alter, drop, truncate, rename, or delete/update
//! rows of, read with pgdrift's lexer and statement splitter (the migration lint's name
//! readers); which it creates; and which statements hide their targets (DO blocks, dynamic
//! SQL, function calls), with the schemas they name. `resolve` turns those effects into
//! the tables of one database to back up, unqualified names looked up through its
//! `search_path` in statement order, so that a table a migration creates is not taken for
//! one that exists.

use crate::lint::migration::statement::{name_as_written, seq, skip, split_commas};
use crate::sql::lex::{tokens, Token, TokenKind};
use crate::sql::split::{split, Piece, Unterminated};
use std::collections::BTreeSet;

/// A table as a statement names it: its schema only when written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub schema: Option<String>,
    pub name: String,
}

/// What one statement does to tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Alters, drops, truncates, renames the table, or deletes or updates its rows.
    Touches(Named),
    /// Creates the table.
    Creates(Named),
    /// Its targets cannot be told from its text: the schemas it names (maybe none), and why.
    Opaque { schemas: Vec<String>, why: String },
}

/// The effects of every statement of `sql`, in order.
pub fn effects(sql: &str) -> Result<Vec<Effect>, Unterminated> {
    let mut out = Vec::new();
    for piece in split(sql)? {
        if let Piece::Statement { text, .. } = piece {
            out.extend(statement(&tokens(text)));
        }
    }
    Ok(out)
}

fn named(toks: &[Token], at: usize) -> Option<Named> {
    let ((schema, name), _) = name_as_written(toks, at)?;
    Some(Named {
        schema: schema.map(str::to_string),
        name: name.to_string(),
    })
}

fn touches(toks: &[Token], at: usize) -> Vec<Effect> {
    named(toks, at).map(Effect::Touches).into_iter().collect()
}

/// Each table of a comma-separated list starting at `at` (`DROP TABLE a, b`, `TRUNCATE`).
fn each_touched(toks: &[Token], at: usize) -> Vec<Effect> {
    let rest = toks.get(at..).unwrap_or(&[]);
    (split_commas(rest).into_iter())
        .filter_map(|part| named(part, skip(part, 0, &["only"])))
        .map(Effect::Touches)
        .collect()
}

fn opaque(toks: &[Token], why: &str) -> Vec<Effect> {
    vec![Effect::Opaque {
        schemas: named_schemas(toks, 2).into_iter().collect(),
        why: why.to_string(),
    }]
}

/// The effects of one lexed statement.
fn statement(toks: &[Token]) -> Vec<Effect> {
    match changes(toks) {
        Some(found) => found,
        None => others(toks),
    }
}

/// What a statement that alters, drops, truncates or changes rows of tables touches; none
/// for other statements.
fn changes(toks: &[Token]) -> Option<Vec<Effect>> {
    let s = |words: &[&str]| seq(toks, 0, words);
    Some(if s(&["alter", "table"]) {
        let at = skip(toks, skip(toks, 2, &["if", "exists"]), &["only"]);
        match seq(toks, at, &["all", "in", "tablespace"]) {
            true => opaque(toks, "ALTER TABLE ALL IN TABLESPACE"),
            false => touches(toks, at),
        }
    } else if s(&["drop", "table"]) {
        each_touched(toks, skip(toks, 2, &["if", "exists"]))
    } else if s(&["truncate"]) {
        each_touched(toks, skip(toks, 1, &["table"]))
    } else if s(&["delete", "from"]) || s(&["merge", "into"]) {
        touches(toks, skip(toks, 2, &["only"]))
    } else if s(&["update"]) {
        touches(toks, skip(toks, 1, &["only"]))
    } else if s(&["insert", "into"]) {
        let upsert = (0..toks.len()).any(|i| seq(toks, i, &["do", "update"]));
        match upsert {
            true => touches(toks, 2),
            false => Vec::new(),
        }
    } else if s(&["with"]) {
        row_changes_in(toks)
    } else {
        return None;
    })
}

/// What any other statement does: creates a table, or hides what it changes.
fn others(toks: &[Token]) -> Vec<Effect> {
    let s = |words: &[&str]| seq(toks, 0, words);
    if let Some(at) = created_table(toks) {
        return named(toks, at).map(Effect::Creates).into_iter().collect();
    }
    if s(&["drop", "schema"]) {
        let at = skip(toks, 2, &["if", "exists"]);
        let schemas = (split_commas(toks.get(at..).unwrap_or(&[])).into_iter())
            .filter_map(|p| p.first().filter(|t| t.is_name()))
            .map(|t| t.text.clone())
            .collect();
        let why = "DROP SCHEMA drops every table in it".to_string();
        return vec![Effect::Opaque { schemas, why }];
    }
    if s(&["do"]) {
        return opaque(toks, "a DO block");
    }
    if s(&["execute"]) || s(&["call"]) {
        return opaque(toks, "dynamic SQL or a procedure call");
    }
    if s(&["drop", "owned"]) {
        return opaque(toks, "DROP OWNED");
    }
    if s(&["select"]) && calls_unknown_function(toks) {
        return opaque(toks, "a function call");
    }
    Vec::new()
}

/// `CREATE [OR REPLACE] [GLOBAL|LOCAL] [TEMP|UNLOGGED] TABLE [IF NOT EXISTS] name`: where
/// the name is.
fn created_table(toks: &[Token]) -> Option<usize> {
    if !seq(toks, 0, &["create"]) {
        return None;
    }
    let mut at = skip(toks, 1, &["or", "replace"]);
    while toks.get(at).is_some_and(|t| {
        ["global", "local", "temp", "temporary", "unlogged"]
            .iter()
            .any(|w| t.is(w))
    }) {
        at += 1;
    }
    seq(toks, at, &["table"]).then(|| skip(toks, at + 1, &["if", "not", "exists"]))
}

/// `DELETE FROM t` and `UPDATE t` anywhere in a statement (the parts of a `WITH`).
fn row_changes_in(toks: &[Token]) -> Vec<Effect> {
    let mut out = Vec::new();
    for i in 0..toks.len() {
        if seq(toks, i, &["delete", "from"]) {
            out.extend(touches(toks, skip(toks, i + 2, &["only"])));
        } else if toks[i].is("update") {
            let before = i.checked_sub(1).map(|p| &toks[p]);
            let clause = before.is_some_and(|t| t.is("do") || t.is("for") || t.is("key"));
            if !clause {
                out.extend(touches(toks, skip(toks, i + 1, &["only"])));
            }
        } else if seq(toks, i, &["merge", "into"]) {
            out.extend(touches(toks, skip(toks, i + 2, &["only"])));
        }
    }
    out
}

/// Words a `SELECT` may put before `(` that call nothing of the user's.
const HARMLESS_CALLS: &[&str] = &[
    "select",
    "in",
    "exists",
    "values",
    "any",
    "some",
    "all",
    "array",
    "row",
    "cast",
    "coalesce",
    "nullif",
    "greatest",
    "least",
    "over",
    "filter",
    "within",
    "from",
    "where",
    "and",
    "or",
    "not",
    "as",
    "on",
    "using",
    "extract",
    "position",
    "substring",
    "trim",
    "case",
    "when",
    "then",
    "else",
    "count",
    "sum",
    "min",
    "max",
    "avg",
    "now",
    "lower",
    "upper",
    "length",
    "format",
    "set_config",
    "current_setting",
    "setval",
    "nextval",
    "currval",
    "pg_advisory_lock",
    "pg_advisory_xact_lock",
    "pg_advisory_unlock",
    "pg_sleep",
    "version",
    "current_schema",
    "numeric",
    "decimal",
    "varchar",
    "char",
    "timestamp",
    "interval",
];

/// True when a `SELECT` calls a function pgdrift cannot see into.
fn calls_unknown_function(toks: &[Token]) -> bool {
    (1..toks.len()).any(|i| {
        let word = &toks[i - 1];
        let cast = i >= 2 && toks[i - 2].is_punct(':');
        let qualified = i >= 3 && toks[i - 2].is_punct('.');
        let in_catalog = qualified && toks[i - 3].is("pg_catalog");
        toks[i].is_punct('(')
            && word.is_name()
            && !cast
            && !in_catalog
            && (qualified || !HARMLESS_CALLS.iter().any(|w| word.is(w)))
    })
}

/// The schemas `schema.name` names in `toks`, and in the string constants it holds (a DO
/// body, a dynamic statement), `depth` levels deep.
fn named_schemas(toks: &[Token], depth: u8) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, t) in toks.iter().enumerate() {
        if t.kind == TokenKind::String && depth > 0 {
            out.extend(named_schemas(&tokens(&t.text), depth - 1));
        }
        let dotted = toks.get(i + 1).is_some_and(|d| d.is_punct('.'))
            && toks.get(i + 2).is_some_and(Token::is_name);
        let after_dot = i > 0 && toks[i - 1].is_punct('.');
        if t.is_name() && dotted && !after_dot && !is_system(&t.text) {
            out.insert(t.text.clone());
        }
    }
    out
}

/// PostgreSQL's own schemas, never backed up.
pub fn is_system(schema: &str) -> bool {
    schema == "pg_catalog" || schema == "information_schema" || schema.starts_with("pg_")
}

#[cfg(test)]
#[path = "backup_targets_tests.rs"]
mod tests;
