//! Tables (ordinary, partitioned, foreign) and their columns.

use super::kind::{Kind, Place, Placed};
use super::names::{Object, QualName};
use super::options::GenericOption;
use super::privilege::{Grant, Privileges};
use super::sequence::SequenceOptions;
use super::serde_util::is_false;
use serde::{Deserialize, Serialize};

/// A table with its columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub schema: String,
    pub name: String,
    pub kind: TableKind,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unlogged: bool,
    /// `PARTITION BY ...` of a partitioned table, as PostgreSQL prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_key: Option<String>,
    /// The parent of a partition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_of: Option<QualName>,
    /// The bound of a partition: `FOR VALUES ...` or `DEFAULT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_bound: Option<String>,
    /// The composite type of a typed table (`CREATE TABLE ... OF type`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of_type: Option<QualName>,
    /// Parents by (non-partition) inheritance, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inherits: Vec<QualName>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub rls_enabled: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub rls_forced: bool,
    #[serde(default, skip_serializing_if = "ReplicaIdentity::is_default")]
    pub replica_identity: ReplicaIdentity,
    /// Table access method when it is not the default `heap`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_method: Option<String>,
    /// Storage parameters (`fillfactor=70`, ...), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Foreign tables: the server and the table's options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign_server: Option<String>,
    /// Secret-looking options are masked in output (see [`GenericOption`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_options: Vec<GenericOption>,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Privileges::is_default")]
    pub privileges: Privileges,
    pub columns: Vec<Column>,
}

impl Object for Table {
    type Key = QualName;
    fn key(&self) -> QualName {
        QualName::new(&self.schema, &self.name)
    }
}

impl Placed for Table {
    fn place(&self) -> Place<'_> {
        Place::top(Kind::Table, &self.schema, &self.name)
    }
}

impl Table {
    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// What sort of table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    Table,
    Partitioned,
    Foreign,
}

/// `REPLICA IDENTITY` of a table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplicaIdentity {
    #[default]
    Default,
    Nothing,
    Full,
    /// `USING INDEX name`.
    Index(String),
}

impl ReplicaIdentity {
    pub fn is_default(&self) -> bool {
        *self == ReplicaIdentity::Default
    }
}

/// A column of a table or view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    /// 1-based position among the relation's live columns (dropped columns leave no gap).
    pub position: u32,
    /// The type as PostgreSQL formats it, with modifiers (`numeric(12,2)`, `public.mood[]`).
    #[serde(rename = "type")]
    pub type_name: String,
    /// Collation when it is not the type's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_null: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Box<Identity>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<Generated>,
    /// True for a column a child table gets from its parent rather than declares.
    #[serde(default, skip_serializing_if = "is_false")]
    pub inherited: bool,
    /// Storage strategy when it is not the type's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<Storage>,
    /// `COMPRESSION` method when one is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<Compression>,
    /// `SET STATISTICS` target when one is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics: Option<i32>,
    /// Per-column options (`n_distinct=...`), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// A foreign table's column options (`column_name 'id'`), sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_options: Vec<GenericOption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Column-level grants.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub privileges: Vec<Grant>,
}

/// `ALTER COLUMN ... SET STORAGE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Storage {
    Plain,
    External,
    Main,
    Extended,
}

/// `ALTER COLUMN ... SET COMPRESSION`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Compression {
    Pglz,
    Lz4,
}

/// `GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY (...)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub generation: IdentityGeneration,
    pub sequence: SequenceOptions,
    /// The sequence's name, when it is not the one PostgreSQL picks by default
    /// (`<table>_<column>_seq`): kept by a plan (`SEQUENCE NAME`), so that a serial turned
    /// identity keeps its sequence's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_name: Option<String>,
}

impl Identity {
    /// The name of the identity's sequence on `table`.`column`.
    pub fn sequence_name_on(&self, table: &str, column: &str) -> String {
        self.sequence_name
            .clone()
            .unwrap_or_else(|| default_sequence_name(table, column))
    }
}

/// The name PostgreSQL gives the sequence of an identity or serial column when it is free
/// and short enough: `<table>_<column>_seq`.
pub fn default_sequence_name(table: &str, column: &str) -> String {
    format!("{table}_{column}_seq")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityGeneration {
    Always,
    ByDefault,
}

/// `GENERATED ALWAYS AS (expression) { STORED | VIRTUAL }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    pub expression: String,
    pub stored: bool,
}
