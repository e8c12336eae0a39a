//! The statement rules, dispatched by a statement's first words: transaction control and
//! timeouts (which change what later statements are checked against), then CREATE, ALTER
//! TYPE and ALTER DOMAIN here, ALTER TABLE in `alter`, drops and rebuilds in `drops`, column
//! types in `columns`.

use super::file::{FileState, Hit};
use super::statement::{find_word, has_word, qual_name, seq, skip, Stmt};
use super::{alter, columns, drops};
use crate::lint::RuleId;
use crate::model::QualName;
use crate::sql::lex::TokenKind;

/// True for `BEGIN` and `START TRANSACTION` (not a routine's `BEGIN ATOMIC`).
pub(crate) fn is_begin(s: &Stmt<'_>) -> bool {
    (s.starts(&["begin"]) && !seq(&s.toks, 1, &["atomic"])) || s.starts(&["start", "transaction"])
}

pub(crate) fn is_end(s: &Stmt<'_>) -> bool {
    ["commit", "end", "abort"]
        .iter()
        .any(|w| s.starts(&[w]) && !seq(&s.toks, 1, &["prepared"]))
        || (s.starts(&["rollback"]) && !seq(&s.toks, 1, &["to"]) && !seq(&s.toks, 1, &["prepared"]))
}

/// The rules' hits on `s`; updates `st` with what `s` does.
pub(crate) fn check(s: &Stmt<'_>, st: &mut FileState) -> Vec<Hit> {
    let mut hits = Vec::new();
    if is_begin(s) {
        begin(s, st, &mut hits);
    } else if is_end(s) {
        end(st, &mut hits);
    } else if s.starts(&["set"]) || s.starts(&["select", "set_config"]) {
        timeouts(s, st);
    } else {
        long_names(s, &mut hits);
        let first = s.toks.first().map_or("", |t| t.text.as_str());
        match first {
            "create" => create(s, st, &mut hits),
            "alter" => alter_any(s, st, &mut hits),
            "drop" => drops::drop(s, st, &mut hits),
            "truncate" => drops::truncate(s, st, &mut hits),
            "reindex" => drops::reindex(s, st, &mut hits),
            "vacuum" | "cluster" => drops::repack(s, st, &mut hits),
            _ => {}
        }
    }
    hits
}

fn begin(s: &Stmt<'_>, st: &mut FileState, hits: &mut Vec<Hit>) {
    let wrapper = st.wrapper == Some(s.line);
    if let Some(line) = st.open_begin {
        hits.push(Hit::new(
            RuleId::TransactionNesting,
            format!("BEGIN inside the transaction the BEGIN at line {line} opened"),
        ));
    } else if st.in_tx && !wrapper {
        hits.push(Hit::new(
            RuleId::TransactionNesting,
            "BEGIN in a file its tool already runs in a transaction",
        ));
    }
    st.open_begin = Some(s.line);
    st.in_tx = true;
}

fn end(st: &mut FileState, hits: &mut Vec<Hit>) {
    if st.open_begin.is_none() && st.in_tx {
        hits.push(Hit::new(
            RuleId::TransactionNesting,
            "ends the transaction its tool runs the file in: what follows is not atomic",
        ));
    }
    st.open_begin = None;
    st.in_tx = false;
    st.not_valid.clear();
}

/// `SET [LOCAL|SESSION] lock_timeout|statement_timeout ...` and `set_config(...)`; a zero
/// value turns the limit off.
fn timeouts(s: &Stmt<'_>, st: &mut FileState) {
    let toks = &s.toks;
    let named = |name: &str| {
        toks.iter().position(|t| {
            (t.kind == TokenKind::Word || t.kind == TokenKind::String) && t.text == name
        })
    };
    let value_after = |at: usize| {
        toks[at + 1..]
            .iter()
            .filter(|t| !t.is("to"))
            .find(|t| {
                matches!(
                    t.kind,
                    TokenKind::String | TokenKind::Number | TokenKind::Word
                )
            })
            .map(|t| t.text.trim().to_string())
    };
    let on = |at: Option<usize>| match at.and_then(value_after) {
        Some(v) => !(v == "0" || v == "default" || v.starts_with("0m") || v.starts_with("0s")),
        None => false,
    };
    if let Some(at) = named("lock_timeout") {
        st.lock_timeout = on(Some(at));
    }
    if let Some(at) = named("statement_timeout") {
        st.statement_timeout = on(Some(at));
    }
}

/// Names longer than PostgreSQL keeps (63 bytes), in DDL.
fn long_names(s: &Stmt<'_>, hits: &mut Vec<Hit>) {
    if !(s.starts(&["create"]) || s.starts(&["alter"])) {
        return;
    }
    for t in s.toks.iter().filter(|t| t.is_name() && t.text.len() > 63) {
        let cut: String = String::from_utf8_lossy(&t.text.as_bytes()[..63]).into_owned();
        hits.push(Hit::new(
            RuleId::IdentifierTooLong,
            format!(
                "\"{}\" is {} bytes: PostgreSQL keeps \"{cut}\"",
                t.text,
                t.text.len()
            ),
        ));
    }
}

