//! Table constraints.

use super::super::rows::{check_columns, get};
use super::super::InspectError;
use super::columns::RelColumns;
use super::indexes::Indexes;
use crate::model::{
    Constraint, ConstraintKind, FkAction, FkMatch, Index, KeyIndex, Object, QualName, SubName,
};
use std::collections::{BTreeMap, HashMap};
use tokio_postgres::Row;

const QUERY: &str = "constraints";
const COLS: &[&str] = &[
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

/// Reads constraints, taking the indexes behind keys and exclusion constraints out of
/// `indexes`; `tables` names referenced tables by OID.
pub(super) fn read(
    rows: &[Row],
    columns: &RelColumns,
    indexes: &mut Indexes,
    tables: &HashMap<u32, QualName>,
) -> Result<BTreeMap<SubName, Constraint>, InspectError> {
    check_columns(QUERY, rows, COLS)?;
    let mut out = BTreeMap::new();
    for row in rows {
        let rel: u32 = get!(row, "relid");
        let keys: Vec<i16> = get!(row, "keys", Option<Vec<i16>>).unwrap_or_default();
        let period: bool = get!(row, "period");
        let kind_code: String = get!(row, "kind");
        let index = match kind_code.as_str() {
            "p" | "u" | "x" => indexes.take(get!(row, "index_oid")),
            _ => None,
        };
        let key_index = |index: &Option<Index>| KeyIndex {
            include: index
                .as_ref()
                .map(|i| i.include.clone())
                .unwrap_or_default(),
            without_overlaps: period,
            index_options: index
                .as_ref()
                .map(|i| i.options.clone())
                .unwrap_or_default(),
        };
        let kind = match kind_code.as_str() {
            "p" => ConstraintKind::PrimaryKey {
                columns: columns.names(rel, &keys)?,
                index: key_index(&index),
            },
            "u" => ConstraintKind::Unique {
                columns: columns.names(rel, &keys)?,
                nulls_not_distinct: index.as_ref().is_some_and(|i| i.nulls_not_distinct),
                index: key_index(&index),
            },
            "c" => ConstraintKind::Check {
                expression: get!(row, "check_expr", Option<String>).unwrap_or_default(),
                no_inherit: get!(row, "no_inherit"),
            },
            "f" => {
                let (references, referenced_columns) =
                    match get!(row, "ref_elsewhere", Option<Vec<String>>) {
                        Some(mut names) if names.len() >= 2 => {
                            let rest = names.split_off(2);
                            (QualName::new(names[0].clone(), names[1].clone()), rest)
                        }
                        _ => {
                            let ref_rel: u32 = get!(row, "ref_relid");
                            let table = tables.get(&ref_rel).cloned().ok_or_else(|| {
                                InspectError::Internal(format!(
                                    "foreign key references unknown relation {ref_rel}"
                                ))
                            })?;
                            let ref_keys: Vec<i16> =
                                get!(row, "ref_keys", Option<Vec<i16>>).unwrap_or_default();
                            (table, columns.names(ref_rel, &ref_keys)?)
                        }
                    };
                ConstraintKind::ForeignKey {
                    columns: columns.names(rel, &keys)?,
                    references,
                    referenced_columns,
                    on_update: fk_action(&get!(row, "on_update", String)),
                    on_delete: fk_action(&get!(row, "on_delete", String)),
                    on_delete_columns: columns.names(
                        rel,
                        &get!(row, "on_delete_columns", Option<Vec<i16>>).unwrap_or_default(),
                    )?,
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
            },
        };
        let constraint = Constraint {
            schema: get!(row, "schema"),
            table: get!(row, "table_name"),
            name: get!(row, "name"),
            kind,
            deferrable: get!(row, "deferrable"),
            initially_deferred: get!(row, "deferred"),
            validated: get!(row, "validated"),
            enforced: get!(row, "enforced"),
            comment: get!(row, "comment"),
        };
        out.insert(constraint.key(), constraint);
    }
    Ok(out)
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
