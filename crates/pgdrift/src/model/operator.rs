//! User-defined operators.

use super::kind::{Kind, Place, Placed};
use super::names::{Object, Signature};
use super::serde_util::is_false;
use serde::{Deserialize, Serialize};

/// An operator, identified by schema, name and operand types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    pub schema: String,
    pub name: String,
    /// Operand types as `left, right` (`NONE` for a missing left operand of a prefix operator).
    pub arguments: String,
    pub result: String,
    pub function: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commutator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restrict: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub hashes: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub merges: bool,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Object for Operator {
    type Key = Signature;
    fn key(&self) -> Signature {
        Signature {
            schema: self.schema.clone(),
            name: self.name.clone(),
            arguments: self.arguments.clone(),
        }
    }
}

impl Placed for Operator {
    fn place(&self) -> Place<'_> {
        Place::top(Kind::Operator, &self.schema, &self.name)
    }
}
