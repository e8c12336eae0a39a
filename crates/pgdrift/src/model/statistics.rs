//! Extended statistics objects (`CREATE STATISTICS`): what the planner learns about columns
//! and expressions of one table taken together.

use super::kind::{Kind, Place, Placed};
use super::names::{Object, QualName};
use serde::{Deserialize, Serialize};

/// An extended statistics object. It lives in a schema of its own choosing, on one table
/// (or materialized view or foreign table), and goes with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtendedStatistics {
    pub schema: String,
    pub name: String,
    /// The relation it is on (its schema may differ from the object's).
    pub table: QualName,
    /// Its columns and expressions, as PostgreSQL prints them (`a, b`, `(lower(a)), b`).
    pub columns: String,
    /// The statistics built besides those of expressions: `ndistinct`, `dependencies`,
    /// `mcv`, in that order (empty for one expression alone).
    pub kinds: Vec<String>,
    /// `ALTER STATISTICS ... SET STATISTICS n`; `None` for the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<i32>,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// Every kind of statistics `CREATE STATISTICS` builds when it names none.
pub const ALL_STATISTICS_KINDS: [&str; 3] = ["ndistinct", "dependencies", "mcv"];

impl Object for ExtendedStatistics {
    type Key = QualName;
    fn key(&self) -> QualName {
        QualName::new(&self.schema, &self.name)
    }
}

impl Placed for ExtendedStatistics {
    fn place(&self) -> Place<'_> {
        Place {
            kind: Kind::ExtendedStatistics,
            schema: &self.schema,
            name: &self.name,
            table: Some((&self.table.schema, &self.table.name)),
        }
    }
}
