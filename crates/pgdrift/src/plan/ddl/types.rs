//! Schemas, extensions, types (enum, domain, composite, range), triggers and policies.

use super::{qn, role, routine_name};
use crate::model::{Extension, Policy, Trigger, TypeDef, TypeKind};
use crate::sql::{Ident, Literal, Verbatim};
use std::fmt::Write;

pub fn create_schema(name: &str) -> String {
    format!("CREATE SCHEMA {}", Ident(name))
}

pub fn drop_schema(name: &str) -> String {
    format!("DROP SCHEMA {}", Ident(name))
}

pub fn create_extension(e: &Extension) -> String {
    format!(
        "CREATE EXTENSION {} WITH SCHEMA {} VERSION {}",
        Ident(&e.name),
        Ident(&e.schema),
        Literal(&e.version)
    )
}

pub fn drop_extension(e: &Extension) -> String {
    format!("DROP EXTENSION {}", Ident(&e.name))
}

/// `TYPE` or `DOMAIN`, for `COMMENT ON`, `GRANT`, `ALTER` and `DROP`.
pub fn type_keyword(t: &TypeDef) -> &'static str {
    match t.kind {
        TypeKind::Domain { .. } => "DOMAIN",
        _ => "TYPE",
    }
}

/// `CREATE TYPE` or `CREATE DOMAIN`.
pub fn create_type(t: &TypeDef) -> String {
    let name = qn(&t.schema, &t.name);
    match &t.kind {
        TypeKind::Enum { labels } => {
            let labels: Vec<String> = labels.iter().map(|l| Literal(l).to_string()).collect();
            format!("CREATE TYPE {name} AS ENUM ({})", labels.join(", "))
        }
        TypeKind::Domain {
            base_type,
            collation,
            default,
            not_null,
            checks,
        } => {
            let mut sql = format!("CREATE DOMAIN {name} AS {}", Verbatim(base_type));
            if let Some(c) = collation {
                let _ = write!(sql, " COLLATE {}", Verbatim(c));
            }
            if let Some(d) = default {
                let _ = write!(sql, " DEFAULT {}", Verbatim(d));
            }
            if *not_null {
                sql.push_str(" NOT NULL");
            }
            for c in checks.iter().filter(|c| c.validated) {
                let _ = write!(
                    sql,
                    "\n    CONSTRAINT {} CHECK {}",
                    Ident(&c.name),
                    parenthesized(&c.expression)
                );
            }
            sql
        }
        TypeKind::Composite { attributes } => {
            let attrs: Vec<String> = attributes
                .iter()
                .map(|a| {
                    let mut s = format!("{} {}", Ident(&a.name), Verbatim(&a.type_name));
                    if let Some(c) = &a.collation {
                        let _ = write!(s, " COLLATE {}", Verbatim(c));
                    }
                    s
                })
                .collect();
            format!("CREATE TYPE {name} AS ({})", attrs.join(", "))
        }
        TypeKind::Range {
            subtype,
            subtype_opclass,
            collation,
            canonical,
            subtype_diff,
            multirange,
        } => {
            let mut parts = vec![format!("SUBTYPE = {}", Verbatim(subtype))];
            if let Some(o) = subtype_opclass {
                parts.push(format!("SUBTYPE_OPCLASS = {}", Verbatim(o)));
            }
            if let Some(c) = collation {
                parts.push(format!("COLLATION = {}", Verbatim(c)));
            }
            if let Some(c) = canonical {
                parts.push(format!("CANONICAL = {}", routine_name(c)));
            }
            if let Some(d) = subtype_diff {
                parts.push(format!("SUBTYPE_DIFF = {}", routine_name(d)));
            }
            if let Some(m) = multirange {
                parts.push(format!("MULTIRANGE_TYPE_NAME = {}", Verbatim(m)));
            }
            format!("CREATE TYPE {name} AS RANGE ({})", parts.join(", "))
        }
    }
}

/// An expression in parentheses, unless PostgreSQL already printed it in a pair.
pub fn parenthesized(expr: &str) -> String {
    if expr.starts_with('(') && expr.ends_with(')') && balanced_outer(expr) {
        expr.to_string()
    } else {
        format!("({expr})")
    }
}

