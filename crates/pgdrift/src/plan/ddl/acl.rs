//! Comments and privileges: `COMMENT ON ... IS ...`, and the `GRANT`/`REVOKE` statements
//! that turn one object's privileges into another's.

use crate::model::{Grant, Privileges};
use crate::plan::guard::acl::{object_acl, still_to_do, AclMove};
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
    /// The privilege `PUBLIC` holds by default on objects of this kind (`EXECUTE` on
    /// routines, `USAGE` on types), which a plan gives back rather than revokes.
    pub public_default: Option<&'static str>,
}

impl AclTarget {
    pub fn object(object: impl Into<String>) -> Self {
        AclTarget {
            object: object.into(),
            column: None,
            public_default: None,
        }
    }

    pub fn column(object: impl Into<String>, column: &str) -> Self {
        AclTarget {
            column: Some(column.to_string()),
            ..AclTarget::object(object)
        }
    }

    pub fn public_default(mut self, privilege: &'static str) -> Self {
        self.public_default = Some(privilege);
        self
    }
}

/// A GRANT or REVOKE and whether it takes a privilege away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclStatement {
    pub sql: String,
    pub revokes: bool,
    /// For a REVOKE: the (grantee, privilege) pairs it takes away, fully or their grant
    /// option.
    pub taken: Vec<(String, String)>,
    /// A catalog condition true while the statement is still to do (for idempotent
    /// scripts), where the object's ACL can be found from its name.
    pub guard: Option<String>,
}

/// What one (grantee, privilege) pair must do to go from one side to the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Move {
    Revoke,
    RevokeOption,
    Grant { grantable: bool },
}

/// Where a pair stands on one side: granted (with or without grant option), a default
/// that was revoked, or not mentioned (the kind's default: present without grant option
/// for defaults, absent otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Granted(bool),
    Revoked,
    Default,
}

fn state(p: &Privileges, grantee: &str, privilege: &str) -> State {
    let find = |list: &[Grant]| {
        list.iter()
            .find(|g| g.grantee == grantee && g.privilege == privilege)
            .map(|g| g.grantable)
    };
    match (find(&p.granted), find(&p.revoked)) {
        (Some(g), _) => State::Granted(g),
        (None, Some(_)) => State::Revoked,
        (None, None) => State::Default,
    }
}

/// The move from `a` to `b`, for a pair that is (`default`) or is not a default of the kind.
fn step(a: State, b: State, default: bool) -> Option<Move> {
    use State::*;
    match (a, b) {
        _ if a == b => None,
        (Granted(true), Granted(false)) => Some(Move::RevokeOption),
        (_, Granted(g)) => Some(Move::Grant { grantable: g }),
        (_, Revoked) => Some(Move::Revoke),
        (Revoked, Default) => Some(Move::Grant { grantable: false }),
        // A default held with grant option goes back to the plain default.
        (Granted(true), Default) if default => Some(Move::RevokeOption),
        (Granted(_), Default) if default => None,
        (Granted(_), Default) => Some(Move::Revoke),
        (Default, Default) => None,
    }
}

