//! Tests of privileges: whether a `GRANT` or `REVOKE` is still to do, read from the object's
//! ACL (`aclexplode`, with the kind's defaults where the ACL is NULL). Only where the object
//! can be found from its name as the statement prints it; an object not found reads as
//! still to do, so a test can only ever let a statement run, never skip one wrongly.

use super::lit;

/// What a statement does to a grantee's privileges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AclMove {
    Grant { grantable: bool },
    Revoke,
    RevokeOption,
}

/// The object's ACL as an `aclitem[]` expression (null when the object is not found), from
/// `object` as a GRANT names it (`TABLE app.t`, `FUNCTION app.f(integer)`) and, for
/// column privileges, the column's raw name. `None` for kinds without a lookup here.
pub fn object_acl(object: &str, column: Option<&str>) -> Option<String> {
    let (keyword, name) = split_keyword(object)?;
    let name = lit(name);
    if let Some(column) = column {
        if keyword != "TABLE" {
            return None;
        }
        return Some(format!(
            "(SELECT coalesce(a.attacl, pg_catalog.acldefault('c', c.relowner)) \
             FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
             WHERE a.attrelid = pg_catalog.to_regclass({name}) AND a.attname = {} \
             AND NOT a.attisdropped)",
            lit(column)
        ));
    }
    let (table, acl, owner, default, lookup) = match keyword {
        "TABLE" | "SEQUENCE" => (
            "pg_class",
            "relacl",
            "relowner",
            "CASE WHEN o.relkind = 'S' THEN 's' ELSE 'r' END".to_string(),
            format!("o.oid = pg_catalog.to_regclass({name})"),
        ),
        "FUNCTION" | "PROCEDURE" | "ROUTINE" => {
            // Aggregates without arguments (`*`) and ordered-set ones do not read back.
            if object.contains('*') || object.contains(" ORDER BY ") {
                return None;
            }
            (
                "pg_proc",
                "proacl",
                "proowner",
                "'f'".to_string(),
                format!("o.oid = pg_catalog.to_regprocedure({name})"),
            )
        }
        "SCHEMA" => (
            "pg_namespace",
            "nspacl",
            "nspowner",
            "'n'".to_string(),
            format!("o.oid = pg_catalog.to_regnamespace({name})"),
        ),
        "TYPE" | "DOMAIN" => (
            "pg_type",
            "typacl",
            "typowner",
            "'T'".to_string(),
            format!("o.oid = pg_catalog.to_regtype({name})"),
        ),
        "LANGUAGE" => by_name("pg_language", "lanacl", "lanowner", "'l'", "lanname", &name),
        "FOREIGN DATA WRAPPER" => by_name(
            "pg_foreign_data_wrapper",
            "fdwacl",
            "fdwowner",
            "'F'",
            "fdwname",
            &name,
        ),
        "FOREIGN SERVER" => by_name(
            "pg_foreign_server",
            "srvacl",
            "srvowner",
            "'S'",
            "srvname",
            &name,
        ),
        _ => return None,
    };
    Some(format!(
        "(SELECT coalesce(o.{acl}, pg_catalog.acldefault(({default})::\"char\", o.{owner})) \
         FROM pg_catalog.{table} o WHERE {lookup})"
    ))
}

/// A lookup by a name that the statement prints as an identifier.
fn by_name(
    table: &'static str,
    acl: &'static str,
    owner: &'static str,
    default: &str,
    column: &str,
    name: &str,
) -> (&'static str, &'static str, &'static str, String, String) {
    (
        table,
        acl,
        owner,
        default.to_string(),
        format!("pg_catalog.quote_ident(o.{column}) = {name}"),
    )
}

/// The keyword (`TABLE`, `FOREIGN DATA WRAPPER`) and the name after it.
fn split_keyword(object: &str) -> Option<(&'static str, &str)> {
    const KEYWORDS: [&str; 10] = [
        "FOREIGN DATA WRAPPER",
        "FOREIGN SERVER",
        "TABLE",
        "SEQUENCE",
        "FUNCTION",
        "PROCEDURE",
        "ROUTINE",
        "SCHEMA",
        "TYPE",
        "DOMAIN",
    ];
    KEYWORDS
        .iter()
        .chain(std::iter::once(&"LANGUAGE"))
        .find_map(|k| {
            let rest = object.strip_prefix(k)?.strip_prefix(' ')?;
            Some((*k, rest))
        })
}

/// True while `mv` of `privileges` for `grantee` is still to do on the object whose ACL
/// `acl` gives (see [`object_acl`]); true when the object is not found.
pub fn still_to_do(acl: &str, grantee: &str, privileges: &[&str], mv: AclMove) -> String {
    let who = if grantee == "PUBLIC" {
        "0::pg_catalog.oid".to_string()
    } else {
        format!(
            "(SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = {})",
            lit(grantee)
        )
    };
    let held = |privilege: &str, grantable: bool| {
        format!(
            "EXISTS (SELECT FROM pg_catalog.aclexplode(s.acl) x WHERE x.grantee = {who} \
             AND x.privilege_type = {}{})",
            lit(privilege),
            if grantable { " AND x.is_grantable" } else { "" }
        )
    };
    let test = match mv {
        AclMove::Grant { grantable } => {
            let all: Vec<String> = privileges.iter().map(|p| held(p, grantable)).collect();
            format!("NOT ({})", all.join(" AND "))
        }
        AclMove::Revoke | AclMove::RevokeOption => {
            let any: Vec<String> = privileges
                .iter()
                .map(|p| held(p, mv == AclMove::RevokeOption))
                .collect();
            any.join(" OR ")
        }
    };
    format!("coalesce((SELECT {test} FROM (SELECT {acl} AS acl) s WHERE s.acl IS NOT NULL), true)")
}
