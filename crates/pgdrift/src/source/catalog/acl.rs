//! Access control lists: PostgreSQL's `aclitem` text (`grantee=privs/grantor`) read into
//! grants, and normalized against the defaults of the object's kind.

use crate::model::{privilege_name, Grant, Privileges};
use std::collections::BTreeMap;

/// One `aclitem` read: grantee (`PUBLIC` for the empty name) and its privilege codes, each
/// with its grant option.
fn parse_item(item: &str) -> Option<(String, Vec<(char, bool)>)> {
    let (grantee, rest) = if let Some(quoted) = item.strip_prefix('"') {
        let mut name = String::new();
        let mut chars = quoted.char_indices().peekable();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            if c == '"' {
                if chars.peek().map(|(_, n)| *n) == Some('"') {
                    name.push('"');
                    chars.next();
                } else {
                    end = Some(i + 1);
                    break;
                }
            } else {
                name.push(c);
            }
        }
        (name, &quoted[end?..])
    } else {
        let eq = item.find('=')?;
        (item[..eq].to_string(), &item[eq..])
    };
    let privs = rest.strip_prefix('=')?;
    let privs = privs.split('/').next()?;
    let mut out = Vec::new();
    let mut chars = privs.chars().peekable();
    while let Some(c) = chars.next() {
        let grantable = chars.next_if_eq(&'*').is_some();
        out.push((c, grantable));
    }
    let grantee = if grantee.is_empty() {
        "PUBLIC".to_string()
    } else {
        grantee
    };
    Some((grantee, out))
}

/// `(grantee, privilege) -> grantable`, merged over grantors.
fn expand(items: &[String]) -> BTreeMap<(String, String), bool> {
    let mut map = BTreeMap::new();
    for item in items {
        if let Some((grantee, privs)) = parse_item(item) {
            for (code, grantable) in privs {
                if let Some(name) = privilege_name(code) {
                    let slot = map
                        .entry((grantee.clone(), name.to_string()))
                        .or_insert(false);
                    *slot |= grantable;
                }
            }
        }
    }
    map
}

fn grants(map: BTreeMap<(String, String), bool>) -> Vec<Grant> {
    map.into_iter()
        .map(|((grantee, privilege), grantable)| Grant {
            grantee,
            privilege,
            grantable,
        })
        .collect()
}

/// The difference between an object's ACL and the default ACL of its kind and owner. No ACL
/// (`NULL` in the catalog) means the defaults.
pub(crate) fn privileges(acl: Option<Vec<String>>, default: Option<Vec<String>>) -> Privileges {
    match (acl, default) {
        (Some(acl), Some(default)) => difference(&acl, &default),
        _ => Privileges::default(),
    }
}

fn difference(acl: &[String], default: &[String]) -> Privileges {
    if acl == default {
        return Privileges::default();
    }
    let have = expand(acl);
    let base = expand(default);
    let granted = have
        .iter()
        .filter(|(k, g)| base.get(*k).is_none_or(|bg| **g && !bg))
        .map(|(k, g)| (k.clone(), *g))
        .collect();
    let revoked = base
        .iter()
        .filter(|(k, _)| !have.contains_key(*k))
        .map(|(k, g)| (k.clone(), *g))
        .collect();
    Privileges {
        granted: grants(granted),
        revoked: grants(revoked),
    }
}

/// Column-level grants (columns have no default ACL).
pub(crate) fn column_grants(acl: &[String]) -> Vec<Grant> {
    grants(expand(acl))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn default_acl_is_no_difference() {
        let d = s(&["alice=arwdDxt/alice"]);
        assert!(privileges(Some(d.clone()), Some(d)).is_default());
        assert!(privileges(None, None).is_default());
    }

    #[test]
    fn grants_and_revokes() {
        let default = s(&["alice=X/alice", "=X/alice"]);
        let acl = s(&["alice=X/alice", "bob=X*/alice", "\"odd \"\"name\"=X/alice"]);
        let p = privileges(Some(acl), Some(default));
        assert_eq!(
            p.granted,
            vec![
                Grant {
                    grantee: "bob".into(),
                    privilege: "EXECUTE".into(),
                    grantable: true
                },
                Grant {
                    grantee: "odd \"name".into(),
                    privilege: "EXECUTE".into(),
                    grantable: false
                },
            ]
        );
        assert_eq!(
            p.revoked,
            vec![Grant {
                grantee: "PUBLIC".into(),
                privilege: "EXECUTE".into(),
                grantable: false
            }]
        );
    }

    #[test]
    fn grantors_merge() {
        let g = column_grants(&s(&["bob=r/alice", "bob=r*/carol", "=w/alice"]));
        assert_eq!(
            g,
            vec![
                Grant {
                    grantee: "PUBLIC".into(),
                    privilege: "UPDATE".into(),
                    grantable: false
                },
                Grant {
                    grantee: "bob".into(),
                    privilege: "SELECT".into(),
                    grantable: true
                },
            ]
        );
    }
}
