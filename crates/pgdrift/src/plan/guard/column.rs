//! Tests of one column's state: whether it exists, is `NOT NULL`, has a given type or
//! default. Table and column are compared as raw catalog names.

use super::lit;
use crate::model::QualName;

/// True while `table` has a live column `column` for which `extra` (over `a`) holds.
fn attribute(table: &QualName, column: &str, extra: &str) -> String {
    format!(
        "EXISTS (SELECT FROM pg_catalog.pg_attribute a \
         JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = {} AND c.relname = {} AND a.attname = {} \
         AND a.attnum > 0 AND NOT a.attisdropped{extra})",
        lit(&table.schema),
        lit(&table.name),
        lit(column)
    )
}

/// True while the column exists.
pub fn exists(table: &QualName, column: &str) -> String {
    attribute(table, column, "")
}

/// True while the column is `NOT NULL` (`true`) or nullable (`false`).
pub fn not_null(table: &QualName, column: &str, not_null: bool) -> String {
    attribute(
        table,
        column,
        if not_null {
            " AND a.attnotnull"
        } else {
            " AND NOT a.attnotnull"
        },
    )
}

/// True while the column's type, as `format_type` prints it, is `type_name`.
pub fn type_is(table: &QualName, column: &str, type_name: &str) -> String {
    attribute(
        table,
        column,
        &format!(
            " AND pg_catalog.format_type(a.atttypid, a.atttypmod) = {}",
            lit(type_name)
        ),
    )
}

/// True while the column's default, as `pg_get_expr` prints it, is `default` (none: has
/// no default).
pub fn default_is(table: &QualName, column: &str, default: Option<&str>) -> String {
    let def = "(SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d \
               WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum)";
    let cond = match default {
        Some(expr) => format!(" AND {def} = {}", lit(expr)),
        None => format!(" AND {def} IS NULL"),
    };
    attribute(table, column, &cond)
}
