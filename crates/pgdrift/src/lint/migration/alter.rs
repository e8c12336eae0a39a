//! `ALTER TABLE`, action by action: columns added (volatile defaults, required columns,
//! keys built in place), constraints added without NOT VALID or validated in the same
//! transaction, type changes, NOT NULL set or dropped, drops, renames and partitions
//! detached; and the lock every action but a few weak ones takes, for the timeout rules.

use super::checks::{in_transaction, locks};
use super::columns::{self, is_serial};
use super::file::{FileState, Hit};
use super::statement::{column_type, has_word, qual_name, seq, skip, split_commas, Stmt};
use super::{keys, renames};
use crate::lint::RuleId;
use crate::model::QualName;
use crate::sql::lex::{Token, TokenKind};

/// Functions whose result changes from row to row: a default calling one is computed for
/// every existing row, a rewrite.
const VOLATILE: &[&str] = &[
    "random",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "uuidv4",
    "uuidv7",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "setseed",
    "txid_current",
];

/// Actions that take less than ACCESS EXCLUSIVE.
fn weak_lock(action: &[Token]) -> bool {
    let fk = has_word(action, "foreign") || has_word(action, "references");
    seq(action, 0, &["validate"])
        || (seq(action, 0, &["add"]) && fk)
        || seq(action, 0, &["attach", "partition"])
        || (seq(action, 0, &["detach", "partition"]) && has_word(action, "concurrently"))
        || seq(action, 0, &["enable"])
        || seq(action, 0, &["disable"])
        || seq(action, 0, &["cluster", "on"])
        || (seq(action, 0, &["set"]) && action.get(1).is_some_and(|t| t.is_punct('(')))
        || (seq(action, 0, &["reset"]))
        || (seq(action, 0, &["alter"]) && has_word(action, "statistics"))
}

/// Checks an `ALTER TABLE` statement.
pub(crate) fn alter_table(s: &Stmt<'_>, st: &mut FileState, hits: &mut Vec<Hit>) {
    let toks = &s.toks;
    let at = skip(toks, 2, &["if", "exists"]);
    let at = skip(toks, at, &["only"]);
    let Some((table, mut next)) = qual_name(toks, at) else {
        return;
    };
    if toks.get(next).is_some_and(|t| t.is_punct('*')) {
        next += 1;
    }
    let actions = split_commas(&toks[next..]);
    let existing = st.existing(&table);
    let mut strong = false;
    for action in &actions {
        strong |= !weak_lock(action);
        if existing {
            on_existing(action, &table, st, hits);
        }
        anywhere(action, &table, st, hits);
    }
    if strong && existing {
        locks(&table, st, hits);
    }
}

/// The rules that apply whether or not the table is new.
fn anywhere(action: &[Token], table: &QualName, st: &mut FileState, hits: &mut Vec<Hit>) {
    if seq(action, 0, &["add"]) && !starts_constraint(action) {
        if let Some((name, ty)) = added_column(action) {
            columns::column(table, &name, ty, hits);
        }
    }
    if seq(action, 0, &["detach", "partition"]) && has_word(action, "concurrently") && st.in_tx {
        hits.push(in_transaction("DETACH PARTITION ... CONCURRENTLY"));
    }
}

/// The rules about the data and locks of a table that exists before the file.
fn on_existing(action: &[Token], table: &QualName, st: &mut FileState, hits: &mut Vec<Hit>) {
    let first = action.first().map_or("", |t| t.text.as_str());
    match first {
        "add" if starts_constraint(action) => keys::constraint(action, table, st, hits),
        "add" => add_column(action, table, st, hits),
        "alter" => alter_column(action, table, hits),
        "drop" if !seq(action, 1, &["constraint"]) => {
            let at = skip(action, 1, &["column"]);
            let at = skip(action, at, &["if", "exists"]);
            let col = action.get(at).map_or("?", |t| t.text.as_str());
            hits.push(
                Hit::new(
                    RuleId::DropsColumn,
                    format!("drops {table}.{col} and its data"),
                )
                .on("column", format!("{table}.{col}")),
            );
        }
        "rename" => renames::rename(action, table, hits),
        "validate" => {
            let name = action.get(2).map_or("", |t| t.text.as_str());
            if st.in_tx && st.not_valid.contains(name) {
                hits.push(
                    Hit::new(
                        RuleId::CheckValidatedAtOnce,
                        format!("validates {name} in the transaction that added it NOT VALID"),
                    )
                    .sized(table)
                    .fix("VALIDATE CONSTRAINT in a later migration (or after a COMMIT)"),
                );
            }
        }
        "detach" if !has_word(action, "concurrently") => hits.push(
            Hit::new(
                RuleId::DetachPartition,
                format!("detaches a partition of {table}"),
            )
            .sized(table)
            .fix("ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+)"),
        ),
        _ => {}
    }
}