/// The statements that turn privileges `from` into `to` on `target`: revocations first
/// (one per grantee: whole privileges, then grant options), then grants (one per grantee
/// and grant option).
pub fn privilege_statements(
    target: &AclTarget,
    from: &Privileges,
    to: &Privileges,
) -> Vec<AclStatement> {
    let mut keys: Vec<(&str, &str)> = [&from.granted, &from.revoked, &to.granted, &to.revoked]
        .into_iter()
        .flatten()
        .map(|g| (g.grantee.as_str(), g.privilege.as_str()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let moves = keys.into_iter().filter_map(|(grantee, privilege)| {
        let default = grantee == "PUBLIC" && target.public_default == Some(privilege);
        let (a, b) = (
            state(from, grantee, privilege),
            state(to, grantee, privilege),
        );
        step(a, b, default).map(|m| (m, grantee, privilege))
    });
    statements(target, moves.collect())
}

/// Column privileges: `from` and `to` are the column's grants (columns have no defaults).
pub fn column_privilege_statements(
    target: &AclTarget,
    from: &[Grant],
    to: &[Grant],
) -> Vec<AclStatement> {
    let as_privileges = |g: &[Grant]| Privileges {
        granted: g.to_vec(),
        revoked: Vec::new(),
    };
    privilege_statements(target, &as_privileges(from), &as_privileges(to))
}

/// A column's grants before and after a plan: (name, from, to).
pub type ColumnGrants<'a> = (&'a str, &'a [Grant], &'a [Grant]);

/// A table-level REVOKE takes the same privilege away on every column of the table too:
/// the column grants of `columns` that hold on both sides and that `revokes` touched,
/// granted again as they must end (those only in `to` are the column's own to grant).
pub fn regrant_columns(
    object: &str,
    revokes: &[AclStatement],
    columns: &[ColumnGrants<'_>],
) -> Vec<AclStatement> {
    let taken: Vec<&(String, String)> = revokes.iter().flat_map(|s| &s.taken).collect();
    let mut out = Vec::new();
    for (column, before, grants) in columns {
        let held = |g: &Grant| {
            before
                .iter()
                .any(|b| b.grantee == g.grantee && b.privilege == g.privilege)
        };
        let moves: Vec<(Move, &str, &str)> = grants
            .iter()
            .filter(|g| held(g) && taken.contains(&&(g.grantee.clone(), g.privilege.clone())))
            .map(|g| {
                let m = Move::Grant {
                    grantable: g.grantable,
                };
                (m, g.grantee.as_str(), g.privilege.as_str())
            })
            .collect();
        out.extend(statements(&AclTarget::column(object, column), moves));
    }
    out
}

/// The statements for `moves`, grouped by kind of move and grantee. Each privilege carries
/// its own column list: in `GRANT INSERT, SELECT (a)` the list binds to SELECT only and
/// INSERT is granted on the whole table.
fn statements(target: &AclTarget, mut moves: Vec<(Move, &str, &str)>) -> Vec<AclStatement> {
    moves.sort_unstable();
    let mut groups: BTreeMap<(Move, &str), Vec<&str>> = BTreeMap::new();
    for (m, grantee, privilege) in moves {
        groups.entry((m, grantee)).or_default().push(privilege);
    }
    let column = target
        .column
        .as_deref()
        .map(|c| format!(" ({})", Ident(c)))
        .unwrap_or_default();
    groups
        .into_iter()
        .map(|((m, grantee), privileges)| {
            let list = privileges
                .iter()
                .map(|p| format!("{p}{column}"))
                .collect::<Vec<_>>()
                .join(", ");
            let (object, who) = (&target.object, role(grantee));
            let sql = match m {
                Move::Revoke => format!("REVOKE {list} ON {object} FROM {who}"),
                Move::RevokeOption => {
                    format!("REVOKE GRANT OPTION FOR {list} ON {object} FROM {who}")
                }
                Move::Grant { grantable } => format!(
                    "GRANT {list} ON {object} TO {who}{}",
                    if grantable { " WITH GRANT OPTION" } else { "" }
                ),
            };
            let acl_move = match m {
                Move::Revoke => AclMove::Revoke,
                Move::RevokeOption => AclMove::RevokeOption,
                Move::Grant { grantable } => AclMove::Grant { grantable },
            };
            let guard = object_acl(&target.object, target.column.as_deref())
                .map(|acl| still_to_do(&acl, grantee, &privileges, acl_move));
            let revokes = !matches!(m, Move::Grant { .. });
            let taken = if revokes {
                privileges
                    .iter()
                    .map(|p| (grantee.to_string(), p.to_string()))
                    .collect()
            } else {
                Vec::new()
            };
            AclStatement {
                sql,
                revokes,
                taken,
                guard,
            }
        })
        .collect()
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

    fn sql(statements: Vec<AclStatement>) -> Vec<String> {
        statements.into_iter().map(|s| s.sql).collect()
    }

    #[test]
    fn grants_and_revokes() {
        let target = AclTarget::object("TABLE app.t");
        let from = Privileges {
            granted: vec![g("reader", "SELECT", true), g("old", "UPDATE", false)],
            revoked: vec![],
        };
        let to = Privileges {
            granted: vec![
                g("reader", "SELECT", false),
                g("Writer", "INSERT", false),
                g("Writer", "UPDATE", false),
                g("old", "DELETE", true),
            ],
            revoked: vec![g("PUBLIC", "SELECT", false)],
        };
        assert_eq!(
            sql(privilege_statements(&target, &from, &to)),
            [
                "REVOKE SELECT ON TABLE app.t FROM PUBLIC",
                "REVOKE UPDATE ON TABLE app.t FROM old",
                "REVOKE GRANT OPTION FOR SELECT ON TABLE app.t FROM reader",
                "GRANT INSERT, UPDATE ON TABLE app.t TO \"Writer\"",
                "GRANT DELETE ON TABLE app.t TO old WITH GRANT OPTION",
            ]
        );
        assert_eq!(
            comment("TABLE app.t", Some("it's")),
            "COMMENT ON TABLE app.t IS 'it''s'"
        );
    }

    #[test]
    fn every_privilege_carries_the_column_list() {
        let target = AclTarget::column("TABLE app.t", "a b");
        let to = [
            g("r", "INSERT", false),
            g("r", "SELECT", false),
            g("w", "UPDATE", true),
        ];
        assert_eq!(
            sql(column_privilege_statements(&target, &[], &to)),
            [
                "GRANT INSERT (\"a b\"), SELECT (\"a b\") ON TABLE app.t TO r",
                "GRANT UPDATE (\"a b\") ON TABLE app.t TO w WITH GRANT OPTION",
            ]
        );
        assert_eq!(
            sql(column_privilege_statements(&target, &to, &to[2..])),
            ["REVOKE INSERT (\"a b\"), SELECT (\"a b\") ON TABLE app.t FROM r"]
        );
    }

    #[test]
    fn defaults_come_back_and_table_revokes_are_followed_by_column_grants() {
        let routine = AclTarget::object("FUNCTION app.f()").public_default("EXECUTE");
        let upgraded = Privileges {
            granted: vec![g("PUBLIC", "EXECUTE", true)],
            revoked: vec![],
        };
        let revoked = Privileges {
            granted: vec![],
            revoked: vec![g("PUBLIC", "EXECUTE", false)],
        };
        let none = Privileges::default();
        assert_eq!(
            sql(privilege_statements(&routine, &upgraded, &none)),
            ["REVOKE GRANT OPTION FOR EXECUTE ON FUNCTION app.f() FROM PUBLIC"]
        );
        assert_eq!(
            sql(privilege_statements(&routine, &revoked, &none)),
            ["GRANT EXECUTE ON FUNCTION app.f() TO PUBLIC"]
        );
        let table = AclTarget::object("TABLE app.t");
        let from = Privileges {
            granted: vec![g("r", "SELECT", false), g("r", "DELETE", false)],
            revoked: vec![],
        };
        let revokes = privilege_statements(&table, &from, &none);
        let before = [g("r", "SELECT", false), g("x", "SELECT", false)];
        let kept = [
            g("r", "SELECT", true),
            g("x", "SELECT", false),
            g("r", "DELETE", false),
        ];
        assert_eq!(
            sql(regrant_columns(
                "TABLE app.t",
                &revokes,
                &[("a", &before, &kept)]
            )),
            ["GRANT SELECT (a) ON TABLE app.t TO r WITH GRANT OPTION"]
        );
    }
}
