//! Rewrite rules (`CREATE RULE`) on tables and views; not the `_RETURN` rule that makes a
//! view what it is (the view's definition stands for it).

use super::kind::{Kind, Place, Placed};
use super::names::{Object, SubName};
use serde::{Deserialize, Serialize};

/// A rule on a table or view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub schema: String,
    /// The table or view the rule is on.
    pub table: String,
    pub name: String,
    /// `select`, `insert`, `update` or `delete`.
    pub event: String,
    /// `DO INSTEAD` (else `DO ALSO`).
    pub instead: bool,
    /// `origin` (the default), `disabled`, `replica` or `always`.
    pub enabled: String,
    /// The whole `CREATE RULE` statement as PostgreSQL prints it, without its semicolon.
    pub definition: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Object for Rule {
    type Key = SubName;
    fn key(&self) -> SubName {
        SubName {
            schema: self.schema.clone(),
            table: self.table.clone(),
            name: self.name.clone(),
        }
    }
}

impl Placed for Rule {
    fn place(&self) -> Place<'_> {
        Place::on(Kind::Rule, &self.schema, &self.name, &self.table)
    }
}