/// An ACCESS EXCLUSIVE lock on `table`: the timeout rules.
pub(crate) fn locks(table: &QualName, st: &mut FileState, hits: &mut Vec<Hit>) {
    if !st.existing(table) {
        return;
    }
    if !st.lock_timeout && !st.lock_timeout_reported {
        st.lock_timeout_reported = true;
        hits.push(
            Hit::new(
                RuleId::LockTimeoutMissing,
                format!(
                    "takes an ACCESS EXCLUSIVE lock on {table} with no lock_timeout set before \
                     (reported at the first such statement of the file)"
                ),
            )
            .sized(table)
            .fix("SET lock_timeout = '5s';"),
        );
    }
    if !st.statement_timeout && !st.statement_timeout_reported {
        st.statement_timeout_reported = true;
        hits.push(
            Hit::new(
                RuleId::StatementTimeoutMissing,
                format!("locks {table} with no statement_timeout set"),
            )
            .on("table", table.to_string())
            .fix("SET statement_timeout = '5min';"),
        );
    }
}

/// A statement that cannot be run again after a partial run, in a file outside a
/// transaction.
pub(crate) fn rerunnable(s: &Stmt<'_>, st: &FileState, guarded: bool, hits: &mut Vec<Hit>) {
    if !st.in_tx && st.statements > 1 && !guarded {
        let verb = s
            .toks
            .iter()
            .take(3)
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>();
        hits.push(Hit::new(
            RuleId::NotRerunnable,
            format!(
                "{} without IF {}EXISTS in a file that runs outside a transaction",
                verb.join(" ").to_uppercase(),
                if s.starts(&["drop"]) { "" } else { "NOT " }
            ),
        ));
    }
}

fn create(s: &Stmt<'_>, st: &mut FileState, hits: &mut Vec<Hit>) {
    let toks = &s.toks;
    let mut at = skip(toks, 1, &["or", "replace"]);
    for w in ["unique", "temporary", "temp", "unlogged", "global", "local"] {
        at = skip(toks, at, &[w]);
    }
    let what = toks.get(at).map_or("", |t| t.text.as_str());
    match what {
        "index" => index(s, st, at + 1, hits),
        "table" => {
            let guarded = seq(toks, at + 1, &["if", "not", "exists"]);
            rerunnable(s, st, guarded, hits);
            let at = skip(toks, at + 1, &["if", "not", "exists"]);
            if let Some((table, next)) = qual_name(toks, at) {
                columns::create_table(toks, next, &table, hits);
                st.created.insert(table);
            }
        }
        "sequence" | "schema" | "extension" => {
            rerunnable(s, st, seq(toks, at + 1, &["if", "not", "exists"]), hits)
        }
        "domain" if has_word(toks, "check") || has_word(toks, "constraint") => hits.push(
            Hit::new(
                RuleId::DomainConstraint,
                "a domain created with a CHECK constraint",
            )
            .fix("put the CHECK on the columns of the tables instead"),
        ),
        _ => {}
    }
}

fn index(s: &Stmt<'_>, st: &mut FileState, at: usize, hits: &mut Vec<Hit>) {
    let toks = &s.toks;
    let concurrently = toks.get(at).is_some_and(|t| t.is("concurrently"));
    let guarded =
        find_word(toks, 0, "exists").is_some_and(|e| e < find_word(toks, 0, "on").unwrap_or(0));
    rerunnable(s, st, guarded, hits);
    let Some(on) = find_word(toks, at, "on") else {
        return;
    };
    let Some((table, _)) = qual_name(toks, skip(toks, on + 1, &["only"])) else {
        return;
    };
    if concurrently && st.in_tx {
        hits.push(in_transaction("CREATE INDEX CONCURRENTLY"));
    } else if !concurrently && st.existing(&table) {
        let cut = toks.get(at).map_or(s.text.len(), |t| t.start);
        let (head, rest) = s.text.split_at(cut);
        hits.push(
            Hit::new(
                RuleId::IndexWithoutConcurrently,
                format!("builds an index on {table} without CONCURRENTLY: writes wait until it is built"),
            )
            .sized(&table)
            .fix(format!("{head}CONCURRENTLY {}; -- in a file outside a transaction", rest.trim_end())),
        );
    }
}

pub(crate) fn in_transaction(what: &str) -> Hit {
    Hit::new(
        RuleId::ConcurrentlyInTransaction,
        format!("{what} cannot run inside a transaction block: the migration fails"),
    )
    .fix("move it to a file of its own with `-- pgdrift:no-transaction` on the first line")
}

fn alter_any(s: &Stmt<'_>, st: &mut FileState, hits: &mut Vec<Hit>) {
    if s.starts(&["alter", "table"]) {
        alter::alter_table(s, st, hits);
    } else if s.starts(&["alter", "type"]) && has_word(&s.toks, "add") && has_word(&s.toks, "value")
    {
        let old = st.server_version_num.is_some_and(|v| v > 0 && v < 120_000);
        if st.in_tx && old {
            hits.push(Hit::new(
                RuleId::EnumValueInTransaction,
                "ALTER TYPE ... ADD VALUE cannot run in a transaction block before PostgreSQL 12, \
                 and the --against server is older",
            ).fix("move it to a file of its own with `-- pgdrift:no-transaction` on the first line"));
        }
    } else if s.starts(&["alter", "domain"]) && has_word(&s.toks, "add") {
        hits.push(Hit::new(
            RuleId::DomainConstraint,
            "a constraint added to a domain: every column of the domain is checked under lock",
        ));
    }
}
