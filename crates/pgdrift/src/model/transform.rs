//! Transforms the user creates (`CREATE TRANSFORM FOR type LANGUAGE lang`): how values of a
//! type pass into and out of functions of a procedural language. Not an extension's (such
//! as `hstore_plperl`). They belong to no schema and are keyed by type and language.

use super::kind::{Kind, Place, Placed};
use super::names::{Object, QualName};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A transform. `CREATE OR REPLACE TRANSFORM` changes its functions in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transform {
    /// The type, as `format_type` writes it (qualified outside `pg_catalog`).
    #[serde(rename = "type")]
    pub type_name: String,
    pub language: String,
    /// `FROM SQL WITH FUNCTION f(internal)`, returning `internal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_sql: Option<QualName>,
    /// `TO SQL WITH FUNCTION g(internal)`, returning the type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_sql: Option<QualName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// What identifies a [`Transform`]: its type and language.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TransformKey {
    pub type_name: String,
    pub language: String,
}

impl fmt::Display for TransformKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FOR {} LANGUAGE {}", self.type_name, self.language)
    }
}

impl Object for Transform {
    type Key = TransformKey;
    fn key(&self) -> TransformKey {
        TransformKey {
            type_name: self.type_name.clone(),
            language: self.language.clone(),
        }
    }
}

impl Placed for Transform {
    /// In the database (no schema), by its type.
    fn place(&self) -> Place<'_> {
        Place::top(Kind::Transform, "", &self.type_name)
    }
}
