//! The catalog model: typed, normalized, plain data. One ordered map per object kind, keyed
//! by raw qualified names; two catalogs are equal exactly when their schemas are the same.
//! No I/O here, no SQL text, no rendering.

mod constraint;
mod function;
mod index;
mod kind;
mod names;
mod operator;
mod policy;
mod privilege;
mod schema;
mod sequence;
pub(crate) mod serde_util;
mod table;
mod trigger;
mod types;
mod view;

pub use constraint::{Constraint, ConstraintKind, FkAction, FkMatch, KeyIndex};
pub use function::{Aggregate, Function, FunctionKind, Parallel, Volatility};
pub use index::{Index, IndexKey};
pub use kind::{Kind, KindInfo, KINDS};
pub use names::{Object, QualName, Signature, SubName};
pub use operator::Operator;
pub use policy::Policy;
pub use privilege::{privilege_name, Grant, Privileges};
pub use schema::{Extension, Schema};
pub use sequence::{ColumnRef, Sequence, SequenceOptions};
pub use table::{
    Column, Compression, Generated, Identity, IdentityGeneration, ReplicaIdentity, Storage, Table,
    TableKind,
};
pub use trigger::{Trigger, TriggerTiming};
pub use types::{Attribute, DomainCheck, TypeDef, TypeKind};
pub use view::View;

use serde::{Deserialize, Serialize};
use serde_util::as_list;
use std::collections::BTreeMap;

/// The version of the snapshot JSON layout; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// Everything a database (or a description of one) contains, by kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    #[serde(with = "as_list")]
    pub schemas: BTreeMap<String, Schema>,
    #[serde(with = "as_list")]
    pub extensions: BTreeMap<String, Extension>,
    #[serde(with = "as_list")]
    pub types: BTreeMap<QualName, TypeDef>,
    #[serde(with = "as_list")]
    pub sequences: BTreeMap<QualName, Sequence>,
    #[serde(with = "as_list")]
    pub tables: BTreeMap<QualName, Table>,
    #[serde(with = "as_list")]
    pub constraints: BTreeMap<SubName, Constraint>,
    #[serde(with = "as_list")]
    pub indexes: BTreeMap<QualName, Index>,
    #[serde(with = "as_list")]
    pub views: BTreeMap<QualName, View>,
    #[serde(with = "as_list")]
    pub functions: BTreeMap<Signature, Function>,
    #[serde(with = "as_list")]
    pub triggers: BTreeMap<SubName, Trigger>,
    #[serde(with = "as_list")]
    pub policies: BTreeMap<SubName, Policy>,
    #[serde(with = "as_list")]
    pub operators: BTreeMap<Signature, Operator>,
}

impl Catalog {
    /// The roles the catalog grants privileges to or names in policies (not `PUBLIC`),
    /// sorted.
    pub fn role_names(&self) -> Vec<String> {
        let mut out = std::collections::BTreeSet::new();
        let mut privileges = |p: &Privileges| {
            for g in p.granted.iter().chain(&p.revoked) {
                out.insert(g.grantee.clone());
            }
        };
        self.schemas
            .values()
            .for_each(|o| privileges(&o.privileges));
        self.types.values().for_each(|o| privileges(&o.privileges));
        self.sequences
            .values()
            .for_each(|o| privileges(&o.privileges));
        self.tables.values().for_each(|o| privileges(&o.privileges));
        self.views.values().for_each(|o| privileges(&o.privileges));
        self.functions
            .values()
            .for_each(|o| privileges(&o.privileges));
        let columns = self
            .tables
            .values()
            .flat_map(|t| &t.columns)
            .chain(self.views.values().flat_map(|v| &v.columns));
        for c in columns {
            out.extend(c.privileges.iter().map(|g| g.grantee.clone()));
        }
        for p in self.policies.values() {
            out.extend(p.roles.iter().cloned());
        }
        out.remove("PUBLIC");
        out.into_iter().collect()
    }

    /// Number of objects of `kind` in `schema` (all schemas when `None`).
    pub fn count(&self, kind: Kind, schema: Option<&str>) -> usize {
        fn n<'a, T: 'a>(
            it: impl Iterator<Item = &'a T>,
            s: impl Fn(&T) -> &str,
            schema: Option<&str>,
        ) -> usize {
            it.filter(|o| schema.is_none_or(|want| s(o) == want))
                .count()
        }
        match kind {
            Kind::Schema => n(self.schemas.values(), |o| &o.name, schema),
            Kind::Extension => n(self.extensions.values(), |o| &o.schema, schema),
            Kind::Type => n(self.types.values(), |o| &o.schema, schema),
            Kind::Sequence => n(self.sequences.values(), |o| &o.schema, schema),
            Kind::Table => n(self.tables.values(), |o| &o.schema, schema),
            Kind::Column => self
                .tables
                .values()
                .filter(|t| schema.is_none_or(|want| t.schema == want))
                .map(|t| t.columns.len())
                .sum(),
            Kind::Constraint => n(self.constraints.values(), |o| &o.schema, schema),
            Kind::Index => n(self.indexes.values(), |o| &o.schema, schema),
            Kind::View => n(self.views.values(), |o| &o.schema, schema),
            Kind::Function => n(self.functions.values(), |o| &o.schema, schema),
            Kind::Trigger => n(self.triggers.values(), |o| &o.schema, schema),
            Kind::Policy => n(self.policies.values(), |o| &o.schema, schema),
            Kind::Operator => n(self.operators.values(), |o| &o.schema, schema),
        }
    }
}

/// Where a catalog was read from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// The database the catalog was read from.
    pub database: String,
    /// The server's version as it reports it (`16.4`).
    pub server_version: String,
    /// `server_version_num` (`160004`).
    pub server_version_num: u32,
}

/// A catalog with its provenance: what `pgdrift inspect --format json` writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub format_version: u32,
    #[serde(flatten)]
    pub source: SourceInfo,
    #[serde(flatten)]
    pub catalog: Catalog,
}

impl Snapshot {
    pub fn new(source: SourceInfo, catalog: Catalog) -> Self {
        Snapshot {
            format_version: FORMAT_VERSION,
            source,
            catalog,
        }
    }
}
