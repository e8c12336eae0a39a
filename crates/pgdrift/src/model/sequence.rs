//! Sequences, and the options they share with identity columns.

use super::kind::{Kind, Place, Placed};
use super::names::{Object, QualName};
use super::privilege::Privileges;
use serde::{Deserialize, Serialize};

/// The parameters of a sequence (also those of an identity column's implicit sequence).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequenceOptions {
    pub data_type: String,
    pub start: i64,
    pub increment: i64,
    pub min: i64,
    pub max: i64,
    pub cache: i64,
    pub cycle: bool,
}

/// A stand-alone sequence (identity columns' sequences live on their column instead).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sequence {
    pub schema: String,
    pub name: String,
    #[serde(flatten)]
    pub options: SequenceOptions,
    #[serde(default, skip_serializing_if = "crate::model::serde_util::is_false")]
    pub unlogged: bool,
    /// `OWNED BY`: the column whose drop drops this sequence (what `serial` creates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<ColumnRef>,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Privileges::is_default")]
    pub privileges: Privileges,
}

impl Object for Sequence {
    type Key = QualName;
    fn key(&self) -> QualName {
        QualName::new(&self.schema, &self.name)
    }
}

impl Placed for Sequence {
    fn place(&self) -> Place<'_> {
        Place {
            table: self
                .owned_by
                .as_ref()
                .map(|c| (c.schema.as_str(), c.table.as_str())),
            ..Place::top(Kind::Sequence, &self.schema, &self.name)
        }
    }
}

/// A column of a table, by name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ColumnRef {
    pub schema: String,
    pub table: String,
    pub column: String,
}
