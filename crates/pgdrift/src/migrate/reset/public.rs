//! The `public` schema exists before any migration runs. When a reset drops it, it is made
//! again as it was: its owner, its privileges (each grant of its ACL, made as its owner) and
//! its comment. Each grant of the ACL is made again in its order, by the owner: grants that
//! another grantor made are made again by the owner.

use super::{db_error, ResetError};
use crate::pg::Connection;
use crate::sql::{Ident, Literal};
use serde::Serialize;

/// One privilege of the ACL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaGrant {
    /// The role, or `None` for PUBLIC.
    pub grantee: Option<String>,
    /// `USAGE` or `CREATE`.
    pub privilege: String,
    pub grantable: bool,
}

/// `public` as it was before the reset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicSchema {
    pub owner: String,
    pub comment: Option<String>,
    /// `None`: the default privileges (the ACL is NULL).
    pub grants: Option<Vec<SchemaGrant>>,
}

const READ: &str = "SELECT pg_get_userbyid(n.nspowner)::text,
           obj_description(n.oid, 'pg_namespace'),
           n.nspacl IS NULL,
           coalesce((SELECT array_agg(CASE WHEN a.grantee = 0 THEN NULL
                                           ELSE pg_get_userbyid(a.grantee)::text END ORDER BY a.i)
                     FROM aclexplode(n.nspacl) WITH ORDINALITY a(_, grantee, p, g, i)), '{}'),
           coalesce((SELECT array_agg(a.p::text ORDER BY a.i)
                     FROM aclexplode(n.nspacl) WITH ORDINALITY a(_, grantee, p, g, i)), '{}'),
           coalesce((SELECT array_agg(a.g ORDER BY a.i)
                     FROM aclexplode(n.nspacl) WITH ORDINALITY a(_, grantee, p, g, i)), '{}')
    FROM pg_namespace n WHERE n.nspname = 'public'";

impl PublicSchema {
    /// Reads `public` (inside the reset's transaction), if it exists.
    pub async fn read(conn: &Connection) -> Result<Option<PublicSchema>, ResetError> {
        let row = (conn.client.query_opt(READ, &[]).await)
            .map_err(db_error(&conn.database, "reading schema public"))?;
        let Some(row) = row else {
            return Ok(None);
        };
        let grantees: Vec<Option<String>> = row.get(3);
        let privileges: Vec<String> = row.get(4);
        let grantable: Vec<bool> = row.get(5);
        let grants = (grantees.into_iter().zip(privileges).zip(grantable))
            .map(|((grantee, privilege), grantable)| SchemaGrant {
                grantee,
                privilege,
                grantable,
            })
            .collect();
        Ok(Some(PublicSchema {
            owner: row.get(0),
            comment: row.get(1),
            grants: (!row.get::<_, bool>(2)).then_some(grants),
        }))
    }

    /// The statements that make `public` again as it was.
    pub fn create_statements(&self) -> Vec<String> {
        let owner = Ident(&self.owner);
        let mut out = vec![format!("CREATE SCHEMA public AUTHORIZATION {owner}")];
        if let Some(comment) = &self.comment {
            out.push(format!("COMMENT ON SCHEMA public IS {}", Literal(comment)));
        }
        if let Some(grants) = &self.grants {
            // An explicit ACL: start from none at all, then grant what it held.
            out.push(format!("REVOKE ALL ON SCHEMA public FROM PUBLIC, {owner}"));
            for g in grants {
                let Some(privilege) = privilege_keyword(&g.privilege) else {
                    continue;
                };
                let to = match &g.grantee {
                    Some(role) => Ident(role).to_string(),
                    None => "PUBLIC".to_string(),
                };
                let option = if g.grantable {
                    " WITH GRANT OPTION"
                } else {
                    ""
                };
                out.push(format!(
                    "GRANT {privilege} ON SCHEMA public TO {to}{option}"
                ));
            }
        }
        out
    }
}

/// The privileges a schema's ACL can hold, as keywords.
fn privilege_keyword(name: &str) -> Option<&'static str> {
    match name {
        "USAGE" => Some("USAGE"),
        "CREATE" => Some("CREATE"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_acl_is_granted_again_by_the_owner() {
        let public = PublicSchema {
            owner: "pg_database_owner".into(),
            comment: Some("standard public schema".into()),
            grants: Some(vec![
                SchemaGrant {
                    grantee: None,
                    privilege: "USAGE".into(),
                    grantable: false,
                },
                SchemaGrant {
                    grantee: Some("App Role".into()),
                    privilege: "CREATE".into(),
                    grantable: true,
                },
            ]),
        };
        assert_eq!(
            public.create_statements(),
            [
                "CREATE SCHEMA public AUTHORIZATION pg_database_owner",
                "COMMENT ON SCHEMA public IS 'standard public schema'",
                "REVOKE ALL ON SCHEMA public FROM PUBLIC, pg_database_owner",
                "GRANT USAGE ON SCHEMA public TO PUBLIC",
                "GRANT CREATE ON SCHEMA public TO \"App Role\" WITH GRANT OPTION",
            ]
        );
    }
}
