//! Columns of every relation, grouped by relation and numbered by position, with their
//! defaults or generation expressions (read apart, in `defaults`) put on them.

use super::super::acl::column_grants;
use super::super::nodes::{fill_columns, has_column_markers, Cache, Names};
use super::super::rows::get;
use super::super::InspectError;
use super::defaults;
use super::lookup::Lookups;
use super::sorted;
use super::Chunked;
use crate::model::{
    parse_options, Column, Compression, Generated, Identity, IdentityGeneration, SequenceOptions,
    Storage,
};
use rustc_hash::FxHashMap;
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
    "identity",
    "generated",
    "inherited",
    "storage",
    "compression",
    "statistics",
    "options",
    "foreign_options",
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

impl Rel {
    fn with_capacity(n: usize) -> Rel {
        Rel {
            nums: Vec::with_capacity(n),
            collations: Vec::with_capacity(n),
            columns: Vec::with_capacity(n),
        }
    }
}

/// Columns by relation OID.
#[derive(Debug, Default)]
pub(super) struct RelColumns {
    by_rel: FxHashMap<u32, Rel>,
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

    /// Replaces the column markers in `text`, an expression on relation `rel`.
    pub(super) fn name_in_expression(
        &self,
        rel: u32,
        text: &mut String,
        lookups: &Lookups,
    ) -> Result<(), InspectError> {
        let Some(names) = &lookups.names else {
            return Ok(());
        };
        if !has_column_markers(text) {
            return Ok(());
        }
        let r = self.by_rel.get(&rel);
        *text = fill_columns(text, names, |n| {
            let r = r?;
            r.nums
                .binary_search(&n)
                .ok()
                .map(|i| r.columns[i].name.as_str())
        })
        .ok_or_else(|| {
            InspectError::Internal(format!(
                "an expression on relation {rel} names an unknown column"
            ))
        })?;
        Ok(())
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
/// Identity columns' sequences, by relation and column number: name and options.
pub(super) type IdentitySequences = FxHashMap<(u32, i16), (String, SequenceOptions)>;

/// A column as read, until it is grouped with its relation's other columns.
#[derive(Debug)]
pub(crate) struct Raw {
    rel: u32,
    col: Col,
    identity: Option<IdentityGeneration>,
}

/// A column as read; its default or generation expression comes apart (`defaults`).
pub(super) fn decode(row: &Row, lookups: &Lookups) -> Result<Raw, InspectError> {
    let collation: u32 = get!(row, "collation");
    let type_collation: u32 = get!(row, "type_collation");
    let generated = get!(row, "generated", Option<&str>).map(|kind| Generated {
        expression: String::new(),
        stored: kind == "s",
    });
    let identity = get!(row, "identity", Option<&str>).map(|kind| match kind {
        "a" => IdentityGeneration::Always,
        _ => IdentityGeneration::ByDefault,
    });
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
        default: None,
        identity: None,
        generated,
        inherited: get!(row, "inherited"),
        storage: storage.as_deref().and_then(storage_kind),
        compression: compression.as_deref().and_then(compression_kind),
        statistics: get!(row, "statistics"),
        options: sorted(get!(row, "options")),
        foreign_options: parse_options(get!(row, "foreign_options")),
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

/// A stored expression as the query returned it: deparsed here when the client deparses
/// (else already by the server); `true` when the server must deparse it after all.
pub(super) fn expression(
    row: &Row,
    (query, column, index): (&'static str, &'static str, usize),
    lookups: &Lookups,
    cache: &mut Cache,
) -> Result<(Option<String>, bool), InspectError> {
    let value: Option<&str> = row.try_get(index).map_err(|e| InspectError::Decode {
        query,
        column,
        reason: e.to_string(),
    })?;
    Ok(match (value, &lookups.names) {
        (Some(tree), Some(names)) => match cache.deparse(tree, names) {
            Some(text) => (Some(text), false),
            None => (Some(String::new()), true),
        },
        (value, _) => (value.map(str::to_string), false),
    })
}

/// Where a query's stored-expression column is: query, column name and position.
pub(super) type ExprColumn = (&'static str, &'static str, usize);

/// Groups columns by relation in attribute-number order, numbers their positions, and puts
/// their defaults or generation expressions and identity columns' sequence options on them.
pub(super) fn group(
    raws: Chunked<Raw>,
    defaults: impl IntoIterator<Item = defaults::Raw>,
    mut identity_sequences: IdentitySequences,
    lookups: &Lookups,
) -> Result<RelColumns, InspectError> {
    // Each relation's lists are allocated once, at their final size, counted first.
    let mut counts: FxHashMap<u32, usize> = FxHashMap::default();
    for raw in raws.iter() {
        *counts.entry(raw.rel).or_default() += 1;
    }
    let mut out = RelColumns {
        by_rel: counts
            .into_iter()
            .map(|(rel, n)| (rel, Rel::with_capacity(n)))
            .collect(),
    };
    for mut raw in raws {
        if let Some(generation) = raw.identity {
            let (name, sequence) = identity_sequences
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
                sequence_name: Some(name),
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
    for d in defaults {
        let column = out
            .by_rel
            .get_mut(&d.rel)
            .and_then(|r| Some(&mut r.columns[r.nums.binary_search(&d.num).ok()?]))
            .ok_or_else(|| {
                InspectError::Internal(format!(
                    "relation {} has a default for column {}, which was not read",
                    d.rel, d.num
                ))
            })?;
        match &mut column.generated {
            Some(g) => g.expression = d.expression,
            None => column.default = Some(d.expression),
        }
    }
    if let Some(names) = &lookups.names {
        for (rel_oid, rel) in out.by_rel.iter_mut() {
            name_columns_in_expressions(*rel_oid, rel, names)?;
        }
    }
    Ok(out)
}

/// Replaces the column markers in a relation's default and generation expressions.
fn name_columns_in_expressions(
    rel_oid: u32,
    rel: &mut Rel,
    names: &Names,
) -> Result<(), InspectError> {
    let marked = |c: &Column| {
        c.default.as_deref().is_some_and(has_column_markers)
            || c.generated
                .as_ref()
                .is_some_and(|g| has_column_markers(&g.expression))
    };
    if !rel.columns.iter().any(marked) {
        return Ok(());
    }
    let column_names: Vec<String> = rel.columns.iter().map(|c| c.name.clone()).collect();
    let nums = &rel.nums;
    let fill = |text: &mut String| -> Result<(), InspectError> {
        if has_column_markers(text) {
            *text = fill_columns(text, names, |n| {
                nums.binary_search(&n)
                    .ok()
                    .map(|i| column_names[i].as_str())
            })
            .ok_or_else(|| {
                InspectError::Internal(format!(
                    "an expression of relation {rel_oid} names an unknown column"
                ))
            })?;
        }
        Ok(())
    };
    for c in &mut rel.columns {
        if let Some(d) = &mut c.default {
            fill(d)?;
        }
        if let Some(g) = &mut c.generated {
            fill(&mut g.expression)?;
        }
    }
    Ok(())
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
