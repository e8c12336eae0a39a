//! Object identities: the keys of the catalog's maps. Raw (unquoted) names, ordered
//! deterministically; quoting happens only in `sql/`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A schema-qualified name: the key of tables, views, sequences, types and indexes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct QualName {
    pub schema: String,
    pub name: String,
}

impl QualName {
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        QualName {
            schema: schema.into(),
            name: name.into(),
        }
    }
}

impl fmt::Display for QualName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

/// The name of an object that lives inside a table: constraints, triggers, policies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubName {
    pub schema: String,
    pub table: String,
    pub name: String,
}

impl fmt::Display for SubName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{} on {}.{}",
            self.schema, self.name, self.schema, self.table
        )
    }
}

/// The name of an overloadable object: functions, procedures, aggregates and operators are
/// identified by their schema, name and argument types.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Signature {
    pub schema: String,
    pub name: String,
    pub arguments: String,
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}({})", self.schema, self.name, self.arguments)
    }
}

/// A catalog object that knows its own key.
pub trait Object {
    type Key: Ord + Clone + fmt::Display;
    fn key(&self) -> Self::Key;
}
