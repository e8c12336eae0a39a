//! Indexes: keys resolved from raw catalog arrays; only expressions and predicates come
//! deparsed from the server. Indexes behind constraints are handed to the constraint reader.

use super::super::rows::{check_columns, get};
use super::super::InspectError;
use super::columns::RelColumns;
use super::lookup::{Lookups, DEFAULT_COLLATION};
use super::sorted;
use crate::model::{Index, IndexKey, Object, QualName};
use std::collections::{BTreeMap, HashMap};
use tokio_postgres::Row;

const QUERY: &str = "indexes";
const COLS: &[&str] = &[
    "oid",
    "relid",
    "schema",
    "name",
    "table_name",
    "method",
    "is_unique",
    "keys",
    "key_count",
    "opclasses",
    "key_options",
    "collations",
    "expressions",
    "predicate",
    "nulls_not_distinct",
    "valid",
    "clustered",
    "options",
    "comment",
];

/// `indoption` bits.
const INDOPTION_DESC: i16 = 1;
const INDOPTION_NULLS_FIRST: i16 = 2;

/// Indexes by OID, until the constraints that own some of them have taken theirs.
#[derive(Debug, Default)]
pub(super) struct Indexes {
    by_oid: HashMap<u32, Index>,
}

impl Indexes {
    /// Takes the index with OID `oid` (one that backs a constraint).
    pub(super) fn take(&mut self, oid: u32) -> Option<Index> {
        self.by_oid.remove(&oid)
    }

    /// The indexes that stand on their own.
    pub(super) fn into_map(self) -> BTreeMap<QualName, Index> {
        self.by_oid.into_values().map(|i| (i.key(), i)).collect()
    }
}

pub(super) fn read(
    rows: &[Row],
    columns: &RelColumns,
    lookups: &Lookups,
) -> Result<Indexes, InspectError> {
    check_columns(QUERY, rows, COLS)?;
    let mut out = Indexes::default();
    for row in rows {
        let rel: u32 = get!(row, "relid");
        let attnums: Vec<i16> = get!(row, "keys");
        let key_count = (get!(row, "key_count", i16).max(0) as usize).min(attnums.len());
        let opclasses: Vec<u32> = get!(row, "opclasses");
        let options: Vec<i16> = get!(row, "key_options");
        let collations: Vec<u32> = get!(row, "collations");
        let expressions: Option<String> = get!(row, "expressions");
        let mut expressions = expressions
            .as_deref()
            .map(split_list)
            .unwrap_or_default()
            .into_iter();
        let mut keys = Vec::with_capacity(key_count);
        for (k, &attnum) in attnums[..key_count].iter().enumerate() {
            let option = options.get(k).copied().unwrap_or(0);
            let collation = collations.get(k).copied().unwrap_or(0);
            let (column, expression, default_collation) = if attnum == 0 {
                (None, expressions.next(), DEFAULT_COLLATION)
            } else {
                (
                    Some(columns.name(rel, attnum)?),
                    None,
                    columns.collation(rel, attnum),
                )
            };
            keys.push(IndexKey {
                column,
                expression,
                opclass: lookups.non_default_opclass(opclasses.get(k).copied().unwrap_or(0)),
                collation: if collation != default_collation {
                    lookups.collation(collation)
                } else {
                    None
                },
                descending: option & INDOPTION_DESC != 0,
                nulls_first: option & INDOPTION_NULLS_FIRST != 0,
            });
        }
        let index = Index {
            schema: get!(row, "schema"),
            name: get!(row, "name"),
            table: get!(row, "table_name"),
            unique: get!(row, "is_unique"),
            method: get!(row, "method"),
            keys,
            include: columns.names(rel, &attnums[key_count..])?,
            predicate: get!(row, "predicate"),
            nulls_not_distinct: get!(row, "nulls_not_distinct"),
            valid: get!(row, "valid"),
            clustered: get!(row, "clustered"),
            options: sorted(get!(row, "options")),
            comment: get!(row, "comment"),
        };
        out.by_oid.insert(get!(row, "oid"), index);
    }
    Ok(out)
}

/// Splits PostgreSQL's rendering of an expression list (`a, lower(b), (c + 1)`) at its
/// top-level commas: not inside parentheses, brackets, quoted identifiers or literals.
pub(crate) fn split_list(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut parts = Vec::new();
    let (mut depth, mut start, mut i) = (0i32, 0usize, 0usize);
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() {
                    if b[i] == q {
                        if b.get(i + 1) == Some(&q) {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    i += 1;
                }
            }
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b',' if depth == 0 => {
                parts.push(text[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(text[start..].trim().to_string());
    parts
}

#[cfg(test)]
mod tests {
    use super::split_list;

    #[test]
    fn splits_only_at_top_level() {
        assert_eq!(
            split_list("lower(a), (b || ', '::text), \"x,y\", ARRAY[1, 2], c"),
            vec![
                "lower(a)",
                "(b || ', '::text)",
                "\"x,y\"",
                "ARRAY[1, 2]",
                "c"
            ]
        );
        assert_eq!(
            split_list("coalesce(a, 'it''s, ok'::text)"),
            vec!["coalesce(a, 'it''s, ok'::text)"]
        );
    }
}
