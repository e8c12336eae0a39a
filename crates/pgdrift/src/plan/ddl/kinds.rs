//! DDL text for rules, extended statistics, collations and event triggers: pure functions
//! from a model object to its statements, quoted through `sql/`.

use super::qn;
use crate::model::Rule;
use crate::sql::{Ident, Verbatim};

/// The rule as PostgreSQL printed it; with `or_replace`, as `CREATE OR REPLACE RULE`.
pub fn create_rule(r: &Rule, or_replace: bool) -> String {
    match (or_replace, r.definition.strip_prefix("CREATE RULE ")) {
        (true, Some(rest)) => format!("CREATE OR REPLACE RULE {}", Verbatim(rest)),
        _ => r.definition.clone(),
    }
}

pub fn drop_rule(r: &Rule) -> String {
    format!(
        "DROP RULE {} ON {}",
        Ident(&r.name),
        qn(&r.schema, &r.table)
    )
}

/// `ALTER TABLE ... ENABLE/DISABLE RULE` for a rule's firing state.
pub fn rule_enabled(r: &Rule) -> String {
    format!(
        "ALTER TABLE {} {} RULE {}",
        qn(&r.schema, &r.table),
        firing_clause(&r.enabled),
        Ident(&r.name)
    )
}

/// The `ENABLE`/`DISABLE` words that set a firing state (`origin`, `disabled`, `replica`,
/// `always`).
pub fn firing_clause(state: &str) -> &'static str {
    match state {
        "disabled" => "DISABLE",
        "replica" => "ENABLE REPLICA",
        "always" => "ENABLE ALWAYS",
        _ => "ENABLE",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> Rule {
        Rule {
            schema: "app".into(),
            table: "Log".into(),
            name: "no delete".into(),
            event: "delete".into(),
            instead: true,
            enabled: "replica".into(),
            definition:
                "CREATE RULE \"no delete\" AS\n    ON DELETE TO app.\"Log\" DO INSTEAD NOTHING"
                    .into(),
            comment: None,
        }
    }

    #[test]
    fn rule_statements() {
        let r = rule();
        assert_eq!(create_rule(&r, false), r.definition);
        assert!(create_rule(&r, true).starts_with("CREATE OR REPLACE RULE \"no delete\" AS"));
        assert_eq!(drop_rule(&r), "DROP RULE \"no delete\" ON app.\"Log\"");
        assert_eq!(
            rule_enabled(&r),
            "ALTER TABLE app.\"Log\" ENABLE REPLICA RULE \"no delete\""
        );
    }
}
