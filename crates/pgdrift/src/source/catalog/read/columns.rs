//! Columns of every relation, grouped by relation and numbered by position.

use super::super::acl::column_grants;
use super::super::rows::get;
use super::super::InspectError;
use super::lookup::Lookups;
use super::sorted;
use crate::model::{
    Column, Compression, Generated, Identity, IdentityGeneration, SequenceOptions, Storage,
};
use std::collections::HashMap;
use tokio_postgres::Row;

pub(super) const QUERY: &str = "columns";
pub(super) const COLS: &[&str] = &[
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

/// One relation's columns in attribute-number order, with their numbers and collations.
#[derive(Debug, Default)]
struct Rel {
    nums: Vec<i16>,
    collations: Vec<u32>,
    columns: Vec<Column>,
}

/// Columns by relation OID.
#[derive(Debug, Default)]
pub(super) struct RelColumns {
    by_rel: HashMap<u32, Rel>,
}

impl RelColumns {
    /// The name of column `num` of relation `rel`.
    pub(super) fn name(&self, rel: u32, num: i16) -> Result<String, InspectError> {
        self.find(rel, num)
            .map(|(r, i)| r.columns[i].name.clone())
            .ok_or_else(|| InspectError::Internal(format!("no column {num} in relation {rel}")))
    }

    /// The names of columns `nums` of relation `rel`.
    pub(super) fn names(&self, rel: u32, nums: &[i16]) -> Result<Vec<String>, InspectError> {
        nums.iter().map(|n| self.name(rel, *n)).collect()
    }

    /// The collation OID of column `num` of relation `rel` (0 when not collatable).
    pub(super) fn collation(&self, rel: u32, num: i16) -> u32 {
        self.find(rel, num).map_or(0, |(r, i)| r.collations[i])
    }

    fn find(&self, rel: u32, num: i16) -> Option<(&Rel, usize)> {
        let r = self.by_rel.get(&rel)?;
        r.nums.binary_search(&num).ok().map(|i| (r, i))
    }

    /// Takes relation `rel`'s columns out (for its table or view).
    pub(super) fn take(&mut self, rel: u32) -> Vec<Column> {
        self.by_rel
            .remove(&rel)
            .map(|r| r.columns)
            .unwrap_or_default()
    }
}

/// Identity columns' sequence options by (relation, column number).
pub(super) type IdentitySequences = HashMap<(u32, i16), SequenceOptions>;

/// A column as read, until it is grouped with its relation's other columns.
#[derive(Debug)]
pub(crate) struct Raw {
    rel: u32,
    col: Col,
    identity: Option<IdentityGeneration>,
}

pub(super) fn decode(row: &Row, lookups: &Lookups) -> Result<Raw, InspectError> {
    let collation: u32 = get!(row, "collation");
    let type_collation: u32 = get!(row, "type_collation");
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
    let identity = match get!(row, "identity", String).as_str() {
        "" => None,
        "a" => Some(IdentityGeneration::Always),
        _ => Some(IdentityGeneration::ByDefault),
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
        identity: None,
        generated,
        inherited: get!(row, "inherited"),
        storage: storage.as_deref().and_then(storage_kind),
        compression: compression.as_deref().and_then(compression_kind),
        statistics: get!(row, "statistics"),
        options: sorted(get!(row, "options")),
        comment: get!(row, "comment"),
        privileges: column_grants(&get!(row, "acl", Option<Vec<String>>).unwrap_or_default()),
    };
    Ok(Raw {
        rel: get!(row, "relid"),
        col: Col {
            num: get!(row, "num"),
            collation,
            column,
        },
        identity,
    })
}

/// Groups columns by relation in attribute-number order, numbers their positions, and puts
/// identity columns' sequence options on them.
pub(super) fn group(
    raws: impl IntoIterator<Item = Raw>,
    mut identity_sequences: IdentitySequences,
) -> Result<RelColumns, InspectError> {
    let mut out = RelColumns::default();
    for mut raw in raws {
        if let Some(generation) = raw.identity {
            let sequence = identity_sequences
                .remove(&(raw.rel, raw.col.num))
                .ok_or_else(|| {
                    InspectError::Internal(format!(
                        "identity column {} of relation {} has no sequence",
                        raw.col.num, raw.rel
                    ))
                })?;
            raw.col.column.identity = Some(Box::new(Identity {
                generation,
                sequence,
            }));
        }
        let rel = out.by_rel.entry(raw.rel).or_default();
        rel.nums.push(raw.col.num);
        rel.collations.push(raw.col.collation);
        rel.columns.push(raw.col.column);
    }
    for rel in out.by_rel.values_mut() {
        if !rel.nums.is_sorted() {
            let mut order: Vec<usize> = (0..rel.nums.len()).collect();
            order.sort_by_key(|&i| rel.nums[i]);
            rel.nums = order.iter().map(|&i| rel.nums[i]).collect();
            rel.collations = order.iter().map(|&i| rel.collations[i]).collect();
            let mut slots: Vec<Option<Column>> = std::mem::take(&mut rel.columns)
                .into_iter()
                .map(Some)
                .collect();
            rel.columns = order.iter().filter_map(|&i| slots[i].take()).collect();
        }
        for (i, c) in rel.columns.iter_mut().enumerate() {
            c.position = i as u32 + 1;
        }
    }
    Ok(out)
}

fn storage_kind(code: &str) -> Option<Storage> {
    match code {
        "p" => Some(Storage::Plain),
        "e" => Some(Storage::External),
        "m" => Some(Storage::Main),
        "x" => Some(Storage::Extended),
        _ => None,
    }
}

fn compression_kind(code: &str) -> Option<Compression> {
    match code {
        "p" => Some(Compression::Pglz),
        "l" => Some(Compression::Lz4),
        _ => None,
    }
}