/// True when the first `(` of `expr` closes at its last character.
fn balanced_outer(expr: &str) -> bool {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for (i, c) in expr.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 && i + 1 < expr.len() {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

pub fn drop_type(t: &TypeDef) -> String {
    format!("DROP {} {}", type_keyword(t), qn(&t.schema, &t.name))
}

/// The trigger's own `CREATE TRIGGER` statement, as PostgreSQL printed it.
pub fn create_trigger(t: &Trigger) -> String {
    t.definition.clone()
}

/// `ALTER TABLE ... ENABLE/DISABLE TRIGGER` for a trigger's firing state.
pub fn trigger_enabled(t: &Trigger) -> Option<String> {
    let table = qn(&t.schema, &t.table);
    let name = Ident(&t.name);
    let action = match t.enabled.as_str() {
        "origin" => return None,
        "disabled" => "DISABLE TRIGGER",
        "replica" => "ENABLE REPLICA TRIGGER",
        "always" => "ENABLE ALWAYS TRIGGER",
        _ => return None,
    };
    Some(format!("ALTER TABLE {table} {action} {name}"))
}

/// `ALTER TABLE ... ENABLE TRIGGER` back to the default firing state.
pub fn trigger_enable(t: &Trigger) -> String {
    format!(
        "ALTER TABLE {} ENABLE TRIGGER {}",
        qn(&t.schema, &t.table),
        Ident(&t.name)
    )
}

pub fn drop_trigger(t: &Trigger) -> String {
    format!(
        "DROP TRIGGER {} ON {}",
        Ident(&t.name),
        qn(&t.schema, &t.table)
    )
}

fn policy_roles(p: &Policy) -> String {
    p.roles
        .iter()
        .map(|r| role(r))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `CREATE POLICY`.
pub fn create_policy(p: &Policy) -> String {
    let mut sql = format!(
        "CREATE POLICY {} ON {} AS {} FOR {} TO {}",
        Ident(&p.name),
        qn(&p.schema, &p.table),
        if p.permissive {
            "PERMISSIVE"
        } else {
            "RESTRICTIVE"
        },
        p.command.to_uppercase(),
        policy_roles(p)
    );
    if let Some(u) = &p.using {
        let _ = write!(sql, " USING {}", parenthesized(u));
    }
    if let Some(c) = &p.with_check {
        let _ = write!(sql, " WITH CHECK {}", parenthesized(c));
    }
    sql
}

/// `ALTER POLICY` for a change of roles or expressions, or `None` when the command or
/// permissiveness changed (which needs the policy recreated) or an expression was removed.
pub fn alter_policy(from: &Policy, to: &Policy) -> Option<String> {
    if from.command != to.command
        || from.permissive != to.permissive
        || (from.using.is_some() && to.using.is_none())
        || (from.with_check.is_some() && to.with_check.is_none())
    {
        return None;
    }
    let mut sql = format!(
        "ALTER POLICY {} ON {}",
        Ident(&to.name),
        qn(&to.schema, &to.table)
    );
    if from.roles != to.roles {
        let _ = write!(sql, " TO {}", policy_roles(to));
    }
    if from.using != to.using {
        if let Some(u) = &to.using {
            let _ = write!(sql, " USING {}", parenthesized(u));
        }
    }
    if from.with_check != to.with_check {
        if let Some(c) = &to.with_check {
            let _ = write!(sql, " WITH CHECK {}", parenthesized(c));
        }
    }
    Some(sql)
}

pub fn drop_policy(p: &Policy) -> String {
    format!(
        "DROP POLICY {} ON {}",
        Ident(&p.name),
        qn(&p.schema, &p.table)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parentheses_only_when_needed() {
        assert_eq!(parenthesized("(a > 0)"), "(a > 0)");
        assert_eq!(
            parenthesized("(a > 0) AND (b > 0)"),
            "((a > 0) AND (b > 0))"
        );
        assert_eq!(parenthesized("a > 0"), "(a > 0)");
        assert_eq!(parenthesized("(a = ')')"), "(a = ')')");
    }
}
