//! Row-level security policies.

use super::kind::{Kind, Place, Placed};
use super::names::{Object, SubName};
use serde::{Deserialize, Serialize};

/// A row-level security policy on a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub schema: String,
    pub table: String,
    pub name: String,
    /// `all`, `select`, `insert`, `update` or `delete`.
    pub command: String,
    /// False for `AS RESTRICTIVE`.
    pub permissive: bool,
    /// Roles the policy applies to, sorted; `PUBLIC` for everyone.
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_check: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Object for Policy {
    type Key = SubName;
    fn key(&self) -> SubName {
        SubName {
            schema: self.schema.clone(),
            table: self.table.clone(),
            name: self.name.clone(),
        }
    }
}

impl Placed for Policy {
    fn place(&self) -> Place<'_> {
        Place::on(Kind::Policy, &self.schema, &self.name, &self.table)
    }
}
