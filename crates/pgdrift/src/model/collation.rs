//! Collations the user creates (`CREATE COLLATION`); not PostgreSQL's own in `pg_catalog`,
//! nor those an extension brings.

use super::kind::{Kind, Place, Placed};
use super::names::{Object, QualName};
use serde::{Deserialize, Serialize};

/// A collation. Its definition cannot change in place: a different one is a new collation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collation {
    pub schema: String,
    pub name: String,
    /// `libc`, `icu` or `builtin` (17+).
    pub provider: String,
    /// The ICU or builtin locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// `LC_COLLATE` and `LC_CTYPE` of a libc collation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lc_collate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lc_ctype: Option<String>,
    /// False for a nondeterministic (ICU) collation.
    pub deterministic: bool,
    /// ICU tailoring rules (16+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<String>,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Object for Collation {
    type Key = QualName;
    fn key(&self) -> QualName {
        QualName::new(&self.schema, &self.name)
    }
}

impl Placed for Collation {
    fn place(&self) -> Place<'_> {
        Place::top(Kind::Collation, &self.schema, &self.name)
    }
}
