//! Tables: ordinary, partitioned and foreign, each with its columns.

use super::super::acl::privileges;
use super::super::rows::get;
use super::super::InspectError;
use super::columns::RelColumns;
use super::sorted;
use crate::model::{
    default_sequence_name, parse_options, Object, QualName, ReplicaIdentity, Table, TableKind,
};
use std::collections::HashMap;
use tokio_postgres::Row;

pub(super) const QUERY: &str = "tables";
pub(super) const COLS: &[&str] = &[
    "oid",
    "schema",
    "name",
    "kind",
    "unlogged",
    "partition_key",
    "is_partition",
    "partition_bound",
    "of_type",
    "parent_schemas",
    "parent_names",
    "rls_enabled",
    "rls_forced",
    "replica_identity",
    "replica_index",
    "access_method",
    "options",
    "foreign_server",
    "foreign_options",
    "owner",
    "comment",
    "acl",
    "acl_default",
];

/// A table and its OID, until it gets its columns.
#[derive(Debug)]
pub(crate) struct Raw {
    oid: u32,
    table: Table,
}

pub(super) fn decode(row: &Row) -> Result<Raw, InspectError> {
    let kind = match get!(row, "kind", String).as_str() {
        "p" => TableKind::Partitioned,
        "f" => TableKind::Foreign,
        _ => TableKind::Table,
    };
    let parents: Vec<QualName> = get!(row, "parent_schemas", Option<Vec<String>>)
        .unwrap_or_default()
        .into_iter()
        .zip(get!(row, "parent_names", Option<Vec<String>>).unwrap_or_default())
        .map(|(s, n)| QualName::new(s, n))
        .collect();
    let is_partition: bool = get!(row, "is_partition");
    let (partition_of, inherits) = if is_partition {
        (parents.into_iter().next(), Vec::new())
    } else {
        (None, parents)
    };
    let replica_identity = match get!(row, "replica_identity", String).as_str() {
        // Foreign tables always say "nothing"; it cannot be changed, so it is no fact.
        "n" if kind == TableKind::Foreign => ReplicaIdentity::Default,
        "n" => ReplicaIdentity::Nothing,
        "f" => ReplicaIdentity::Full,
        "i" => {
            ReplicaIdentity::Index(get!(row, "replica_index", Option<String>).unwrap_or_default())
        }
        _ => ReplicaIdentity::Default,
    };
    let access_method: Option<String> = get!(row, "access_method");
    Ok(Raw {
        oid: get!(row, "oid"),
        table: Table {
            schema: get!(row, "schema"),
            name: get!(row, "name"),
            kind,
            unlogged: get!(row, "unlogged"),
            partition_key: get!(row, "partition_key"),
            partition_of,
            partition_bound: get!(row, "partition_bound"),
            of_type: get!(row, "of_type", Option<Vec<String>>).and_then(|n| match &n[..] {
                [schema, name] => Some(QualName::new(schema, name)),
                _ => None,
            }),
            inherits,
            rls_enabled: get!(row, "rls_enabled"),
            rls_forced: get!(row, "rls_forced"),
            replica_identity,
            access_method: access_method.filter(|m| m != "heap"),
            options: sorted(get!(row, "options")),
            foreign_server: get!(row, "foreign_server"),
            foreign_options: parse_options(get!(row, "foreign_options")),
            owner: get!(row, "owner"),
            comment: get!(row, "comment"),
            privileges: privileges(get!(row, "acl"), get!(row, "acl_default")),
            columns: Vec::new(),
        },
    })
}

/// Table names by OID, for readers that refer to tables (foreign keys, sequence owners).
pub(super) fn names(raws: &super::Chunked<Raw>) -> HashMap<u32, QualName> {
    raws.iter().map(|r| (r.oid, r.table.key())).collect()
}

/// Gives every table its columns.
pub(super) fn attach(raws: impl IntoIterator<Item = Raw>, columns: &mut RelColumns) -> Vec<Table> {
    raws.into_iter()
        .map(|mut r| {
            r.table.columns = columns.take(r.oid);
            // An identity's sequence of the default name is not named in the model.
            for c in &mut r.table.columns {
                if let Some(identity) = &mut c.identity {
                    let default = default_sequence_name(&r.table.name, &c.name);
                    if identity.sequence_name.as_deref() == Some(default.as_str()) {
                        identity.sequence_name = None;
                    }
                }
            }
            r.table
        })
        .collect()
}
