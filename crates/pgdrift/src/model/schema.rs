//! Schemas and extensions.

use super::kind::{Kind, Place, Placed};
use super::names::Object;
use super::privilege::Privileges;
use serde::{Deserialize, Serialize};

/// A schema (namespace). It carries its own name as both `schema` and `name` in JSON, so
/// that every object in a snapshot can be filtered by `schema` the same way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    pub schema: String,
    pub name: String,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Privileges::is_default")]
    pub privileges: Privileges,
}

impl Object for Schema {
    type Key = String;
    fn key(&self) -> String {
        self.name.clone()
    }
}

impl Placed for Schema {
    fn place(&self) -> Place<'_> {
        Place::top(Kind::Schema, &self.name, &self.name)
    }
}

/// An installed extension. Objects that belong to an extension are not listed elsewhere in
/// the catalog: the extension and its version stand for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extension {
    /// The schema the extension's objects were installed in.
    pub schema: String,
    pub name: String,
    pub version: String,
}

impl Object for Extension {
    type Key = String;
    fn key(&self) -> String {
        self.name.clone()
    }
}

impl Placed for Extension {
    fn place(&self) -> Place<'_> {
        Place::top(Kind::Extension, &self.schema, &self.name)
    }
}