fn starts_constraint(action: &[Token]) -> bool {
    [
        "constraint",
        "primary",
        "unique",
        "check",
        "foreign",
        "exclude",
    ]
    .iter()
    .any(|w| seq(action, 1, &[w]))
}

/// `ADD [COLUMN] [IF NOT EXISTS] name type ...`: the name and the definition after it.
fn added_column(action: &[Token]) -> Option<(String, &[Token])> {
    let at = skip(action, 1, &["column"]);
    let at = skip(action, at, &["if", "not", "exists"]);
    let name = action.get(at).filter(|t| t.is_name())?;
    Some((name.text.clone(), &action[at + 1..]))
}

fn add_column(action: &[Token], table: &QualName, st: &FileState, hits: &mut Vec<Hit>) {
    let Some((name, def)) = added_column(action) else {
        return;
    };
    let column = format!("{table}.{name}");
    let ty = column_type(def, 0);
    let default = has_word(def, "default");
    let generated_stored = has_word(def, "generated") && has_word(def, "stored");
    let why = rewrite_reason(def, ty, st);
    if let Some(why) = why {
        hits.push(
            Hit::new(
                RuleId::VolatileDefault,
                format!("adding {column} rewrites {table}: {why}"),
            )
            .sized(table)
            .fix("add the column without the default, SET DEFAULT, then fill rows in batches"),
        );
    }
    let identity = has_word(def, "identity");
    if has_word(def, "not")
        && has_word(def, "null")
        && !default
        && !generated_stored
        && !identity
        && !is_serial(ty)
    {
        hits.push(
            Hit::new(RuleId::RequiredColumnWithoutDefault, format!("{column} is NOT NULL without a default: the statement fails if {table} has rows"))
                .on("column", column.clone())
                .fix("add it nullable, fill it, then SET NOT NULL; or give it a default"),
        );
    }
    if has_word(def, "primary") {
        hits.push(keys::key_hit(
            RuleId::PrimaryKeyBuildsIndex,
            table,
            "a primary key",
        ));
    } else if has_word(def, "unique") {
        hits.push(keys::key_hit(
            RuleId::UniqueBuildsIndex,
            table,
            "a unique constraint",
        ));
    }
}

/// Why adding a column defined as `def` (of type `ty`) rewrites the table, if it does.
fn rewrite_reason(def: &[Token], ty: &[Token], st: &FileState) -> Option<String> {
    let old = st.server_version_num.is_some_and(|v| v > 0 && v < 110_000);
    if has_word(def, "generated") && has_word(def, "stored") {
        Some("a stored generated column is computed for every row".to_string())
    } else if is_serial(ty) {
        Some("a serial column is filled from its sequence for every row".to_string())
    } else if let Some(f) = volatile_call(def) {
        Some(format!("its default calls {f}(), which is volatile"))
    } else if has_word(def, "default") && old {
        Some("before PostgreSQL 11 any default is written into every row".to_string())
    } else {
        None
    }
}

/// The first volatile function `def` calls.
fn volatile_call(def: &[Token]) -> Option<String> {
    def.windows(2)
        .find(|w| {
            w[0].kind == TokenKind::Word
                && w[1].is_punct('(')
                && VOLATILE.contains(&w[0].text.as_str())
        })
        .map(|w| w[0].text.clone())
}

fn alter_column(action: &[Token], table: &QualName, hits: &mut Vec<Hit>) {
    let at = skip(action, 1, &["column"]);
    let Some(col) = action.get(at).filter(|t| t.is_name()) else {
        return;
    };
    let column = format!("{table}.{}", col.text);
    let rest = &action[at + 1..];
    let after_set_data = skip(rest, 0, &["set", "data"]);
    if seq(rest, after_set_data, &["type"]) {
        columns::column(
            table,
            &col.text,
            column_type(rest, after_set_data + 1),
            hits,
        );
        hits.push(
            Hit::new(
                RuleId::ColumnTypeChange,
                format!(
                    "changes the type of {column}: most changes rewrite {table} and its indexes"
                ),
            )
            .sized(table)
            .fix("add a new column, copy in batches, switch the code, drop the old one"),
        );
    } else if seq(rest, 0, &["set", "not", "null"]) {
        hits.push(
            Hit::new(RuleId::SetNotNull, format!("SET NOT NULL on {column} scans {table} under an ACCESS EXCLUSIVE lock"))
                .sized(table)
                .fix(format!("ADD CONSTRAINT ... CHECK ({} IS NOT NULL) NOT VALID; VALIDATE it; then SET NOT NULL", col.text)),
        );
    } else if seq(rest, 0, &["drop", "not", "null"]) {
        hits.push(
            Hit::new(
                RuleId::DropsNotNull,
                format!("{column} may hold NULL from now on"),
            )
            .on("column", column),
        );
    }
}
