//! Procedural languages the user creates (`CREATE [TRUSTED] LANGUAGE name HANDLER f`): not
//! PostgreSQL's built-in ones (`internal`, `c`, `sql`, below the first normal object id),
//! nor those an extension brings (`plpgsql`, `plpython3u` …). They belong to no schema and
//! are keyed by name; their functions are kept schema-qualified.

use super::kind::{Kind, Place, Placed};
use super::names::{Object, QualName};
use super::privilege::Privileges;
use super::serde_util::is_false;
use serde::{Deserialize, Serialize};

/// A procedural language. `CREATE OR REPLACE LANGUAGE` changes everything but its owner and
/// privileges in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Language {
    pub name: String,
    /// `TRUSTED`: users without superuser rights may write functions in it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub trusted: bool,
    /// The call handler (a function of no arguments returning `language_handler`).
    pub handler: QualName,
    /// The inline handler, for `DO` blocks (one `internal` argument).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inline: Option<QualName>,
    /// The validator (one `oid` argument).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validator: Option<QualName>,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// `USAGE` grants and revokes, as the difference from the default (`PUBLIC` may use it).
    #[serde(default, skip_serializing_if = "Privileges::is_default")]
    pub privileges: Privileges,
}

impl Language {
    /// The handler, inline handler and validator it names.
    pub fn functions(&self) -> impl Iterator<Item = &QualName> {
        [
            Some(&self.handler),
            self.inline.as_ref(),
            self.validator.as_ref(),
        ]
        .into_iter()
        .flatten()
    }
}

impl Object for Language {
    type Key = String;
    fn key(&self) -> String {
        self.name.clone()
    }
}

impl Placed for Language {
    /// In the database (no schema), by name.
    fn place(&self) -> Place<'_> {
        Place::top(Kind::Language, "", &self.name)
    }
}
