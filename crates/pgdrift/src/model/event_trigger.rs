//! Event triggers: database-wide triggers on DDL events (and logins, 17+). They belong to
//! no schema and are keyed by name; filters place them in their function's schema.

use super::kind::{Kind, Place, Placed};
use super::names::{Object, QualName};
use serde::{Deserialize, Serialize};

/// An event trigger (not one an extension brings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventTrigger {
    pub name: String,
    /// `ddl_command_start`, `ddl_command_end`, `sql_drop`, `table_rewrite` or `login`.
    pub event: String,
    /// `WHEN TAG IN (...)`, sorted; empty for every tag.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The function it executes, qualified (it takes no arguments).
    pub function: QualName,
    /// `origin` (the default), `disabled`, `replica` or `always`.
    pub enabled: String,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Object for EventTrigger {
    type Key = String;
    fn key(&self) -> String {
        self.name.clone()
    }
}

impl Placed for EventTrigger {
    fn place(&self) -> Place<'_> {
        Place::top(Kind::EventTrigger, &self.function.schema, &self.name)
    }
}
