//! Triggers (user-defined; the internal triggers behind foreign keys are not listed).

use super::kind::{Kind, Place, Placed};
use super::names::{Object, QualName, SubName};
use super::serde_util::is_false;
use serde::{Deserialize, Serialize};

/// A trigger on a table or view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub schema: String,
    pub table: String,
    pub name: String,
    pub timing: TriggerTiming,
    /// `insert`, `update`, `delete`, `truncate`, in that order.
    pub events: Vec<String>,
    /// `UPDATE OF` columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub update_columns: Vec<String>,
    /// `row` or `statement`.
    pub level: String,
    /// The trigger function, qualified.
    pub function: QualName,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arguments: Vec<String>,
    /// `WHEN (...)` condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// `REFERENCING OLD TABLE AS ...`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_table: Option<String>,
    /// `REFERENCING NEW TABLE AS ...`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_table: Option<String>,
    /// A `CONSTRAINT TRIGGER`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub constraint: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deferrable: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub initially_deferred: bool,
    /// `origin` (the default), `disabled`, `replica` or `always`.
    pub enabled: String,
    /// The whole `CREATE TRIGGER` statement, as PostgreSQL prints it.
    pub definition: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Object for Trigger {
    type Key = SubName;
    fn key(&self) -> SubName {
        SubName {
            schema: self.schema.clone(),
            table: self.table.clone(),
            name: self.name.clone(),
        }
    }
}

impl Placed for Trigger {
    fn place(&self) -> Place<'_> {
        Place::on(Kind::Trigger, &self.schema, &self.name, &self.table)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerTiming {
    Before,
    After,
    InsteadOf,
}
