//! DDL text for rules, extended statistics, collations and event triggers: pure functions
//! from a model object to its statements, quoted through `sql/`.

use super::qn;
use crate::model::{Collation, EventTrigger, ExtendedStatistics, Rule, ALL_STATISTICS_KINDS};
use crate::sql::{Ident, Literal, Verbatim};

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

/// `CREATE STATISTICS`, naming its kinds only when it does not build them all.
pub fn create_statistics(s: &ExtendedStatistics) -> String {
    let kinds = match s.kinds.len() {
        0 => String::new(),
        n if n == ALL_STATISTICS_KINDS.len() => String::new(),
        _ => format!(" ({})", s.kinds.join(", ")),
    };
    format!(
        "CREATE STATISTICS {}{kinds} ON {} FROM {}",
        qn(&s.schema, &s.name),
        Verbatim(&s.columns),
        qn(&s.table.schema, &s.table.name)
    )
}

/// `ALTER STATISTICS ... SET STATISTICS`, to the target or back to the default (-1).
pub fn statistics_target(s: &ExtendedStatistics) -> String {
    format!(
        "ALTER STATISTICS {} SET STATISTICS {}",
        qn(&s.schema, &s.name),
        s.target.unwrap_or(-1)
    )
}

pub fn drop_statistics(s: &ExtendedStatistics) -> String {
    format!("DROP STATISTICS {}", qn(&s.schema, &s.name))
}

/// `CREATE COLLATION` with the options that define it.
pub fn create_collation(c: &Collation) -> String {
    let mut options = vec![format!(
        "provider = {}",
        match c.provider.as_str() {
            "icu" => "icu",
            "builtin" => "builtin",
            _ => "libc",
        }
    )];
    let mut option = |name: &str, value: &Option<String>| {
        if let Some(v) = value {
            options.push(format!("{name} = {}", Literal(v)));
        }
    };
    option("locale", &c.locale);
    option("lc_collate", &c.lc_collate);
    option("lc_ctype", &c.lc_ctype);
    option("rules", &c.rules);
    if !c.deterministic {
        options.push("deterministic = false".to_string());
    }
    format!(
        "CREATE COLLATION {} ({})",
        qn(&c.schema, &c.name),
        options.join(", ")
    )
}

pub fn drop_collation(c: &Collation) -> String {
    format!("DROP COLLATION {}", qn(&c.schema, &c.name))
}

/// `CREATE EVENT TRIGGER`, with its tags when it has some.
pub fn create_event_trigger(e: &EventTrigger) -> String {
    let tags = match e.tags.is_empty() {
        true => String::new(),
        false => {
            let list: Vec<String> = e.tags.iter().map(|t| Literal(t).to_string()).collect();
            format!(" WHEN TAG IN ({})", list.join(", "))
        }
    };
    format!(
        "CREATE EVENT TRIGGER {} ON {}{tags} EXECUTE FUNCTION {}()",
        Ident(&e.name),
        Ident(&e.event),
        qn(&e.function.schema, &e.function.name)
    )
}

/// `ALTER EVENT TRIGGER ... ENABLE/DISABLE` for its firing state.
pub fn event_trigger_enabled(e: &EventTrigger) -> String {
    format!(
        "ALTER EVENT TRIGGER {} {}",
        Ident(&e.name),
        firing_clause(&e.enabled)
    )
}

pub fn drop_event_trigger(e: &EventTrigger) -> String {
    format!("DROP EVENT TRIGGER {}", Ident(&e.name))
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
    fn statistics_statements() {
        let mut s = ExtendedStatistics {
            schema: "st".into(),
            name: "Pair".into(),
            table: crate::model::QualName::new("app", "t"),
            columns: "a, (lower(b))".into(),
            kinds: ALL_STATISTICS_KINDS.iter().map(|k| k.to_string()).collect(),
            target: None,
            owner: "postgres".into(),
            comment: None,
        };
        assert_eq!(
            create_statistics(&s),
            "CREATE STATISTICS st.\"Pair\" ON a, (lower(b)) FROM app.t"
        );
        assert_eq!(
            statistics_target(&s),
            "ALTER STATISTICS st.\"Pair\" SET STATISTICS -1"
        );
        s.kinds = vec!["ndistinct".into(), "mcv".into()];
        s.target = Some(500);
        assert_eq!(
            create_statistics(&s),
            "CREATE STATISTICS st.\"Pair\" (ndistinct, mcv) ON a, (lower(b)) FROM app.t"
        );
        assert!(statistics_target(&s).ends_with("SET STATISTICS 500"));
        assert_eq!(drop_statistics(&s), "DROP STATISTICS st.\"Pair\"");
    }

    #[test]
    fn collation_statements() {
        let mut c = Collation {
            schema: "app".into(),
            name: "Ci".into(),
            provider: "icu".into(),
            locale: Some("und-u-ks-level2".into()),
            lc_collate: None,
            lc_ctype: None,
            deterministic: false,
            rules: Some("&a < b".into()),
            owner: "postgres".into(),
            comment: None,
        };
        assert_eq!(
            create_collation(&c),
            "CREATE COLLATION app.\"Ci\" (provider = icu, locale = 'und-u-ks-level2', \
             rules = '&a < b', deterministic = false)"
        );
        c.provider = "libc".into();
        (c.locale, c.rules, c.deterministic) = (None, None, true);
        (c.lc_collate, c.lc_ctype) = (Some("C".into()), Some("it's".into()));
        assert_eq!(
            create_collation(&c),
            "CREATE COLLATION app.\"Ci\" (provider = libc, lc_collate = 'C', lc_ctype = 'it''s')"
        );
        assert_eq!(drop_collation(&c), "DROP COLLATION app.\"Ci\"");
    }

    #[test]
    fn event_trigger_statements() {
        let mut e = EventTrigger {
            name: "Audit DDL".into(),
            event: "ddl_command_end".into(),
            tags: vec!["CREATE TABLE".into(), "it's".into()],
            function: crate::model::QualName::new("app", "audit"),
            enabled: "always".into(),
            owner: "postgres".into(),
            comment: None,
        };
        assert_eq!(
            create_event_trigger(&e),
            "CREATE EVENT TRIGGER \"Audit DDL\" ON ddl_command_end \
             WHEN TAG IN ('CREATE TABLE', 'it''s') EXECUTE FUNCTION app.audit()"
        );
        assert_eq!(
            event_trigger_enabled(&e),
            "ALTER EVENT TRIGGER \"Audit DDL\" ENABLE ALWAYS"
        );
        e.tags.clear();
        assert!(
            create_event_trigger(&e).ends_with("ON ddl_command_end EXECUTE FUNCTION app.audit()")
        );
        assert_eq!(drop_event_trigger(&e), "DROP EVENT TRIGGER \"Audit DDL\"");
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
