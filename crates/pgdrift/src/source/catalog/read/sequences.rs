//! Sequences: stand-alone ones, and the implicit ones of identity columns, whose options are
//! handed to the column reader.

use super::super::acl::privileges;
use super::super::rows::{check_columns, get};
use super::super::InspectError;
use super::columns::{IdentitySequences, RelColumns};
use crate::model::{ColumnRef, Object, QualName, Sequence, SequenceOptions};
use std::collections::{BTreeMap, HashMap};
use tokio_postgres::Row;

const QUERY: &str = "sequences";
const COLS: &[&str] = &[
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

/// Stand-alone sequences, some still waiting for the name of the column that owns them.
#[derive(Debug, Default)]
pub(super) struct Sequences {
    map: BTreeMap<QualName, Sequence>,
    /// (sequence, owning relation, column number) for owners inside what is being read.
    owned: Vec<(QualName, u32, i16)>,
}

impl Sequences {
    /// Names the owning columns, once columns and tables are known.
    pub(super) fn finish(
        mut self,
        columns: &RelColumns,
        tables: &HashMap<u32, QualName>,
    ) -> Result<BTreeMap<QualName, Sequence>, InspectError> {
        for (seq, rel, num) in self.owned {
            let table = tables.get(&rel).ok_or_else(|| {
                InspectError::Internal(format!("sequence {seq} is owned by unknown relation {rel}"))
            })?;
            let column = columns.name(rel, num)?;
            if let Some(s) = self.map.get_mut(&seq) {
                s.owned_by = Some(ColumnRef {
                    schema: table.schema.clone(),
                    table: table.name.clone(),
                    column,
                });
            }
        }
        Ok(self.map)
    }
}

/// Reads sequences; identity columns' sequences go into `identity` instead.
pub(super) fn read(
    rows: &[Row],
    identity: &mut IdentitySequences,
) -> Result<Sequences, InspectError> {
    check_columns(QUERY, rows, COLS)?;
    let mut out = Sequences::default();
    for row in rows {
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
        if get!(row, "identity", Option<bool>) == Some(true) {
            if let (Some(rel), Some(num)) = (owner_rel, owner_num) {
                identity.insert((rel, num), options);
            }
            continue;
        }
        let owned_by = match get!(row, "owned_elsewhere", Option<Vec<String>>) {
            Some(v) if v.len() == 3 => Some(ColumnRef {
                schema: v[0].clone(),
                table: v[1].clone(),
                column: v[2].clone(),
            }),
            _ => None,
        };
        let seq = Sequence {
            schema: get!(row, "schema"),
            name: get!(row, "name"),
            options,
            unlogged: get!(row, "unlogged"),
            owned_by,
            owner: get!(row, "owner"),
            comment: get!(row, "comment"),
            privileges: privileges(
                &get!(row, "acl", Vec<String>),
                &get!(row, "acl_default", Vec<String>),
            ),
        };
        if seq.owned_by.is_none() {
            if let (Some(rel), Some(num)) = (owner_rel, owner_num) {
                out.owned.push((seq.key(), rel, num));
            }
        }
        out.map.insert(seq.key(), seq);
    }
    Ok(out)
}
