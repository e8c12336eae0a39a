//! Publications (`CREATE PUBLICATION`): database-wide, in no schema, keyed by name. What
//! they publish — every table, a list of tables (each with its column list and row filter,
//! 15+), the tables of whole schemas (15+) — and which operations, compared field by field.

use super::kind::{Kind, Place, Placed};
use super::names::{Object, QualName};
use serde::{Deserialize, Serialize};

/// A publication (not one an extension brings). Its tables and schemas are those in the
/// inspected schemas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    pub name: String,
    /// `FOR ALL TABLES`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all_tables: bool,
    /// `FOR TABLE ...`, by table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<PublishedTable>,
    /// `FOR TABLES IN SCHEMA ...` (15+), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schemas: Vec<String>,
    /// The operations published, in PostgreSQL's order (`insert`, `update`, `delete`,
    /// `truncate`).
    pub publish: Vec<String>,
    /// `publish_via_partition_root`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub via_root: bool,
    /// `publish_generated_columns` (18): `stored`, or absent for `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_columns: Option<String>,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A table a publication names, with what of it is published.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PublishedTable {
    pub table: QualName,
    /// The column list (15+), sorted; empty for every column.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// The row filter (`WHERE (...)`, 15+) as PostgreSQL prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_filter: Option<String>,
}

/// Every operation a publication can publish, in the order PostgreSQL lists them.
pub const PUBLISH_OPERATIONS: &[&str] = &["insert", "update", "delete", "truncate"];

impl Object for Publication {
    type Key = String;
    fn key(&self) -> String {
        self.name.clone()
    }
}

impl Placed for Publication {
    /// In no schema (`""`), by its name.
    fn place(&self) -> Place<'_> {
        Place::top(Kind::Publication, "", &self.name)
    }
}
