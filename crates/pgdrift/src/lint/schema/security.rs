//! Security rules: row-level security enabled without policies (PL601) or policies on a
//! table whose RLS is off (PL602), permissive policies that let every row through for
//! writes (PL603), SECURITY DEFINER functions without a fixed search_path (PL604), and
//! extensions installed in public (PL605).

use super::{table_ref, tables};
use crate::lint::{Checker, RuleId, Subject};
use crate::model::QualName;
use crate::report::finding::ObjectRef;
use crate::sql::{Ident, QualIdent};

pub(super) fn run(c: &mut Checker<'_>) {
    rls(c);
    policies(c);
    definers(c);
    extensions(c);
}

fn rls(c: &mut Checker<'_>) {
    let cat = c.cat;
    for t in tables(cat) {
        let name = QualName::new(&t.schema, &t.name);
        let count = c.by.policy_count(&name);
        let subject = || Subject {
            object: table_ref(t),
            comments: vec![t.comment.as_deref()],
            anchor: Some(&name),
        };
        let qt = QualIdent(&t.schema, &t.name);
        if t.rls_enabled && count == 0 {
            c.report(
                RuleId::RlsWithoutPolicy,
                subject(),
                format!("table {name} has row-level security enabled and no policy: only its owner sees rows"),
                Some(format!("CREATE POLICY ... ON {qt} ...; -- or ALTER TABLE {qt} DISABLE ROW LEVEL SECURITY;")),
            );
        } else if !t.rls_enabled && count > 0 {
            c.report(
                RuleId::PolicyWithoutRls,
                subject(),
                format!("table {name} has {count} polic{} but row-level security is disabled: none applies", if count == 1 { "y" } else { "ies" }),
                Some(format!("ALTER TABLE {qt} ENABLE ROW LEVEL SECURITY;")),
            );
        }
    }
}

fn is_true(expr: Option<&str>) -> bool {
    expr.is_some_and(|e| {
        e.trim()
            .trim_matches(|ch| ch == '(' || ch == ')')
            .eq_ignore_ascii_case("true")
    })
}

/// PL603.
fn policies(c: &mut Checker<'_>) {
    let cat = c.cat;
    for p in cat.policies.values() {
        let writes = matches!(p.command.as_str(), "all" | "insert" | "update" | "delete");
        if !p.permissive || !writes {
            continue;
        }
        let clause = match (
            is_true(p.using.as_deref()),
            is_true(p.with_check.as_deref()),
        ) {
            (true, true) => "USING (true) and WITH CHECK (true)",
            (true, false) if p.command != "insert" => "USING (true)",
            (false, true) => "WITH CHECK (true)",
            _ => continue,
        };
        // An ALL policy's USING also checks new rows when it has no WITH CHECK.
        let table = QualName::new(&p.schema, &p.table);
        let roles = p.roles.join(", ");
        c.report(
            RuleId::PermissivePolicyForWrites,
            Subject {
                object: ObjectRef {
                    kind: "policy",
                    name: format!("{}.{}.{}", p.schema, p.table, p.name),
                },
                comments: vec![p.comment.as_deref()],
                anchor: Some(&table),
            },
            format!(
                "policy {} on {table} ({} for {roles}) is permissive with {clause}: those roles may write any row",
                p.name,
                p.command.to_uppercase()
            ),
            None,
        );
    }
}

/// PL604.
fn definers(c: &mut Checker<'_>) {
    let cat = c.cat;
    for f in cat.functions.values() {
        if !f.security_definer || f.config.iter().any(|s| s.starts_with("search_path=")) {
            continue;
        }
        let name = QualName::new(&f.schema, &f.name);
        c.report(
            RuleId::SecurityDefinerSearchPath,
            Subject {
                object: ObjectRef {
                    kind: "function",
                    name: format!("{}.{}({})", f.schema, f.name, f.arguments),
                },
                comments: vec![f.comment.as_deref()],
                anchor: Some(&name),
            },
            format!(
                "function {}.{}({}) runs as its owner (SECURITY DEFINER) with the caller's search_path",
                f.schema, f.name, f.arguments
            ),
            Some(format!(
                "ALTER FUNCTION {}({}) SET search_path = pg_catalog, pg_temp;",
                QualIdent(&f.schema, &f.name),
                f.arguments
            )),
        );
    }
}

/// PL605.
fn extensions(c: &mut Checker<'_>) {
    let cat = c.cat;
    for e in cat.extensions.values().filter(|e| e.schema == "public") {
        c.report(
            RuleId::ExtensionInPublic,
            Subject {
                object: ObjectRef {
                    kind: "extension",
                    name: e.name.clone(),
                },
                comments: vec![],
                anchor: None,
            },
            format!("extension {} is installed in schema public", e.name),
            Some(format!(
                "CREATE SCHEMA IF NOT EXISTS extensions; ALTER EXTENSION {} SET SCHEMA extensions;",
                Ident(&e.name)
            )),
        );
    }
}
