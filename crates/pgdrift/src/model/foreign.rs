//! Foreign-data objects of the database: wrappers, servers and user mappings. They belong to
//! no schema (their place is the database's, `""`) and are keyed by name; a user mapping by
//! its role (`public` for `PUBLIC`) and server. Those an extension brings are not read.

use super::kind::{Kind, Place, Placed};
use super::names::{Object, QualName};
use super::options::GenericOption;
use super::privilege::Privileges;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A foreign data wrapper (`CREATE FOREIGN DATA WRAPPER`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignDataWrapper {
    pub name: String,
    /// The handler function (`NO HANDLER`: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<QualName>,
    /// The validator function (`NO VALIDATOR`: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validator: Option<QualName>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<GenericOption>,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Privileges::is_default")]
    pub privileges: Privileges,
}

/// A foreign server (`CREATE SERVER`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignServer {
    pub name: String,
    /// The wrapper it uses (the user's or an extension's).
    pub wrapper: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<GenericOption>,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Privileges::is_default")]
    pub privileges: Privileges,
}

/// A user mapping (`CREATE USER MAPPING FOR role SERVER s`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserMapping {
    /// The role, or `public` for `PUBLIC`.
    pub role: String,
    pub server: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<GenericOption>,
}

/// What identifies a [`UserMapping`]: its role (`public` for `PUBLIC`) and server.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MappingKey {
    pub role: String,
    pub server: String,
}

impl fmt::Display for MappingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} on {}", self.role, self.server)
    }
}

impl Object for ForeignDataWrapper {
    type Key = String;
    fn key(&self) -> String {
        self.name.clone()
    }
}

impl Placed for ForeignDataWrapper {
    fn place(&self) -> Place<'_> {
        Place::top(Kind::ForeignDataWrapper, "", &self.name)
    }
}

impl Object for ForeignServer {
    type Key = String;
    fn key(&self) -> String {
        self.name.clone()
    }
}

impl Placed for ForeignServer {
    fn place(&self) -> Place<'_> {
        Place::top(Kind::ForeignServer, "", &self.name)
    }
}

impl Object for UserMapping {
    type Key = MappingKey;
    fn key(&self) -> MappingKey {
        MappingKey {
            role: self.role.clone(),
            server: self.server.clone(),
        }
    }
}

impl Placed for UserMapping {
    /// In the database, by its server's name.
    fn place(&self) -> Place<'_> {
        Place::top(Kind::UserMapping, "", &self.server)
    }
}
