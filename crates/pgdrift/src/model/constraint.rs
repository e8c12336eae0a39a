//! Table constraints: primary keys, unique, check, foreign keys and exclusion constraints.
//! NOT NULL lives on the column; the `NOT NULL` constraint rows PostgreSQL 18 keeps in
//! `pg_constraint` are not repeated here.

use super::kind::{Kind, Place, Placed};
use super::names::{Object, QualName, SubName};
use super::serde_util::{is_false, is_true, yes};
use serde::{Deserialize, Serialize};

/// A constraint on a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Constraint {
    pub schema: String,
    pub table: String,
    pub name: String,
    #[serde(flatten)]
    pub kind: ConstraintKind,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deferrable: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub initially_deferred: bool,
    /// False for a constraint added `NOT VALID` and not validated since.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub validated: bool,
    /// False for a constraint declared `NOT ENFORCED` (PostgreSQL 18).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub enforced: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Object for Constraint {
    type Key = SubName;
    fn key(&self) -> SubName {
        SubName {
            schema: self.schema.clone(),
            table: self.table.clone(),
            name: self.name.clone(),
        }
    }
}

impl Placed for Constraint {
    fn place(&self) -> Place<'_> {
        Place::on(Kind::Constraint, &self.schema, &self.name, &self.table)
    }
}

/// The kind of a constraint with its definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ConstraintKind {
    PrimaryKey {
        columns: Vec<String>,
        #[serde(flatten)]
        index: KeyIndex,
    },
    Unique {
        columns: Vec<String>,
        #[serde(default, skip_serializing_if = "is_false")]
        nulls_not_distinct: bool,
        #[serde(flatten)]
        index: KeyIndex,
    },
    Check {
        expression: String,
        #[serde(default, skip_serializing_if = "is_false")]
        no_inherit: bool,
    },
    ForeignKey {
        columns: Vec<String>,
        references: QualName,
        referenced_columns: Vec<String>,
        #[serde(default, skip_serializing_if = "FkAction::is_default")]
        on_update: FkAction,
        #[serde(default, skip_serializing_if = "FkAction::is_default")]
        on_delete: FkAction,
        /// `ON DELETE SET NULL (cols)` / `SET DEFAULT (cols)` column list (PostgreSQL 15+).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        on_delete_columns: Vec<String>,
        #[serde(default, skip_serializing_if = "FkMatch::is_default")]
        match_type: FkMatch,
        /// `PERIOD` on the last column (PostgreSQL 18 temporal keys).
        #[serde(default, skip_serializing_if = "is_false")]
        period: bool,
    },
    Exclusion {
        /// `EXCLUDE USING ...` as PostgreSQL prints it (its `INCLUDE` and storage
        /// parameters too).
        definition: String,
        /// The comment on its index and whether the table is clustered on it.
        #[serde(flatten)]
        index: KeyIndex,
    },
}

/// What a primary key or unique constraint says about the index that backs it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyIndex {
    /// `INCLUDE (...)` columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// `WITHOUT OVERLAPS` on the last column (PostgreSQL 18 temporal keys).
    #[serde(default, skip_serializing_if = "is_false")]
    pub without_overlaps: bool,
    /// Storage parameters of the index (`WITH (fillfactor=...)`), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub index_options: Vec<String>,
    /// The comment on the index (`COMMENT ON INDEX`), apart from the constraint's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_comment: Option<String>,
    /// The table is clustered on this index (`ALTER TABLE ... CLUSTER ON`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub clustered: bool,
}

/// A foreign key's referential action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    #[default]
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    pub fn is_default(&self) -> bool {
        *self == FkAction::NoAction
    }
}

/// A foreign key's match type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FkMatch {
    #[default]
    Simple,
    Full,
    Partial,
}

impl FkMatch {
    pub fn is_default(&self) -> bool {
        *self == FkMatch::Simple
    }
}
