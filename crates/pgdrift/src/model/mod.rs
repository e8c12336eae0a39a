//! The catalog model: typed, normalized, plain data. One ordered map per object kind, keyed
//! by raw qualified names; two catalogs are equal exactly when their schemas are the same.
//! No I/O here, no SQL text, no rendering.

mod access_method;
mod cast;
mod collation;
mod constraint;
mod conversion;
mod default_privilege;
mod event_trigger;
mod foreign;
mod function;
mod index;
mod kind;
mod language;
mod names;
mod opclass;
mod operator;
mod options;
mod policy;
mod privilege;
mod publication;
mod rule;
mod schema;
mod sequence;
pub(crate) mod serde_util;
mod setting;
mod statistics;
mod subscription;
mod table;
mod text_search;
mod transform;
mod trigger;
mod types;
mod view;

pub use access_method::AccessMethod;
pub use cast::{Cast, CastFunction, CastKey};
pub use collation::Collation;
pub use constraint::{Constraint, ConstraintKind, FkAction, FkMatch, KeyIndex};
pub use conversion::Conversion;
pub use default_privilege::{DefaultObjects, DefaultPrivilege, DefaultPrivilegeKey};
pub use event_trigger::EventTrigger;
pub use foreign::{ForeignDataWrapper, ForeignServer, MappingKey, UserMapping};
pub use function::{Aggregate, Function, FunctionKind, Parallel, Volatility};
pub use index::{Index, IndexKey, KeyStatistics};
pub(crate) use kind::with_kinds;
pub use kind::{Kind, KindInfo, Parent, Place, Placed, KINDS};
pub use language::Language;
pub use names::{Object, QualName, Signature, SubName};
pub use opclass::{OpFunction, OpOperator, OperatorClass, OperatorFamily, UsingName};
pub use operator::Operator;
pub use options::{parse_options, GenericOption};
pub use policy::Policy;
pub use privilege::{privilege_name, Grant, Privileges};
pub use publication::{Publication, PublishedTable, PUBLISH_OPERATIONS};
pub use rule::Rule;
pub use schema::{Extension, Schema};
pub use sequence::{ColumnRef, Sequence, SequenceOptions};
pub(crate) use setting::secret_digest;
pub use setting::{DatabaseSetting, SettingKey};
pub use statistics::{ExtendedStatistics, ALL_STATISTICS_KINDS};
pub use subscription::Subscription;
pub use table::{
    default_sequence_name, Column, Compression, Generated, Identity, IdentityGeneration,
    ReplicaIdentity, Storage, Table, TableKind,
};
pub use text_search::{
    DictionaryOption, TextSearchConfiguration, TextSearchDictionary, TextSearchParser,
    TextSearchTemplate,
};
pub use transform::{Transform, TransformKey};
pub use trigger::{Trigger, TriggerTiming};
pub use types::{Attribute, DomainCheck, TypeDef, TypeKind};
pub use view::View;

use serde::{Deserialize, Serialize};
use serde_util::as_list;
use std::collections::BTreeMap;

/// The version of the snapshot JSON layout; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

macro_rules! catalog {
    (
        [$($a:ident: $af:ident: $ak:ty => $at:ty, $a1:literal, $an:literal, $ap:ident;)*]
        $col:ident: $c1:literal, $cn:literal, $cp:ident;
        [$($b:ident: $bf:ident: $bk:ty => $bt:ty, $b1:literal, $bn:literal, $bp:ident;)*]
    ) => {
        /// Everything a database (or a description of one) contains, by kind: one ordered map
        /// per keyed kind of the registry ([`with_kinds!`](kind::with_kinds)).
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        pub struct Catalog {
            $(
                #[serde(with = "as_list")]
                pub $af: BTreeMap<$ak, $at>,
            )*
            $(
                #[serde(with = "as_list")]
                pub $bf: BTreeMap<$bk, $bt>,
            )*
        }

        // Every keyed kind's model type knows its key and its place.
        const _: fn() = || {
            fn keyed<T: Object<Key = K> + Placed, K>() {}
            $(keyed::<$at, $ak>();)*
            $(keyed::<$bt, $bk>();)*
        };

        impl Catalog {
            /// Number of objects of `kind` in `schema` (all schemas when `None`).
            pub fn count(&self, kind: Kind, schema: Option<&str>) -> usize {
                fn n<'a, T: Placed + 'a>(
                    it: impl Iterator<Item = &'a T>,
                    schema: Option<&str>,
                ) -> usize {
                    it.filter(|o| schema.is_none_or(|want| o.place().schema == want))
                        .count()
                }
                match kind {
                    $(Kind::$a => n(self.$af.values(), schema),)*
                    Kind::$col => self
                        .tables
                        .values()
                        .filter(|t| schema.is_none_or(|want| t.schema == want))
                        .map(|t| t.columns.len())
                        .sum(),
                    $(Kind::$b => n(self.$bf.values(), schema),)*
                }
            }
        }
    };
}
with_kinds!(catalog);

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
        for d in self.default_privileges.values() {
            out.extend(d.role.iter().cloned());
            let p = &d.privileges;
            out.extend(
                p.granted
                    .iter()
                    .chain(&p.revoked)
                    .map(|g| g.grantee.clone()),
            );
        }
        out.extend(
            self.database_settings
                .values()
                .filter_map(|s| s.role.clone()),
        );
        // A user mapping's `public` is PUBLIC (no role can be called that).
        out.extend(
            self.user_mappings
                .values()
                .map(|m| m.role.clone())
                .filter(|r| r != "public"),
        );
        out.remove("PUBLIC");
        out.into_iter().collect()
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
