//! User-defined types: enums, domains, composite types and range types.

use super::kind::{Kind, Place, Placed};
use super::names::{Object, QualName};
use super::privilege::Privileges;
use super::serde_util;
use serde::{Deserialize, Serialize};

/// A user-defined type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeDef {
    pub schema: String,
    pub name: String,
    #[serde(flatten)]
    pub kind: TypeKind,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Privileges::is_default")]
    pub privileges: Privileges,
}

impl Object for TypeDef {
    type Key = QualName;
    fn key(&self) -> QualName {
        QualName::new(&self.schema, &self.name)
    }
}

impl Placed for TypeDef {
    fn place(&self) -> Place<'_> {
        Place::top(Kind::Type, &self.schema, &self.name)
    }
}

/// What kind of type, with what is particular to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeKind {
    /// `CREATE TYPE ... AS ENUM`: labels in their sort order.
    Enum { labels: Vec<String> },
    /// `CREATE DOMAIN`.
    Domain {
        base_type: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        collation: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<String>,
        #[serde(default)]
        not_null: bool,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        checks: Vec<DomainCheck>,
    },
    /// `CREATE TYPE ... AS (...)`.
    Composite { attributes: Vec<Attribute> },
    /// `CREATE TYPE ... AS RANGE`.
    Range {
        subtype: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subtype_opclass: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        collation: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        canonical: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subtype_diff: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        multirange: Option<String>,
    },
}

/// A named CHECK constraint of a domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainCheck {
    pub name: String,
    pub expression: String,
    #[serde(
        default = "serde_util::yes",
        skip_serializing_if = "serde_util::is_true"
    )]
    pub validated: bool,
}

/// An attribute of a composite type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    pub name: String,
    #[serde(rename = "type")]
    pub type_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
}
