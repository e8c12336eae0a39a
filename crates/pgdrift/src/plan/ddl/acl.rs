//! Comments and privileges: `COMMENT ON ... IS ...`, and the `GRANT`/`REVOKE` statements
//! that turn one object's privileges into another's.

use crate::model::{Grant, Privileges};
use crate::sql::{Ident, Literal};
use std::collections::BTreeMap;

/// `COMMENT ON <target> IS '...'` (or `IS NULL` to remove it).
pub fn comment(target: &str, text: Option<&str>) -> String {
    match text {
        Some(t) => format!("COMMENT ON {target} IS {}", Literal(t)),
        None => format!("COMMENT ON {target} IS NULL"),
    }
}

/// A role in a GRANT or a policy: `PUBLIC` is a keyword, any other name an identifier.
pub fn role(name: &str) -> String {
    if name == "PUBLIC" {
        "PUBLIC".to_string()
    } else {
        Ident(name).to_string()
    }
}

/// What a GRANT is on: `TABLE app.t`, `SEQUENCE ...`, `SCHEMA ...`, `ROUTINE ...`, and for
/// column privileges, the column.
#[derive(Debug, Clone)]
pub struct AclTarget {
    /// `TABLE app.t`.
    pub object: String,
    /// A column of the table, for column privileges.
    pub column: Option<String>,
}

/// A GRANT or REVOKE and whether it takes a privilege away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclStatement {
    pub sql: String,
    pub revokes: bool,
}

/// The statements that turn privileges `from` into `to` on `target`: revocations first
/// (one per grantee), then grants (one per grantee and grant option).
pub fn privilege_statements(
    target: &AclTarget,
    from: &Privileges,
    to: &Privileges,
) -> Vec<AclStatement> {
    let mut revoke: Vec<&Grant> = Vec::new();
    let mut grant: Vec<&Grant> = Vec::new();
    // Extra grants: drop those `to` lacks, add those `from` lacks.
    revoke.extend(from.granted.iter().filter(|g| !to.granted.contains(g)));
    grant.extend(to.granted.iter().filter(|g| !from.granted.contains(g)));
    // Default privileges: revoke the ones `to` revokes, give back the ones it keeps.
    revoke.extend(to.revoked.iter().filter(|g| !from.revoked.contains(g)));
    grant.extend(from.revoked.iter().filter(|g| !to.revoked.contains(g)));
    statements(target, &revoke, &grant)
}

/// Column privileges: `from` and `to` are the column's grants.
pub fn column_privilege_statements(
    target: &AclTarget,
    from: &[Grant],
    to: &[Grant],
) -> Vec<AclStatement> {
    let revoke: Vec<&Grant> = from.iter().filter(|g| !to.contains(g)).collect();
    let grant: Vec<&Grant> = to.iter().filter(|g| !from.contains(g)).collect();
    statements(target, &revoke, &grant)
}

fn statements(target: &AclTarget, revoke: &[&Grant], grant: &[&Grant]) -> Vec<AclStatement> {
    if revoke.is_empty() && grant.is_empty() {
        return Vec::new();
    }
    let column = target
        .column
        .as_deref()
        .map(|c| format!(" ({})", Ident(c)))
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut by_grantee: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for g in revoke {
        by_grantee.entry(&g.grantee).or_default().push(&g.privilege);
    }
    for (grantee, privileges) in by_grantee {
        out.push(AclStatement {
            sql: format!(
                "REVOKE {}{column} ON {} FROM {}",
                privileges.join(", "),
                target.object,
                role(grantee)
            ),
            revokes: true,
        });
    }
    let mut by_grantee: BTreeMap<(&str, bool), Vec<&str>> = BTreeMap::new();
    for g in grant {
        by_grantee
            .entry((&g.grantee, g.grantable))
            .or_default()
            .push(&g.privilege);
    }
    for ((grantee, grantable), privileges) in by_grantee {
        out.push(AclStatement {
            sql: format!(
                "GRANT {}{column} ON {} TO {}{}",
                privileges.join(", "),
                target.object,
                role(grantee),
                if grantable { " WITH GRANT OPTION" } else { "" }
            ),
            revokes: false,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(grantee: &str, privilege: &str, grantable: bool) -> Grant {
        Grant {
            grantee: grantee.into(),
            privilege: privilege.into(),
            grantable,
        }
    }

    #[test]
    fn grants_and_revokes() {
        let target = AclTarget {
            object: "TABLE app.t".into(),
            column: None,
        };
        let from = Privileges {
            granted: vec![g("reader", "SELECT", true), g("old", "UPDATE", false)],
            revoked: vec![],
        };
        let to = Privileges {
            granted: vec![
                g("reader", "SELECT", false),
                g("Writer", "INSERT", false),
                g("Writer", "UPDATE", false),
            ],
            revoked: vec![g("PUBLIC", "SELECT", false)],
        };
        let sql: Vec<_> = privilege_statements(&target, &from, &to)
            .into_iter()
            .map(|s| s.sql)
            .collect();
        assert_eq!(
            sql,
            [
                "REVOKE SELECT ON TABLE app.t FROM PUBLIC",
                "REVOKE UPDATE ON TABLE app.t FROM old",
                "REVOKE SELECT ON TABLE app.t FROM reader",
                "GRANT INSERT, UPDATE ON TABLE app.t TO \"Writer\"",
                "GRANT SELECT ON TABLE app.t TO reader",
            ]
        );
        assert_eq!(
            comment("TABLE app.t", Some("it's")),
            "COMMENT ON TABLE app.t IS 'it''s'"
        );
    }
}
