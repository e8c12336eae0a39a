//! Default privileges: `ALTER DEFAULT PRIVILEGES [FOR ROLE r] [IN SCHEMA s] GRANT/REVOKE …
//! ON TABLES|SEQUENCES|FUNCTIONS|TYPES|SCHEMAS`.
//!
//! They have no create or drop statement of their own: a default appears when a grant or
//! revoke makes it differ from the built-in one and disappears when it is the same again,
//! so every change — create, drop or alter — is the grants and revokes between the two
//! sides' privileges (the shared `ddl::privilege_statements`, under the `ALTER DEFAULT
//! PRIVILEGES` prefix). Unlike any other kind they act on what the plan creates, and the plan
//! gives an object it creates the privileges `to` has on it, counting on the built-in
//! defaults at its creation. So a change is split in two: what `from` has and `to` has not
//! is taken back to the built-in default before the creations (in the early drops), and
//! what `to` has is put in place after every creation (last in the main phase, by its rank).
//! This is why the shared create/alter/drop of `skeleton.rs`, which emits one action per
//! change, does not fit here.

use super::super::ddl::{self, AclStatement, AclTarget};
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::{HazardKind, Step};
use crate::diff::{Change, Pair};
use crate::model::{DefaultPrivilege, Grant, Kind, Object, Privileges};
use crate::sql::Ident;

/// `ALTER DEFAULT PRIVILEGES [FOR ROLE r] [IN SCHEMA s] ` (with its trailing space).
fn prefix(d: &DefaultPrivilege) -> String {
    let mut out = String::from("ALTER DEFAULT PRIVILEGES ");
    if let Some(r) = &d.role {
        out.push_str(&format!("FOR ROLE {} ", Ident(r)));
    }
    if let Some(s) = &d.schema {
        out.push_str(&format!("IN SCHEMA {} ", Ident(s)));
    }
    out
}

/// What the grants are on. Database-wide, `PUBLIC`'s built-in privilege on functions and
/// types is given back rather than revoked; in a schema, nothing is built in.
fn target(d: &DefaultPrivilege) -> AclTarget {
    let target = AclTarget::object(d.objects.sql());
    match (d.schema.is_none(), d.objects.public_default()) {
        (true, Some(p)) => target.public_default(p),
        _ => target,
    }
}

/// The statements that turn default privileges `from` into `to` for `d`'s role, schema
/// and type of objects.
pub(crate) fn default_privilege_statements(
    d: &DefaultPrivilege,
    from: &Privileges,
    to: &Privileges,
) -> Vec<AclStatement> {
    let prefix = prefix(d);
    ddl::privilege_statements(&target(d), from, to)
        .into_iter()
        .map(|s| AclStatement {
            sql: format!("{prefix}{}", s.sql),
            // Default privileges have no object to read back: the journal decides.
            guard: None,
            ..s
        })
        .collect()
}

/// What both sides hold alike (each other pair at its built-in default): the state between
/// the early and the late half of a change.
pub(crate) fn kept(from: &Privileges, to: &Privileges) -> Privileges {
    let both = |a: &[Grant], b: &[Grant]| -> Vec<Grant> {
        a.iter().filter(|g| b.contains(g)).cloned().collect()
    };
    Privileges {
        granted: both(&from.granted, &to.granted),
        revoked: both(&from.revoked, &to.revoked),
    }
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn default_privilege(&mut self, c: &Change<'a>, p: Pair<'a, DefaultPrivilege>) {
        let none = Privileges::default();
        let from = p.from().map_or(&none, |d| &d.privileges);
        let to = p.to().map_or(&none, |d| &d.privileges);
        let middle = kept(from, to);
        let d = p.current();
        let node = super::super::graph::Node::DefaultPrivilege(d.key());
        let early = self.default_privilege_steps(c, d, from, &middle);
        let deps = self.from.default_privilege_deps(d);
        self.push(Phase::EarlyDrop, node.clone(), deps, early);
        let late = self.default_privilege_steps(c, d, &middle, to);
        let deps = self.to.default_privilege_deps(d);
        self.push(Phase::Main, node, deps, late);
    }

    fn default_privilege_steps(
        &self,
        c: &Change<'_>,
        d: &DefaultPrivilege,
        from: &Privileges,
        to: &Privileges,
    ) -> Vec<Step> {
        default_privilege_statements(d, from, to)
            .into_iter()
            .map(|s| {
                let step = Step::new(s.sql, Kind::DefaultPrivilege, c.op, c.name.clone());
                match s.revokes {
                    true => step.hazard(
                        HazardKind::PrivilegeRevoked,
                        format!("from objects created later, default privileges {}", c.name),
                    ),
                    false => step,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DefaultObjects;

    fn g(grantee: &str, privilege: &str) -> Grant {
        Grant {
            grantee: grantee.into(),
            privilege: privilege.into(),
            grantable: false,
        }
    }

    fn sql(d: &DefaultPrivilege, from: &Privileges, to: &Privileges) -> Vec<String> {
        let out = default_privilege_statements(d, from, to);
        out.into_iter().map(|s| s.sql).collect()
    }

    #[test]
    fn a_revoked_builtin_default_is_given_back() {
        let d = DefaultPrivilege {
            role: Some("Owner".into()),
            schema: None,
            objects: DefaultObjects::Functions,
            privileges: Privileges::default(),
        };
        let revoked = Privileges {
            granted: vec![],
            revoked: vec![g("PUBLIC", "EXECUTE")],
        };
        let none = Privileges::default();
        assert_eq!(
            sql(&d, &none, &revoked),
            ["ALTER DEFAULT PRIVILEGES FOR ROLE \"Owner\" REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC"]
        );
        assert_eq!(
            sql(&d, &revoked, &none),
            ["ALTER DEFAULT PRIVILEGES FOR ROLE \"Owner\" GRANT EXECUTE ON FUNCTIONS TO PUBLIC"]
        );
    }

    #[test]
    fn in_a_schema_every_privilege_is_a_grant() {
        let d = DefaultPrivilege {
            role: None,
            schema: Some("app".into()),
            objects: DefaultObjects::Tables,
            privileges: Privileges::default(),
        };
        let from = Privileges {
            granted: vec![g("r", "INSERT"), g("r", "SELECT")],
            revoked: vec![],
        };
        let to = Privileges {
            granted: vec![g("r", "SELECT"), g("w", "UPDATE")],
            revoked: vec![],
        };
        let middle = kept(&from, &to);
        assert_eq!(middle.granted, [g("r", "SELECT")]);
        assert_eq!(
            sql(&d, &from, &middle),
            ["ALTER DEFAULT PRIVILEGES IN SCHEMA app REVOKE INSERT ON TABLES FROM r"]
        );
        assert_eq!(
            sql(&d, &middle, &to),
            ["ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT UPDATE ON TABLES TO w"]
        );
    }
}
