//! Default privileges (`ALTER DEFAULT PRIVILEGES`, `pg_default_acl`): what objects of one
//! type get when a role creates them, database-wide or in one schema.
//!
//! Database-wide defaults replace PostgreSQL's built-in ones (the creator has every
//! privilege; `PUBLIC` has `EXECUTE` on functions and `USAGE` on types), so they are kept as
//! the difference from those, like an object's privileges: revoking a built-in default is a
//! revoke here, and `GRANT` of it back removes the row. In-schema defaults only add to the
//! database-wide ones: all of theirs are grants.

use super::kind::{Kind, Place, Placed};
use super::names::Object;
use super::privilege::Privileges;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The type of objects a default applies to (`ON TABLES`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefaultObjects {
    Tables,
    Sequences,
    Functions,
    Types,
    Schemas,
}

impl DefaultObjects {
    /// The word after `ON` in `ALTER DEFAULT PRIVILEGES ... GRANT ... ON`.
    pub fn sql(self) -> &'static str {
        match self {
            DefaultObjects::Tables => "TABLES",
            DefaultObjects::Sequences => "SEQUENCES",
            DefaultObjects::Functions => "FUNCTIONS",
            DefaultObjects::Types => "TYPES",
            DefaultObjects::Schemas => "SCHEMAS",
        }
    }

    /// For text and filters: `tables`.
    pub fn as_str(self) -> &'static str {
        match self {
            DefaultObjects::Tables => "tables",
            DefaultObjects::Sequences => "sequences",
            DefaultObjects::Functions => "functions",
            DefaultObjects::Types => "types",
            DefaultObjects::Schemas => "schemas",
        }
    }

    /// From `pg_default_acl.defaclobjtype`.
    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "r" => DefaultObjects::Tables,
            "S" => DefaultObjects::Sequences,
            "f" => DefaultObjects::Functions,
            "T" => DefaultObjects::Types,
            "n" => DefaultObjects::Schemas,
            _ => return None,
        })
    }

    /// The privilege `PUBLIC` holds on such objects when no default says otherwise.
    pub fn public_default(self) -> Option<&'static str> {
        match self {
            DefaultObjects::Functions => Some("EXECUTE"),
            DefaultObjects::Types => Some("USAGE"),
            _ => None,
        }
    }
}

/// The default privileges of one role for one type of objects, database-wide or in one
/// schema.
///
/// `role` is `None` for the role that read the catalog (the one pgdrift connects as, which
/// is the one that runs migrations), and plans for it leave `FOR ROLE` out, so that they
/// apply to whoever runs them. Owners are compared only with `--compare-owners`, because
/// each environment has its own roles; the connecting role is the same case: production's
/// `app_migrator` and a developer's `postgres` both stand for "the role that creates the
/// objects", and keying their defaults by name would report every such pair as drift, then
/// plan a change of another role's defaults that the running role may not be allowed to
/// make. The role is part of the key (a map key cannot depend on the diff's options), so
/// this holds with `--compare-owners` too; defaults of any other role keep its name, and a
/// plan names it in `FOR ROLE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultPrivilege {
    /// `FOR ROLE`: `None` for the connecting role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// `IN SCHEMA`: `None` for the whole database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub objects: DefaultObjects,
    /// Database-wide: the difference from the built-in defaults. In a schema: the grants.
    pub privileges: Privileges,
}

/// What identifies a [`DefaultPrivilege`]: role, schema and type of objects.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DefaultPrivilegeKey {
    pub role: Option<String>,
    pub schema: Option<String>,
    pub objects: DefaultObjects,
}

impl fmt::Display for DefaultPrivilegeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "on {}", self.objects.as_str())?;
        if let Some(s) = &self.schema {
            write!(f, " in schema {s}")?;
        }
        match &self.role {
            Some(r) => write!(f, " for role {r}"),
            None => write!(f, " for the current user"),
        }
    }
}

impl Object for DefaultPrivilege {
    type Key = DefaultPrivilegeKey;
    fn key(&self) -> DefaultPrivilegeKey {
        DefaultPrivilegeKey {
            role: self.role.clone(),
            schema: self.schema.clone(),
            objects: self.objects,
        }
    }
}

impl Placed for DefaultPrivilege {
    /// In its schema (database-wide ones in none, `""`), named by its type of objects.
    fn place(&self) -> Place<'_> {
        let schema = self.schema.as_deref().unwrap_or("");
        Place::top(Kind::DefaultPrivilege, schema, self.objects.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_as_people_say_them() {
        let key = DefaultPrivilegeKey {
            role: Some("app".into()),
            schema: Some("s".into()),
            objects: DefaultObjects::Functions,
        };
        assert_eq!(key.to_string(), "on functions in schema s for role app");
        let key = DefaultPrivilegeKey {
            role: None,
            schema: None,
            objects: DefaultObjects::Tables,
        };
        assert_eq!(key.to_string(), "on tables for the current user");
        assert_eq!(
            DefaultObjects::from_code("S"),
            Some(DefaultObjects::Sequences)
        );
        assert_eq!(DefaultObjects::from_code("x"), None);
    }
}
