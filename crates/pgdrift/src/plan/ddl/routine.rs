//! Functions, procedures, aggregates and operators.

use super::{operator_ref, qn, routine_name};
use crate::model::{Function, FunctionKind, Operator, Parallel, Volatility};
use crate::sql::{DollarQuoted, Ident, Literal, OperatorName, Verbatim};
use std::fmt::Write;

/// `FUNCTION`, `PROCEDURE` or `AGGREGATE`, for `DROP`, `ALTER` and `COMMENT ON`.
pub fn routine_keyword(f: &Function) -> &'static str {
    match f.kind {
        FunctionKind::Function | FunctionKind::Window => "FUNCTION",
        FunctionKind::Procedure => "PROCEDURE",
        FunctionKind::Aggregate => "AGGREGATE",
    }
}

/// `app.f(integer, text)`: the routine's identity, for `DROP`, `COMMENT ON` and `GRANT`.
pub fn routine_identity(f: &Function) -> String {
    format!("{}({})", qn(&f.schema, &f.name), aggregate_arguments(f))
}

/// An aggregate's arguments as its identity needs them (`*` for none); other routines'
/// input types.
fn aggregate_arguments(f: &Function) -> String {
    if f.kind == FunctionKind::Aggregate {
        if f.signature.is_empty() {
            return "*".to_string();
        }
        return f.signature.clone();
    }
    f.arguments.clone()
}

/// True for a SQL-standard body (`BEGIN ATOMIC ... END` or `RETURN ...`), which is written
/// without `AS` and parsed at creation.
pub fn has_standard_body(f: &Function) -> bool {
    f.language == "sql" && (f.body.starts_with("BEGIN ATOMIC") || f.body.starts_with("RETURN "))
}

/// Settings whose values are lists of names, stored already quoted: written as they are.
const LIST_SETTINGS: &[&str] = &[
    "search_path",
    "temp_tablespaces",
    "local_preload_libraries",
    "session_preload_libraries",
    "shared_preload_libraries",
    "unix_socket_directories",
];

/// `SET name = value` from a `proconfig` entry.
fn set_clause(config: &str) -> String {
    let (name, value) = config.split_once('=').unwrap_or((config, ""));
    if LIST_SETTINGS.contains(&name) {
        format!("SET {name} = {}", list_value(value))
    } else {
        format!("SET {name} = {}", Literal(value))
    }
}

