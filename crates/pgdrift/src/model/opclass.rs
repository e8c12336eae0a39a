//! Operator families and operator classes the user creates (`CREATE OPERATOR FAMILY`,
//! `CREATE OPERATOR CLASS`): not `pg_catalog`'s, nor those an extension brings. Both are
//! keyed by schema, name and access method (a btree and a hash class may share a name).
//! Their members are operators (by strategy number) and support functions (by support
//! number), each for a pair of operand types: a class's own members go with it; a family's
//! loose members (`ALTER OPERATOR FAMILY ... ADD`) are the family's.

use super::kind::{Kind, Place, Placed};
use super::names::{Object, QualName, Signature};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What identifies a family or a class: `schema.name USING method`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UsingName {
    pub schema: String,
    pub name: String,
    pub method: String,
}

impl fmt::Display for UsingName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{} USING {}", self.schema, self.name, self.method)
    }
}

/// An operator of a family or class: its strategy number, operand types and purpose.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OpOperator {
    pub strategy: i16,
    /// The operand types the entry is for, as `format_type` writes them.
    pub left: String,
    pub right: String,
    /// The operator: its schema, name and its own operand types (`left, right`).
    pub schema: String,
    pub name: String,
    pub arguments: String,
    /// `search` (`FOR SEARCH`, the default) or `order` (`FOR ORDER BY`).
    pub purpose: String,
    /// The btree family that sorts the results of an ordering operator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_family: Option<QualName>,
}

impl OpOperator {
    /// The key of the operator in the catalog.
    pub fn signature(&self) -> Signature {
        Signature {
            schema: self.schema.clone(),
            name: self.name.clone(),
            arguments: self.arguments.clone(),
        }
    }
}

/// A support function of a family or class: its support number and operand types.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OpFunction {
    pub number: i16,
    pub left: String,
    pub right: String,
    /// The function: schema, name and argument types, as a function's key has them.
    pub schema: String,
    pub name: String,
    pub arguments: String,
}

impl OpFunction {
    /// The key of the function in the catalog.
    pub fn signature(&self) -> Signature {
        Signature {
            schema: self.schema.clone(),
            name: self.name.clone(),
            arguments: self.arguments.clone(),
        }
    }
}

/// An operator family, with its loose members (sorted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorFamily {
    pub schema: String,
    pub name: String,
    pub method: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operators: Vec<OpOperator>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<OpFunction>,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// An operator class, with its own members (sorted). It cannot be altered: any change but
/// its comment and owner drops it and creates it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorClass {
    pub schema: String,
    pub name: String,
    pub method: String,
    /// The indexed type (`FOR TYPE`), as `format_type` writes it.
    pub for_type: String,
    /// The default class for its type and method.
    #[serde(default, skip_serializing_if = "super::serde_util::is_false")]
    pub default: bool,
    /// Its family (same method); `CREATE OPERATOR CLASS` without `FAMILY` makes one of the
    /// class's name.
    pub family: QualName,
    /// `STORAGE`: the type stored in the index, when it is not `for_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operators: Vec<OpOperator>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<OpFunction>,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl OperatorClass {
    /// The key of its family.
    pub fn family_key(&self) -> UsingName {
        UsingName {
            schema: self.family.schema.clone(),
            name: self.family.name.clone(),
            method: self.method.clone(),
        }
    }
}

impl Object for OperatorFamily {
    type Key = UsingName;
    fn key(&self) -> UsingName {
        UsingName {
            schema: self.schema.clone(),
            name: self.name.clone(),
            method: self.method.clone(),
        }
    }
}

impl Object for OperatorClass {
    type Key = UsingName;
    fn key(&self) -> UsingName {
        UsingName {
            schema: self.schema.clone(),
            name: self.name.clone(),
            method: self.method.clone(),
        }
    }
}

impl Placed for OperatorFamily {
    fn place(&self) -> Place<'_> {
        Place::top(Kind::OperatorFamily, &self.schema, &self.name)
    }
}

impl Placed for OperatorClass {
    fn place(&self) -> Place<'_> {
        Place::top(Kind::OperatorClass, &self.schema, &self.name)
    }
}
