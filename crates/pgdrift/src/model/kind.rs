//! The table of object kinds: one row per kind the catalog holds, which summaries and
//! reports iterate. It is not yet the only place a kind is declared: a kind also has its
//! model file, its catalog query and reader (`source/catalog`), a `diff::Subject` variant
//! and a call in the diff walk (`diff`), its place in the filters (`diff::filter`), the
//! planner's nodes and DDL (`plan`) and its list in the JSON writer (`report/json.rs`).

use serde::Serialize;

/// Every kind of object the catalog model holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Schema,
    Extension,
    Type,
    Sequence,
    Table,
    Column,
    Constraint,
    Index,
    View,
    Function,
    Trigger,
    Policy,
    Operator,
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
}

/// All kinds, in the order they appear in JSON and in summaries.
pub const KINDS: &[KindInfo] = &[
    KindInfo {
        kind: Kind::Schema,
        json_key: Some("schemas"),
        singular: "schema",
        plural: "schemas",
    },
    KindInfo {
        kind: Kind::Extension,
        json_key: Some("extensions"),
        singular: "extension",
        plural: "extensions",
    },
    KindInfo {
        kind: Kind::Type,
        json_key: Some("types"),
        singular: "type",
        plural: "types",
    },
    KindInfo {
        kind: Kind::Sequence,
        json_key: Some("sequences"),
        singular: "sequence",
        plural: "sequences",
    },
    KindInfo {
        kind: Kind::Table,
        json_key: Some("tables"),
        singular: "table",
        plural: "tables",
    },
    KindInfo {
        kind: Kind::Column,
        json_key: None,
        singular: "column",
        plural: "columns",
    },
    KindInfo {
        kind: Kind::Constraint,
        json_key: Some("constraints"),
        singular: "constraint",
        plural: "constraints",
    },
    KindInfo {
        kind: Kind::Index,
        json_key: Some("indexes"),
        singular: "index",
        plural: "indexes",
    },
    KindInfo {
        kind: Kind::View,
        json_key: Some("views"),
        singular: "view",
        plural: "views",
    },
    KindInfo {
        kind: Kind::Function,
        json_key: Some("functions"),
        singular: "function",
        plural: "functions",
    },
    KindInfo {
        kind: Kind::Trigger,
        json_key: Some("triggers"),
        singular: "trigger",
        plural: "triggers",
    },
    KindInfo {
        kind: Kind::Policy,
        json_key: Some("policies"),
        singular: "policy",
        plural: "policies",
    },
    KindInfo {
        kind: Kind::Operator,
        json_key: Some("operators"),
        singular: "operator",
        plural: "operators",
    },
];

impl Kind {
    /// This kind's row in [`KINDS`].
    pub fn info(self) -> &'static KindInfo {
        KINDS
            .iter()
            .find(|k| k.kind == self)
            .expect("every kind has a row in KINDS")
    }
}