/// A list setting's stored value (`pg_catalog, "My Schema"`) as a SET value: each element
/// an identifier or, when empty, `''`.
fn list_value(value: &str) -> String {
    if value.trim().is_empty() {
        return "''".to_string();
    }
    value
        .split(", ")
        .map(|part| {
            if part.starts_with('"')
                || crate::sql::is_plain_identifier(part)
                || part.starts_with('$')
            {
                part.to_string()
            } else {
                Literal(part).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `CREATE OR REPLACE FUNCTION/PROCEDURE` (or `CREATE AGGREGATE`).
pub fn create_routine(f: &Function) -> String {
    if f.kind == FunctionKind::Aggregate {
        return create_aggregate(f);
    }
    let procedure = f.kind == FunctionKind::Procedure;
    let mut sql = format!(
        "CREATE OR REPLACE {} {}({})",
        if procedure { "PROCEDURE" } else { "FUNCTION" },
        qn(&f.schema, &f.name),
        Verbatim(&f.signature)
    );
    if let Some(returns) = &f.returns {
        let _ = write!(sql, " RETURNS {}", Verbatim(returns));
    }
    let _ = write!(sql, "\n    LANGUAGE {}", Ident(&f.language));
    for (i, t) in f.transforms.iter().enumerate() {
        let sep = if i == 0 { " TRANSFORM" } else { "," };
        let _ = write!(sql, "{sep} FOR TYPE {}", Verbatim(t));
    }
    if !procedure {
        if f.kind == FunctionKind::Window {
            sql.push_str(" WINDOW");
        }
        sql.push_str(match f.volatility {
            Volatility::Immutable => " IMMUTABLE",
            Volatility::Stable => " STABLE",
            Volatility::Volatile => " VOLATILE",
        });
        if f.strict {
            sql.push_str(" STRICT");
        }
        if f.leakproof {
            sql.push_str(" LEAKPROOF");
        }
        sql.push_str(parallel(f.parallel));
        let _ = write!(sql, " COST {}", number(f.cost));
        if f.rows > 0.0 {
            let _ = write!(sql, " ROWS {}", number(f.rows));
        }
    }
    if f.security_definer {
        sql.push_str(" SECURITY DEFINER");
    }
    for c in &f.config {
        let _ = write!(sql, "\n    {}", set_clause(c));
    }
    if has_standard_body(f) {
        let _ = write!(sql, "\n{}", Verbatim(&f.body));
    } else if f.language == "c" || f.language == "internal" {
        // C: `file, symbol` as the catalog reader joined them; internal: the symbol.
        match f.body.split_once(", ").filter(|_| f.language == "c") {
            Some((file, symbol)) => {
                let _ = write!(sql, "\n    AS {}, {}", Literal(file), Literal(symbol));
            }
            None => {
                let _ = write!(sql, "\n    AS {}", Literal(&f.body));
            }
        }
    } else {
        let _ = write!(sql, "\nAS {}", DollarQuoted(&f.body));
    }
    sql
}

fn parallel(p: Parallel) -> &'static str {
    match p {
        Parallel::Safe => " PARALLEL SAFE",
        Parallel::Restricted => " PARALLEL RESTRICTED",
        Parallel::Unsafe => " PARALLEL UNSAFE",
    }
}

/// A float as PostgreSQL reads it back exactly (`100`, `0.5`).
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

fn create_aggregate(f: &Function) -> String {
    let a = f.aggregate.as_ref();
    let mut parts: Vec<String> = Vec::new();
    if let Some(a) = a {
        parts.push(format!("SFUNC = {}", routine_name(&a.transition_function)));
        parts.push(format!("STYPE = {}", Verbatim(&a.state_type)));
        let func = |name: &str, v: &Option<String>, parts: &mut Vec<String>| {
            if let Some(v) = v {
                parts.push(format!("{name} = {}", routine_name(v)));
            }
        };
        func("FINALFUNC", &a.final_function, &mut parts);
        if a.final_extra {
            parts.push("FINALFUNC_EXTRA".into());
        }
        if a.final_function.is_some() {
            parts.push(format!(
                "FINALFUNC_MODIFY = {}",
                a.final_modify.to_uppercase()
            ));
        }
        func("COMBINEFUNC", &a.combine_function, &mut parts);
        func("SERIALFUNC", &a.serial_function, &mut parts);
        func("DESERIALFUNC", &a.deserial_function, &mut parts);
        if let Some(v) = &a.initial_value {
            parts.push(format!("INITCOND = {}", Literal(v)));
        }
        func("MSFUNC", &a.moving_transition_function, &mut parts);
        func("MINVFUNC", &a.moving_inverse_function, &mut parts);
        if let Some(t) = &a.moving_state_type {
            parts.push(format!("MSTYPE = {}", Verbatim(t)));
        }
        func("MFINALFUNC", &a.moving_final_function, &mut parts);
        if a.moving_final_extra {
            parts.push("MFINALFUNC_EXTRA".into());
        }
        if let Some(v) = &a.moving_initial_value {
            parts.push(format!("MINITCOND = {}", Literal(v)));
        }
        if let Some(op) = &a.sort_operator {
            parts.push(format!("SORTOP = {}", operator_ref(op)));
        }
        if a.kind == "hypothetical" {
            parts.push("HYPOTHETICAL".into());
        }
    }
    parts.push(format!(
        "PARALLEL = {}",
        parallel(f.parallel).trim_start_matches(" PARALLEL ")
    ));
    format!(
        "CREATE AGGREGATE {}({}) (\n    {}\n)",
        qn(&f.schema, &f.name),
        aggregate_arguments(f),
        parts.join(",\n    ")
    )
}

/// `DROP FUNCTION/PROCEDURE/AGGREGATE`.
pub fn drop_routine(f: &Function) -> String {
    format!("DROP {} {}", routine_keyword(f), routine_identity(f))
}

/// The left and right operand types of an operator (`None` for a prefix operator's left).
fn operands(o: &Operator) -> (Option<&str>, &str) {
    match o.arguments.split_once(", ") {
        Some(("NONE", right)) => (None, right),
        Some((left, right)) => (Some(left), right),
        None => (None, o.arguments.as_str()),
    }
}

/// `app.~= (double precision, double precision)`: an operator's identity.
pub fn operator_identity(o: &Operator) -> String {
    let (left, right) = operands(o);
    format!(
        "{} ({}, {})",
        OperatorName(&o.schema, &o.name),
        left.unwrap_or("NONE"),
        right
    )
}

/// `CREATE OPERATOR`.
pub fn create_operator(o: &Operator) -> String {
    let (left, right) = operands(o);
    let mut parts = vec![format!("FUNCTION = {}", routine_name(&o.function))];
    if let Some(l) = left {
        parts.push(format!("LEFTARG = {}", Verbatim(l)));
    }
    parts.push(format!("RIGHTARG = {}", Verbatim(right)));
    if let Some(c) = &o.commutator {
        parts.push(format!("COMMUTATOR = {}", operator_ref(c)));
    }
    if let Some(n) = &o.negator {
        parts.push(format!("NEGATOR = {}", operator_ref(n)));
    }
    if let Some(r) = &o.restrict {
        parts.push(format!("RESTRICT = {}", routine_name(r)));
    }
    if let Some(j) = &o.join {
        parts.push(format!("JOIN = {}", routine_name(j)));
    }
    if o.hashes {
        parts.push("HASHES".into());
    }
    if o.merges {
        parts.push("MERGES".into());
    }
    format!(
        "CREATE OPERATOR {} (\n    {}\n)",
        OperatorName(&o.schema, &o.name),
        parts.join(",\n    ")
    )
}

/// `DROP OPERATOR`.
pub fn drop_operator(o: &Operator) -> String {
    format!("DROP OPERATOR {}", operator_identity(o))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_settings_keep_their_quoting() {
        assert_eq!(
            set_clause("search_path=pg_catalog, \"My Schema\""),
            "SET search_path = pg_catalog, \"My Schema\""
        );
        assert_eq!(set_clause("work_mem=64MB"), "SET work_mem = '64MB'");
        assert_eq!(set_clause("search_path="), "SET search_path = ''");
    }

    #[test]
    fn numbers_print_exactly() {
        assert_eq!(number(100.0), "100");
        assert_eq!(number(0.5), "0.5");
    }
}
