//! Table constraints.

use super::super::nodes::Cache;
use super::super::rows::{col, get};
use super::super::InspectError;
use super::columns::RelColumns;
use super::columns::{expression, ExprColumn};
use super::indexes::Indexes;
use super::lookup::Lookups;
use crate::model::{Constraint, ConstraintKind, FkAction, FkMatch, KeyIndex, QualName};
use std::collections::HashMap;
use tokio_postgres::Row;

pub(super) const QUERY: &str = "constraints";
pub(super) const COLS: &[&str] = &[
    "oid",
    "relid",
    "schema",
    "table_name",
    "name",
    "kind",
    "deferrable",
    "deferred",
    "validated",
    "enforced",
    "period",
    "keys",
    "no_inherit",
    "index_oid",
    "ref_relid",
    "ref_keys",
    "ref_elsewhere",
    "on_update",
    "on_delete",
    "match_type",
    "on_delete_columns",
    "check_expr",
    "definition",
    "comment",
];

const CHECK_EXPR: ExprColumn = (QUERY, "check_expr", col(COLS, "check_expr"));

/// A constraint as read: columns by number and the referenced table by OID, until those
/// are known.
#[derive(Debug)]
pub(crate) struct Raw {
    pub(super) oid: u32,
    /// Its check expression is for the server to deparse.
    pub(super) server_expr: bool,
    rel: u32,
    keys: Vec<i16>,
    index_oid: u32,
    /// Referenced relation and columns, when the reader has to name them.
    reference: Option<(u32, Vec<i16>)>,
    on_delete_keys: Vec<i16>,
    constraint: Constraint,
}

impl Raw {
    /// Sets the check expression the server deparsed.
    pub(super) fn set_expression(&mut self, text: String) {
        if let ConstraintKind::Check { expression, .. } = &mut self.constraint.kind {
            *expression = text;
        }
        self.server_expr = false;
    }
}

pub(super) fn decode(row: &Row, lookups: &Lookups, cache: &mut Cache) -> Result<Raw, InspectError> {
    let mut server_expr = false;
    let period: bool = get!(row, "period");
    let key_index = KeyIndex {
        without_overlaps: period,
        ..KeyIndex::default()
    };
    let mut reference = None;
    let kind = match get!(row, "kind", String).as_str() {
        "p" => ConstraintKind::PrimaryKey {
            columns: Vec::new(),
            index: key_index,
        },
        "u" => ConstraintKind::Unique {
            columns: Vec::new(),
            nulls_not_distinct: false,
            index: key_index,
        },
        "c" => {
            let (text, server) = expression(row, CHECK_EXPR, lookups, cache)?;
            server_expr = server;
            ConstraintKind::Check {
                expression: text.unwrap_or_default(),
                no_inherit: get!(row, "no_inherit"),
            }
        }
        "f" => {
            let (references, referenced_columns) =
                match get!(row, "ref_elsewhere", Option<Vec<String>>) {
                    Some(mut names) if names.len() >= 2 => {
                        let rest = names.split_off(2);
                        (QualName::new(names[0].clone(), names[1].clone()), rest)
                    }
                    _ => {
                        let ref_keys: Vec<i16> =
                            get!(row, "ref_keys", Option<Vec<i16>>).unwrap_or_default();
                        reference = Some((get!(row, "ref_relid"), ref_keys));
                        (QualName::new("", ""), Vec::new())
                    }
                };
            ConstraintKind::ForeignKey {
                columns: Vec::new(),
                references,
                referenced_columns,
                on_update: fk_action(&get!(row, "on_update", String)),
                on_delete: fk_action(&get!(row, "on_delete", String)),
                on_delete_columns: Vec::new(),
                match_type: match get!(row, "match_type", String).as_str() {
                    "f" => FkMatch::Full,
                    "p" => FkMatch::Partial,
                    _ => FkMatch::Simple,
                },
                period,
            }
        }
        _ => ConstraintKind::Exclusion {
            definition: get!(row, "definition", Option<String>).unwrap_or_default(),
            index: KeyIndex::default(),
        },
    };
    Ok(Raw {
        oid: get!(row, "oid"),
        server_expr,
        rel: get!(row, "relid"),
        keys: get!(row, "keys", Option<Vec<i16>>).unwrap_or_default(),
        index_oid: get!(row, "index_oid"),
        reference,
        on_delete_keys: get!(row, "on_delete_columns", Option<Vec<i16>>).unwrap_or_default(),
        constraint: Constraint {
            schema: get!(row, "schema"),
            table: get!(row, "table_name"),
            name: get!(row, "name"),
            kind,
            deferrable: get!(row, "deferrable"),
            initially_deferred: get!(row, "deferred"),
            validated: get!(row, "validated"),
            enforced: get!(row, "enforced"),
            comment: get!(row, "comment"),
        },
    })
}

