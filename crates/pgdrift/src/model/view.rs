//! Views and materialized views.

use super::kind::{Kind, Place, Placed};
use super::names::{Object, QualName};
use super::privilege::Privileges;
use super::serde_util::is_false;
use super::table::Column;
use serde::{Deserialize, Serialize};

/// A view or materialized view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct View {
    pub schema: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub materialized: bool,
    /// The query, as PostgreSQL prints it (`pg_get_viewdef`).
    pub definition: String,
    /// Options (`check_option=cascaded`, `security_barrier=true`, `security_invoker=true`), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Privileges::is_default")]
    pub privileges: Privileges,
    pub columns: Vec<Column>,
}

impl Object for View {
    type Key = QualName;
    fn key(&self) -> QualName {
        QualName::new(&self.schema, &self.name)
    }
}

impl Placed for View {
    fn place(&self) -> Place<'_> {
        Place::top(Kind::View, &self.schema, &self.name)
    }
}
