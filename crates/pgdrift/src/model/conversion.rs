//! Encoding conversions the user creates (`CREATE [DEFAULT] CONVERSION`): not PostgreSQL's
//! own in `pg_catalog`, nor an extension's. Keyed by schema and name.

use super::kind::{Kind, Place, Placed};
use super::names::{Object, QualName};
use super::serde_util::is_false;
use serde::{Deserialize, Serialize};

/// A conversion. Only its name, owner, schema and comment can be altered: any other change
/// drops it and creates it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversion {
    pub schema: String,
    pub name: String,
    /// The source encoding's name (`LATIN1`).
    pub source: String,
    /// The destination encoding's name (`UTF8`).
    pub destination: String,
    /// The conversion function.
    pub function: QualName,
    /// `DEFAULT`: the one used for its pair of encodings in its schema.
    #[serde(default, skip_serializing_if = "is_false")]
    pub default: bool,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Object for Conversion {
    type Key = QualName;
    fn key(&self) -> QualName {
        QualName::new(&self.schema, &self.name)
    }
}

impl Placed for Conversion {
    fn place(&self) -> Place<'_> {
        Place::top(Kind::Conversion, &self.schema, &self.name)
    }
}
