//! Sequences: stand-alone ones, and the implicit ones of identity columns, whose options are
//! handed to the column reader.

use super::super::acl::privileges;
use super::super::rows::get;
use super::super::InspectError;
use super::columns::{IdentitySequences, RelColumns};
use crate::model::{ColumnRef, Object, QualName, Sequence, SequenceOptions};
use std::collections::{BTreeMap, HashMap};
use tokio_postgres::Row;

pub(super) const QUERY: &str = "sequences";
pub(super) const COLS: &[&str] = &[
    "schema",
    "name",
    "data_type",
    "start",
    "increment",
    "min",
    "max",
    "cache",
    "cycle",
    "unlogged",
    "identity",
    "owned_relid",
    "owned_num",
    "owned_elsewhere",
    "owner",
    "comment",
    "acl",
    "acl_default",
];

/// A sequence as read: stand-alone, or the implicit one of an identity column.
#[derive(Debug)]
pub(crate) enum Raw {
    Identity {
        rel: u32,
        num: i16,
        name: String,
        options: SequenceOptions,
    },
    /// `owner` is the owning column by relation and number when it has yet to be named.
    Standalone {
        sequence: Box<Sequence>,
        owner: Option<(u32, i16)>,
    },
}

pub(super) fn decode(row: &Row) -> Result<Raw, InspectError> {
    let options = SequenceOptions {
        data_type: get!(row, "data_type"),
        start: get!(row, "start"),
        increment: get!(row, "increment"),
        min: get!(row, "min"),
        max: get!(row, "max"),
        cache: get!(row, "cache"),
        cycle: get!(row, "cycle"),
    };
    let owner_rel: Option<u32> = get!(row, "owned_relid");
    let owner_num: Option<i16> = get!(row, "owned_num");
    let owner = owner_rel.zip(owner_num);
    if get!(row, "identity", Option<bool>) == Some(true) {
        if let Some((rel, num)) = owner {
            let name = get!(row, "name");
            return Ok(Raw::Identity {
                rel,
                num,
                name,
                options,
            });
        }
    }
    let owned_by = match get!(row, "owned_elsewhere", Option<Vec<String>>) {
        Some(v) if v.len() == 3 => Some(ColumnRef {
            schema: v[0].clone(),
            table: v[1].clone(),
            column: v[2].clone(),
        }),
        _ => None,
    };
    let owner = if owned_by.is_none() { owner } else { None };
    Ok(Raw::Standalone {
        sequence: Box::new(Sequence {
            schema: get!(row, "schema"),
            name: get!(row, "name"),
            options,
            unlogged: get!(row, "unlogged"),
            owned_by,
            owner: get!(row, "owner"),
            comment: get!(row, "comment"),
            privileges: privileges(get!(row, "acl"), get!(row, "acl_default")),
        }),
        owner,
    })
}

/// Stand-alone sequences, some still waiting for the name of the column that owns them.
#[derive(Debug, Default)]
pub(super) struct Sequences {
    list: Vec<(Sequence, Option<(u32, i16)>)>,
}

/// Splits identity columns' sequences (by relation and column) from stand-alone ones.
pub(super) fn split(raws: impl IntoIterator<Item = Raw>) -> (Sequences, IdentitySequences) {
    let raws = raws.into_iter();
    let mut sequences = Sequences::default();
    let mut identity =
        IdentitySequences::with_capacity_and_hasher(raws.size_hint().0, Default::default());
    for raw in raws {
        match raw {
            Raw::Identity {
                rel,
                num,
                name,
                options,
            } => {
                identity.insert((rel, num), (name, options));
            }
            Raw::Standalone { sequence, owner } => sequences.list.push((*sequence, owner)),
        }
    }
    (sequences, identity)
}

impl Sequences {
    /// Names the owning columns, once columns and tables are known.
    pub(super) fn resolve(
        self,
        columns: &RelColumns,
        tables: &HashMap<u32, QualName>,
    ) -> Result<BTreeMap<QualName, Sequence>, InspectError> {
        let mut out = Vec::with_capacity(self.list.len());
        for (mut seq, owner) in self.list {
            if let Some((rel, num)) = owner {
                let table = tables.get(&rel).ok_or_else(|| {
                    InspectError::Internal(format!(
                        "sequence {} is owned by unknown relation {rel}",
                        seq.key()
                    ))
                })?;
                seq.owned_by = Some(ColumnRef {
                    schema: table.schema.clone(),
                    table: table.name.clone(),
                    column: columns.name(rel, num)?,
                });
            }
            out.push(seq);
        }
        Ok(super::keyed(out))
    }
}
