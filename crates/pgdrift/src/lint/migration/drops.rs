//! Statements that drop, empty or rebuild: DROP DATABASE / TABLE / INDEX, TRUNCATE, REINDEX,
//! VACUUM FULL and CLUSTER.

use super::checks::{in_transaction, locks, rerunnable};
use super::file::{FileState, Hit};
use super::statement::{has_word, qual_name, seq, skip, split_commas, Stmt};
use crate::lint::RuleId;

pub(crate) fn drop(s: &Stmt<'_>, st: &mut FileState, hits: &mut Vec<Hit>) {
    let toks = &s.toks;
    let what = toks.get(1).map_or("", |t| t.text.as_str());
    let guarded = has_word(toks, "exists");
    match what {
        "database" => hits.push(Hit::new(RuleId::DropsDatabase, "drops a database")),
        "table" => {
            rerunnable(s, st, guarded, hits);
            let at = skip(toks, 2, &["if", "exists"]);
            for part in split_commas(&toks[at..]) {
                if let Some((table, _)) = qual_name(part, 0) {
                    if st.existing(&table) {
                        hits.push(
                            Hit::new(RuleId::DropsTable, format!("drops {table} and its data"))
                                .on("table", table.to_string()),
                        );
                        locks(&table, st, hits);
                    }
                }
            }
        }
        "index" => {
            rerunnable(s, st, guarded, hits);
            let concurrently = seq(toks, 2, &["concurrently"]);
            if concurrently && st.in_tx {
                hits.push(in_transaction("DROP INDEX CONCURRENTLY"));
            } else if !concurrently {
                hits.push(
                    Hit::new(
                        RuleId::DropIndexWithoutConcurrently,
                        "drops an index without CONCURRENTLY: the table is locked ACCESS EXCLUSIVE",
                    )
                    .fix("DROP INDEX CONCURRENTLY ... (in a file outside a transaction)"),
                );
            }
        }
        "sequence" | "schema" | "extension" | "view" | "type" => rerunnable(s, st, guarded, hits),
        _ => {}
    }
}

pub(crate) fn truncate(s: &Stmt<'_>, st: &mut FileState, hits: &mut Vec<Hit>) {
    let toks = &s.toks;
    let at = skip(toks, 1, &["table"]);
    if has_word(toks, "cascade") {
        hits.push(Hit::new(
            RuleId::TruncateCascade,
            "TRUNCATE ... CASCADE also empties every table that references these, unnamed",
        ));
    }
    let at = skip(toks, at, &["only"]);
    if let Some((table, _)) = qual_name(toks, at) {
        locks(&table, st, hits);
    }
}

pub(crate) fn reindex(s: &Stmt<'_>, st: &mut FileState, hits: &mut Vec<Hit>) {
    let toks = &s.toks;
    let concurrently = has_word(toks, "concurrently");
    if concurrently && st.in_tx {
        hits.push(in_transaction("REINDEX CONCURRENTLY"));
    } else if !concurrently {
        let mut hit = Hit::new(
            RuleId::ReindexWithoutConcurrently,
            "REINDEX without CONCURRENTLY blocks writes (and reads using the index) until done",
        );
        if seq(toks, 1, &["table"]) {
            if let Some((table, _)) = qual_name(toks, 2) {
                hit = hit.sized(&table);
            }
        }
        hits.push(hit.fix("REINDEX ... CONCURRENTLY (PostgreSQL 12+, outside a transaction)"));
    }
}

pub(crate) fn repack(s: &Stmt<'_>, st: &mut FileState, hits: &mut Vec<Hit>) {
    let toks = &s.toks;
    let full = s.starts(&["cluster"]) || toks.iter().take(4).any(|t| t.is("full"));
    if !full {
        return;
    }
    let mut at = match super::statement::inside_parens(toks, 1) {
        Some((_, after)) => after,
        None => 1,
    };
    while toks
        .get(at)
        .is_some_and(|t| t.is("full") || t.is("verbose") || t.is("analyze"))
    {
        at += 1;
    }
    let table = toks
        .get(at)
        .filter(|t| t.is_name())
        .and_then(|_| qual_name(toks, at));
    let mut hit = Hit::new(
        RuleId::RewritesWithoutRepack,
        "VACUUM FULL and CLUSTER rewrite the table under an ACCESS EXCLUSIVE lock",
    );
    if let Some((table, _)) = table {
        hit = hit.sized(&table);
        hits.push(hit);
        locks(&table, st, hits);
    } else {
        hits.push(hit);
    }
}
