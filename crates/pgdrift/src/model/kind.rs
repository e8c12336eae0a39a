//! The registry of object kinds: [`with_kinds!`] is the one list of every kind the catalog
//! holds, and everything that must know "all kinds" is generated from it — the [`Kind`] enum
//! and its [`KINDS`] table here, the [`Catalog`](super::Catalog)'s maps and counts, the diff's
//! `Subject` and its walk, the filters' walk, the JSON writer's lists, the plan's graph nodes
//! (whose order is the registry's). A kind is one entry here
//! plus its own module: its model file (the type, its [`Object`](super::Object) key and its
//! [`Placed`] place), its catalog query and reader (`source/catalog`), and its planning
//! (`plan/kinds`), which the compiler asks for through exhaustive matches over `Subject`.

use serde::Serialize;

/// Calls `$then!` with the one list of object kinds, in the order of JSON output, summaries
/// and the diff walk. Keyed kinds are `Variant: catalog_field: Key => ModelType, "singular",
/// "plural", Parent;` (types by their full path, so that every module can expand the list);
/// columns, which live inside their table and are compared by name within it, sit between
/// the two groups. `scripts/check-registry` proves that a new entry builds only with its
/// model type, catalog reader, dependencies and planning.
macro_rules! with_kinds {
    ($then:ident) => {
        $then! {
            [
                Schema: schemas: String => crate::model::Schema, "schema", "schemas", Database;
                Extension: extensions: String => crate::model::Extension, "extension", "extensions", Database;
                Type: types: crate::model::QualName => crate::model::TypeDef, "type", "types", Database;
                Sequence: sequences: crate::model::QualName => crate::model::Sequence, "sequence", "sequences", Database;
                Table: tables: crate::model::QualName => crate::model::Table, "table", "tables", Database;
            ]
            Column: "column", "columns", Table;
            [
                Constraint: constraints: crate::model::SubName => crate::model::Constraint, "constraint", "constraints", Table;
                Index: indexes: crate::model::QualName => crate::model::Index, "index", "indexes", Table;
                View: views: crate::model::QualName => crate::model::View, "view", "views", Database;
                Function: functions: crate::model::Signature => crate::model::Function, "function", "functions", Database;
                Trigger: triggers: crate::model::SubName => crate::model::Trigger, "trigger", "triggers", Table;
                Policy: policies: crate::model::SubName => crate::model::Policy, "policy", "policies", Table;
                Operator: operators: crate::model::Signature => crate::model::Operator, "operator", "operators", Database;
                DefaultPrivilege: default_privileges: crate::model::DefaultPrivilegeKey => crate::model::DefaultPrivilege, "default privilege", "default privileges", Database;
                DatabaseSetting: database_settings: crate::model::SettingKey => crate::model::DatabaseSetting, "database setting", "database settings", Database;
                Rule: rules: crate::model::SubName => crate::model::Rule, "rule", "rules", Table;
                ExtendedStatistics: extended_statistics: crate::model::QualName => crate::model::ExtendedStatistics, "statistics object", "statistics objects", Table;
                Collation: collations: crate::model::QualName => crate::model::Collation, "collation", "collations", Database;
                EventTrigger: event_triggers: String => crate::model::EventTrigger, "event trigger", "event triggers", Database;
                ForeignDataWrapper: foreign_data_wrappers: String => crate::model::ForeignDataWrapper, "foreign data wrapper", "foreign data wrappers", Database;
                ForeignServer: foreign_servers: String => crate::model::ForeignServer, "foreign server", "foreign servers", Database;
                UserMapping: user_mappings: crate::model::MappingKey => crate::model::UserMapping, "user mapping", "user mappings", Database;
                Cast: casts: crate::model::CastKey => crate::model::Cast, "cast", "casts", Database;
                TextSearchDictionary: text_search_dictionaries: crate::model::QualName => crate::model::TextSearchDictionary, "text search dictionary", "text search dictionaries", Database;
                TextSearchConfiguration: text_search_configurations: crate::model::QualName => crate::model::TextSearchConfiguration, "text search configuration", "text search configurations", Database;
                TextSearchTemplate: text_search_templates: crate::model::QualName => crate::model::TextSearchTemplate, "text search template", "text search templates", Database;
                TextSearchParser: text_search_parsers: crate::model::QualName => crate::model::TextSearchParser, "text search parser", "text search parsers", Database;
                Publication: publications: String => crate::model::Publication, "publication", "publications", Database;
                Subscription: subscriptions: String => crate::model::Subscription, "subscription", "subscriptions", Database;
                Language: languages: String => crate::model::Language, "language", "languages", Database;
                Transform: transforms: crate::model::TransformKey => crate::model::Transform, "transform", "transforms", Database;
                Conversion: conversions: crate::model::QualName => crate::model::Conversion, "conversion", "conversions", Database;
                AccessMethod: access_methods: String => crate::model::AccessMethod, "access method", "access methods", Database;
                OperatorFamily: operator_families: crate::model::UsingName => crate::model::OperatorFamily, "operator family", "operator families", Database;
                OperatorClass: operator_classes: crate::model::UsingName => crate::model::OperatorClass, "operator class", "operator classes", Database;
            ]
        }
    };
}
pub(crate) use with_kinds;

