//! Keys and constraints added to an existing table by `ALTER TABLE ... ADD`: a primary key or
//! unique constraint building its index in place, a foreign key or check validated at once,
//! and the constraints added NOT VALID, remembered for a VALIDATE in the same transaction.

use super::file::{FileState, Hit};
use super::statement::seq;
use crate::lint::RuleId;
use crate::model::QualName;
use crate::sql::lex::Token;

pub(crate) fn key_hit(rule: RuleId, table: &QualName, what: &str) -> Hit {
    Hit::new(
        rule,
        format!("adds {what} to {table}, building its index under an ACCESS EXCLUSIVE lock"),
    )
    .sized(table)
    .fix("CREATE UNIQUE INDEX CONCURRENTLY ..., then ADD ... USING INDEX")
}

pub(crate) fn constraint(
    action: &[Token],
    table: &QualName,
    st: &mut FileState,
    hits: &mut Vec<Hit>,
) {
    let named = seq(action, 1, &["constraint"]);
    let name = named
        .then(|| action.get(2))
        .flatten()
        .map(|t| t.text.clone());
    let kind_at = if named { 3 } else { 1 };
    let not_valid = action
        .windows(2)
        .any(|w| w[0].is("not") && w[1].is("valid"));
    let using_index = action
        .windows(2)
        .any(|w| w[0].is("using") && w[1].is("index"));
    let kind = action.get(kind_at).map_or("", |t| t.text.as_str());
    match kind {
        "foreign" if !not_valid => hits.push(
            Hit::new(
                RuleId::ForeignKeyValidatedAtOnce,
                format!("adds a foreign key to {table} and checks every row at once"),
            )
            .sized(table)
            .fix("ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID; then VALIDATE CONSTRAINT later"),
        ),
        "check" if !not_valid => hits.push(
            Hit::new(
                RuleId::CheckValidatedAtOnce,
                format!(
                    "adds a check to {table} and scans every row under an ACCESS EXCLUSIVE lock"
                ),
            )
            .sized(table)
            .fix("ADD CONSTRAINT ... CHECK (...) NOT VALID; then VALIDATE CONSTRAINT later"),
        ),
        "primary" if !using_index => hits.push(key_hit(
            RuleId::PrimaryKeyBuildsIndex,
            table,
            "a primary key",
        )),
        "unique" if !using_index => hits.push(key_hit(
            RuleId::UniqueBuildsIndex,
            table,
            "a unique constraint",
        )),
        _ => {}
    }
    if let (true, Some(name), true) = (not_valid, name, st.in_tx) {
        st.not_valid.insert(name);
    }
}
