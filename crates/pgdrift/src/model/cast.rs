//! Casts the user creates (`CREATE CAST`): not PostgreSQL's built-in ones (`pg_cast` rows
//! below the first normal object id), nor those an extension brings. They belong to no
//! schema and are keyed by their source and target types, as PostgreSQL writes them.

use super::kind::{Kind, Place, Placed};
use super::names::{Object, Signature};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A cast. It cannot be altered: any change but its comment drops and creates it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cast {
    /// The source type, as `format_type` writes it (qualified outside `pg_catalog`).
    pub source: String,
    pub target: String,
    /// `function` (`WITH FUNCTION`), `binary` (`WITHOUT FUNCTION`) or `inout` (`WITH INOUT`).
    pub method: String,
    /// The function of a `WITH FUNCTION` cast.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<CastFunction>,
    /// `explicit` (the default), `assignment` or `implicit`.
    pub context: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// The function a cast calls: schema, name and argument types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CastFunction {
    pub schema: String,
    pub name: String,
    /// The argument types, comma-separated, as a function's key has them.
    pub arguments: String,
}

impl CastFunction {
    /// The key of the function in the catalog.
    pub fn signature(&self) -> Signature {
        Signature {
            schema: self.schema.clone(),
            name: self.name.clone(),
            arguments: self.arguments.clone(),
        }
    }
}

/// What identifies a [`Cast`]: its source and target types.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CastKey {
    pub source: String,
    pub target: String,
}

impl fmt::Display for CastKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({} AS {})", self.source, self.target)
    }
}

impl Object for Cast {
    type Key = CastKey;
    fn key(&self) -> CastKey {
        CastKey {
            source: self.source.clone(),
            target: self.target.clone(),
        }
    }
}

impl Placed for Cast {
    /// In the database (no schema), by its source type.
    fn place(&self) -> Place<'_> {
        Place::top(Kind::Cast, "", &self.source)
    }
}