/// What an object of a kind belongs to: the database (a schema's member), or a table it lives
/// on and is dropped with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    Database,
    Table,
}

/// What is known about a kind: its name in JSON and in human text.
#[derive(Debug, Clone, Copy)]
pub struct KindInfo {
    pub kind: Kind,
    /// The JSON array that holds objects of this kind (`None` for columns, nested in tables).
    pub json_key: Option<&'static str>,
    /// Singular, for text ("table").
    pub singular: &'static str,
    /// Plural, for text ("tables").
    pub plural: &'static str,
    /// What the object belongs to.
    pub parent: Parent,
}

macro_rules! kind_table {
    (
        [$($a:ident: $af:ident: $ak:ty => $at:ty, $a1:literal, $an:literal, $ap:ident;)*]
        $col:ident: $c1:literal, $cn:literal, $cp:ident;
        [$($b:ident: $bf:ident: $bk:ty => $bt:ty, $b1:literal, $bn:literal, $bp:ident;)*]
    ) => {
        /// Every kind of object the catalog model holds.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Kind {
            $($a,)*
            $col,
            $($b,)*
        }

        /// All kinds, in the order they appear in JSON and in summaries.
        pub const KINDS: &[KindInfo] = &[
            $(KindInfo {
                kind: Kind::$a,
                json_key: Some(stringify!($af)),
                singular: $a1,
                plural: $an,
                parent: Parent::$ap,
            },)*
            KindInfo {
                kind: Kind::$col,
                json_key: None,
                singular: $c1,
                plural: $cn,
                parent: Parent::$cp,
            },
            $(KindInfo {
                kind: Kind::$b,
                json_key: Some(stringify!($bf)),
                singular: $b1,
                plural: $bn,
                parent: Parent::$bp,
            },)*
        ];
    };
}
with_kinds!(kind_table);

impl Kind {
    /// This kind's row in [`KINDS`] (rows are in the enum's order).
    pub fn info(self) -> &'static KindInfo {
        &KINDS[self as usize]
    }
}

/// Where an object lives, as filters and tool-ownership see it: its kind, schema and name,
/// and the table it lives on (constraints, indexes, triggers, policies, columns) or belongs
/// to (a sequence `OWNED BY` a column).
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub kind: Kind,
    /// The schema; a schema's own place has its name here and in `name`.
    pub schema: &'a str,
    pub name: &'a str,
    /// `(schema, table)` of the table the object lives on or belongs to.
    pub table: Option<(&'a str, &'a str)>,
}

impl<'a> Place<'a> {
    /// An object that belongs to its schema alone.
    pub fn top(kind: Kind, schema: &'a str, name: &'a str) -> Self {
        Place {
            kind,
            schema,
            name,
            table: None,
        }
    }

    /// An object that lives on table `schema.table`.
    pub fn on(kind: Kind, schema: &'a str, name: &'a str, table: &'a str) -> Self {
        Place {
            kind,
            schema,
            name,
            table: Some((schema, table)),
        }
    }
}

/// Every keyed kind's model type says where its objects live.
pub trait Placed {
    fn place(&self) -> Place<'_>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_follow_the_enum_and_names_are_unique() {
        for (i, info) in KINDS.iter().enumerate() {
            assert_eq!(info.kind as usize, i);
            assert_eq!(info.kind.info().singular, info.singular);
        }
        let mut names: Vec<&str> = KINDS.iter().map(|k| k.plural).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), KINDS.len());
        assert_eq!(Kind::Column.info().json_key, None);
        assert_eq!(Kind::Policy.info().json_key, Some("policies"));
        assert_eq!(Kind::Index.info().parent, Parent::Table);
    }
}
