//! Access methods the user creates (`CREATE ACCESS METHOD`): not PostgreSQL's built-in ones
//! (`pg_am` rows below the first normal object id), nor those an extension brings. They
//! belong to no schema and are keyed by name.

use super::kind::{Kind, Place, Placed};
use super::names::Object;
use serde::{Deserialize, Serialize};

/// An access method. It cannot be altered: a new type or handler drops it and creates it
/// again; only its comment changes in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessMethod {
    pub name: String,
    /// `index` or `table`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The handler function, as `regproc` writes it (qualified outside `pg_catalog`).
    pub handler: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Object for AccessMethod {
    type Key = String;
    fn key(&self) -> String {
        self.name.clone()
    }
}

impl Placed for AccessMethod {
    /// In the database (no schema).
    fn place(&self) -> Place<'_> {
        Place::top(Kind::AccessMethod, "", &self.name)
    }
}
