//! Indexes that stand on their own (those backing a primary key, unique or exclusion
//! constraint are described by the constraint).

use super::kind::{Kind, Place, Placed};
use super::names::{Object, QualName};
use super::serde_util::{is_false, is_true, yes};
use serde::{Deserialize, Serialize};

/// An index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub schema: String,
    pub name: String,
    /// The indexed table or materialized view (always in the index's schema).
    pub table: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// Access method: `btree`, `hash`, `gist`, `gin`, `brin`, ...
    pub method: String,
    pub keys: Vec<IndexKey>,
    /// `INCLUDE (...)` columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// `WHERE ...` of a partial index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub nulls_not_distinct: bool,
    /// False for an index left invalid by a failed `CREATE INDEX CONCURRENTLY`.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub valid: bool,
    /// The table was `CLUSTER`ed on this index.
    #[serde(default, skip_serializing_if = "is_false")]
    pub clustered: bool,
    /// Storage parameters (`fillfactor=...`), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Statistics targets set on expression columns (`ALTER INDEX ... ALTER COLUMN n SET
    /// STATISTICS t`), by column number.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statistics: Vec<KeyStatistics>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// The statistics target of one column of an index (numbered from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyStatistics {
    pub column: u16,
    pub target: i32,
}

impl Object for Index {
    type Key = QualName;
    fn key(&self) -> QualName {
        QualName::new(&self.schema, &self.name)
    }
}

impl Placed for Index {
    fn place(&self) -> Place<'_> {
        Place::on(Kind::Index, &self.schema, &self.name, &self.table)
    }
}

/// One key of an index: a column or an expression, with its operator class, collation and
/// ordering when they are not the defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexKey {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    /// Operator class when it is not the default for the key's type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<String>,
    /// Collation when it differs from the column's (or, for an expression, the database's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub descending: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub nulls_first: bool,
}