/// A constraint with its columns named, until it takes the index behind it.
#[derive(Debug)]
pub(super) struct Named {
    index_oid: u32,
    constraint: Constraint,
}

/// Names columns and referenced tables.
pub(super) fn name(
    raws: impl IntoIterator<Item = Raw>,
    columns: &RelColumns,
    tables: &HashMap<u32, QualName>,
    lookups: &Lookups,
) -> Result<Vec<Named>, InspectError> {
    let raws = raws.into_iter();
    let mut out = Vec::with_capacity(raws.size_hint().0);
    for named in raws.map(|raw| {
        let Raw {
            oid: _,
            server_expr: _,
            rel,
            keys,
            index_oid,
            reference,
            on_delete_keys,
            mut constraint,
        } = raw;
        match &mut constraint.kind {
            ConstraintKind::PrimaryKey { columns: cols, .. }
            | ConstraintKind::Unique { columns: cols, .. } => {
                *cols = columns.names(rel, &keys)?;
            }
            ConstraintKind::Exclusion { .. } => {}
            ConstraintKind::ForeignKey {
                columns: cols,
                references,
                referenced_columns,
                on_delete_columns,
                ..
            } => {
                *cols = columns.names(rel, &keys)?;
                *on_delete_columns = columns.names(rel, &on_delete_keys)?;
                if let Some((ref_rel, ref_keys)) = reference {
                    *references = tables.get(&ref_rel).cloned().ok_or_else(|| {
                        InspectError::Internal(format!(
                            "foreign key references unknown relation {ref_rel}"
                        ))
                    })?;
                    *referenced_columns = columns.names(ref_rel, &ref_keys)?;
                }
            }
            ConstraintKind::Check { expression, .. } => {
                columns.name_in_expression(rel, expression, lookups)?;
            }
        }
        Ok::<_, InspectError>(Named {
            index_oid,
            constraint,
        })
    }) {
        out.push(named?);
    }
    Ok(out)
}

/// Takes the indexes behind keys and exclusion constraints out of `indexes` (their details
/// go onto the constraint).
pub(super) fn take_indexes(named: Vec<Named>, indexes: &mut Indexes) -> Vec<Constraint> {
    named
        .into_iter()
        .map(
            |Named {
                 index_oid,
                 mut constraint,
             }| {
                let mut take = |key: &mut KeyIndex| {
                    let index = indexes.take(index_oid);
                    if let Some(i) = &index {
                        key.include = i.include.clone();
                        key.index_options = i.options.clone();
                        key.index_comment = i.comment.clone();
                        key.clustered = i.clustered;
                    }
                    index
                };
                match &mut constraint.kind {
                    ConstraintKind::PrimaryKey { index, .. } => {
                        take(index);
                    }
                    ConstraintKind::Unique {
                        nulls_not_distinct,
                        index,
                        ..
                    } => {
                        *nulls_not_distinct = take(index).is_some_and(|i| i.nulls_not_distinct);
                    }
                    ConstraintKind::Exclusion { index, .. } => {
                        // Its INCLUDE and storage parameters are in its definition.
                        if let Some(i) = indexes.take(index_oid) {
                            index.index_comment = i.comment.clone();
                            index.clustered = i.clustered;
                        }
                    }
                    ConstraintKind::ForeignKey { .. } | ConstraintKind::Check { .. } => {}
                }
                constraint
            },
        )
        .collect()
}

fn fk_action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}
