//! The privileges of a relation: recorded before quarantine (the table's ACL and its
//! columns' ACLs, as PostgreSQL prints them), revoked from every role but the owner, and
//! granted again on restore exactly as recorded.

use super::{db_error, CleanupError};
use crate::pg::Connection;
use crate::sql::{Ident, QualIdent};

/// The ACLs of relation `$1`, and its owner.
const READ: &str = "SELECT pg_get_userbyid(c.relowner)::text, c.relacl::text[], \
    (SELECT jsonb_object_agg(a.attname, a.attacl::text[]) FROM pg_attribute a \
     WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL AND NOT a.attisdropped)::text \
    FROM pg_class c WHERE c.oid = $1";

/// The roles other than the owner holding a privilege on relation `$1` or one of its
/// columns (NULL: PUBLIC).
const GRANTEES: &str = "SELECT DISTINCT CASE WHEN a.grantee = 0 THEN NULL \
    ELSE pg_get_userbyid(a.grantee)::text END \
    FROM pg_class c \
    CROSS JOIN LATERAL (SELECT c.relacl AS acl UNION ALL SELECT att.attacl FROM pg_attribute att \
                        WHERE att.attrelid = c.oid AND att.attacl IS NOT NULL) acls \
    CROSS JOIN LATERAL aclexplode(acls.acl) a \
    WHERE c.oid = $1 AND acls.acl IS NOT NULL AND a.grantee <> c.relowner ORDER BY 1";

/// The recorded items exploded: (grantee or NULL for PUBLIC, privilege, grantable, column).
const EXPLODE: &str = "SELECT CASE WHEN a.grantee = 0 THEN NULL \
    ELSE pg_get_userbyid(a.grantee)::text END, a.privilege_type::text, a.is_grantable, i.col \
    FROM (SELECT NULL::text AS col, t.item FROM unnest($1::text[]) AS t(item) \
          UNION ALL SELECT e.key, jsonb_array_elements_text(e.value) \
          FROM jsonb_each(coalesce($2::text::jsonb, '{}')) e) i \
    CROSS JOIN LATERAL aclexplode(ARRAY[i.item::aclitem]) a \
    WHERE a.grantee <> $3::text::regrole ORDER BY 4 NULLS FIRST, 1, 2";

/// Privileges GRANT knows; anything else in a recorded ACL is refused.
const KNOWN: &[&str] = &[
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "TRUNCATE",
    "REFERENCES",
    "TRIGGER",
    "MAINTAIN",
    "USAGE",
];

/// `TABLE` or `SEQUENCE`, as GRANT and REVOKE name a relation of `kind`.
fn object_word(kind: &str) -> &'static str {
    match kind {
        "sequence" => "SEQUENCE",
        _ => "TABLE",
    }
}

fn grantee(role: &Option<String>) -> String {
    match role {
        Some(r) => Ident(r).to_string(),
        None => "PUBLIC".to_string(),
    }
}

/// The privileges of relation `oid` as a JSON document: `owner`, `table` (its ACL items)
/// and `columns` (per column, its ACL items).
pub async fn record(conn: &Connection, oid: u32) -> Result<serde_json::Value, CleanupError> {
    let row = conn
        .client
        .query_one(READ, &[&oid])
        .await
        .map_err(db_error(conn, "reading privileges"))?;
    let columns: Option<String> = row.get(2);
    let columns: serde_json::Value = columns
        .and_then(|c| serde_json::from_str(&c).ok())
        .unwrap_or(serde_json::Value::Null);
    Ok(serde_json::json!({
        "owner": row.get::<_, String>(0),
        "table": row.get::<_, Option<Vec<String>>>(1),
        "columns": columns,
    }))
}

/// REVOKE ALL from every role but the owner (column privileges go with the table's).
pub async fn revokes(
    conn: &Connection,
    oid: u32,
    kind: &str,
    schema: &str,
    name: &str,
) -> Result<Vec<String>, CleanupError> {
    let rows = conn
        .client
        .query(GRANTEES, &[&oid])
        .await
        .map_err(db_error(conn, "reading privileges"))?;
    Ok(rows
        .iter()
        .map(|r| {
            format!(
                "REVOKE ALL ON {} {} FROM {}",
                object_word(kind),
                QualIdent(schema, name),
                grantee(&r.get(0))
            )
        })
        .collect())
}

/// The GRANTs that give back what `recorded` (from [`record`]) holds, on `schema.name`.
pub async fn grants(
    conn: &Connection,
    recorded: &serde_json::Value,
    kind: &str,
    schema: &str,
    name: &str,
) -> Result<Vec<String>, CleanupError> {
    let table: Vec<String> = serde_json::from_value(recorded["table"].clone()).unwrap_or_default();
    let columns = match &recorded["columns"] {
        serde_json::Value::Null => None,
        c => Some(c.to_string()),
    };
    let owner = recorded["owner"].as_str().unwrap_or_default().to_string();
    let rows = conn
        .client
        .query(EXPLODE, &[&table, &columns, &owner])
        .await
        .map_err(db_error(
            conn,
            format!("reading the privileges recorded for {schema}.{name} (a role they name may be gone)"),
        ))?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let privilege: String = r.get(1);
        if !KNOWN.contains(&privilege.as_str()) {
            return Err(CleanupError::Database {
                target: conn.target.clone(),
                what: format!("granting again the privileges of {schema}.{name}"),
                message: format!("unknown privilege {privilege:?} in the recorded ACL"),
            });
        }
        let column: Option<String> = r.get(3);
        let on_column = column.map_or_else(String::new, |c| format!(" ({})", Ident(&c)));
        let grantable = if r.get::<_, bool>(2) {
            " WITH GRANT OPTION"
        } else {
            ""
        };
        out.push(format!(
            "GRANT {privilege}{on_column} ON {} {} TO {}{grantable}",
            object_word(kind),
            QualIdent(schema, name),
            grantee(&r.get(0))
        ));
    }
    Ok(out)
}
