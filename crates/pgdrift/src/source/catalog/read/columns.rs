//! Columns of every relation, grouped by relation and numbered by position.

use super::super::acl::column_grants;
use super::super::rows::{check_columns, get};
use super::super::InspectError;
use super::lookup::Lookups;
use super::sorted;
use crate::model::{Column, Generated, Identity, IdentityGeneration, SequenceOptions};
use std::collections::HashMap;
use tokio_postgres::Row;

const QUERY: &str = "columns";
const COLS: &[&str] = &[
    "relid",
    "num",
    "name",
    "type_name",
    "collation",
    "type_collation",
    "not_null",
    "default_expr",
    "identity",
    "generated",
    "inherited",
    "storage",
    "compression",
    "statistics",
    "options",
    "comment",
    "acl",
];

/// A column with what other readers need to know about it.
#[derive(Debug)]
pub(super) struct Col {
    pub num: i16,
    pub collation: u32,
    pub column: Column,
}

/// Columns by relation OID, in attribute-number order.
#[derive(Debug, Default)]
pub(super) struct RelColumns {
    by_rel: HashMap<u32, Vec<Col>>,
}

impl RelColumns {
    /// The name of column `num` of relation `rel`.
    pub(super) fn name(&self, rel: u32, num: i16) -> Result<String, InspectError> {
        self.find(rel, num)
            .map(|c| c.column.name.clone())
            .ok_or_else(|| InspectError::Internal(format!("no column {num} in relation {rel}")))
    }

    /// The names of columns `nums` of relation `rel`.
    pub(super) fn names(&self, rel: u32, nums: &[i16]) -> Result<Vec<String>, InspectError> {
        nums.iter().map(|n| self.name(rel, *n)).collect()
    }

    /// The collation OID of column `num` of relation `rel` (0 when not collatable).
    pub(super) fn collation(&self, rel: u32, num: i16) -> u32 {
        self.find(rel, num).map_or(0, |c| c.collation)
    }

    fn find(&self, rel: u32, num: i16) -> Option<&Col> {
        let cols = self.by_rel.get(&rel)?;
        cols.binary_search_by_key(&num, |c| c.num)
            .ok()
            .map(|i| &cols[i])
    }

    /// Takes relation `rel`'s columns out (for its table or view).
    pub(super) fn take(&mut self, rel: u32) -> Vec<Column> {
        self.by_rel
            .remove(&rel)
            .map(|cols| cols.into_iter().map(|c| c.column).collect())
            .unwrap_or_default()
    }
}

/// Identity columns' sequence options by (relation, column number).
pub(super) type IdentitySequences = HashMap<(u32, i16), SequenceOptions>;

pub(super) fn read(
    rows: &[Row],
    lookups: &Lookups,
    identity_sequences: &mut IdentitySequences,
) -> Result<RelColumns, InspectError> {
    check_columns(QUERY, rows, COLS)?;
    let mut out = RelColumns::default();
    for row in rows {
        let rel: u32 = get!(row, "relid");
        let num: i16 = get!(row, "num");
        let collation: u32 = get!(row, "collation");
        let type_collation: u32 = get!(row, "type_collation");
        let identity: String = get!(row, "identity");
        let generated: String = get!(row, "generated");
        let default: Option<String> = get!(row, "default_expr");
        let (default, generated) = match generated.as_str() {
            "" => (default, None),
            kind => (
                None,
                Some(Generated {
                    expression: default.unwrap_or_default(),
                    stored: kind == "s",
                }),
            ),
        };
        let identity = match identity.as_str() {
            "" => None,
            kind => Some(Identity {
                generation: if kind == "a" {
                    IdentityGeneration::Always
                } else {
                    IdentityGeneration::ByDefault
                },
                sequence: identity_sequences.remove(&(rel, num)).ok_or_else(|| {
                    InspectError::Internal(format!(
                        "identity column {num} of relation {rel} has no sequence"
                    ))
                })?,
            }),
        };
        let storage: Option<String> = get!(row, "storage");
        let compression: Option<String> = get!(row, "compression");
        let column = Column {
            name: get!(row, "name"),
            position: 0,
            type_name: get!(row, "type_name"),
            collation: if collation != type_collation {
                lookups.collation(collation)
            } else {
                None
            },
            not_null: get!(row, "not_null"),
            default,
            identity,
            generated,
            inherited: get!(row, "inherited"),
            storage: storage.map(|s| storage_name(&s).to_string()),
            compression: compression.map(|c| compression_name(&c).to_string()),
            statistics: get!(row, "statistics"),
            options: sorted(get!(row, "options")),
            comment: get!(row, "comment"),
            privileges: column_grants(&get!(row, "acl", Option<Vec<String>>).unwrap_or_default()),
        };
        out.by_rel.entry(rel).or_default().push(Col {
            num,
            collation,
            column,
        });
    }
    for cols in out.by_rel.values_mut() {
        cols.sort_by_key(|c| c.num);
        for (i, c) in cols.iter_mut().enumerate() {
            c.column.position = i as u32 + 1;
        }
    }
    Ok(out)
}

fn storage_name(code: &str) -> &str {
    match code {
        "p" => "plain",
        "e" => "external",
        "m" => "main",
        "x" => "extended",
        other => other,
    }
}

fn compression_name(code: &str) -> &str {
    match code {
        "p" => "pglz",
        "l" => "lz4",
        other => other,
    }
}
