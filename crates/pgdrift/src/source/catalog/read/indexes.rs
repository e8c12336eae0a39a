//! Indexes: keys resolved from raw catalog arrays; only expressions and predicates come
//! deparsed from the server. Indexes behind constraints are handed to the constraint reader.

use super::super::nodes::Cache;
use super::super::rows::{col, get};
use super::super::InspectError;
use super::columns::{expression, ExprColumn, RelColumns};
use super::lookup::{Lookups, DEFAULT_COLLATION};
use super::sorted;
use crate::model::{Index, IndexKey, KeyStatistics, QualName};
use std::collections::{BTreeMap, HashMap};
use tokio_postgres::Row;

pub(super) const QUERY: &str = "indexes";
pub(super) const COLS: &[&str] = &[
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
    "statistics",
    "comment",
];

const EXPRESSIONS: ExprColumn = (QUERY, "expressions", col(COLS, "expressions"));
const PREDICATE: ExprColumn = (QUERY, "predicate", col(COLS, "predicate"));

/// `indoption` bits.
const INDOPTION_DESC: i16 = 1;
const INDOPTION_NULLS_FIRST: i16 = 2;

/// An index as read: keys by column number, until the columns are known.
#[derive(Debug)]
pub(crate) struct Raw {
    pub(super) oid: u32,
    rel: u32,
    attnums: Vec<i16>,
    key_count: usize,
    collations: Vec<u32>,
    /// The key expressions, in one text as `pg_get_expr` writes their list.
    expressions: Option<String>,
    /// Its expressions and predicate are for the server to deparse.
    pub(super) server_expr: bool,
    index: Index,
}

impl Raw {
    /// Sets the expressions and predicate the server deparsed.
    pub(super) fn set_expressions(
        &mut self,
        expressions: Option<String>,
        predicate: Option<String>,
    ) {
        self.expressions = expressions;
        self.index.predicate = predicate;
        self.server_expr = false;
    }
}

pub(super) fn decode(row: &Row, lookups: &Lookups, cache: &mut Cache) -> Result<Raw, InspectError> {
    let attnums: Vec<i16> = get!(row, "keys");
    let key_count = (get!(row, "key_count", i16).max(0) as usize).min(attnums.len());
    let opclasses: Vec<u32> = get!(row, "opclasses");
    let options: Vec<i16> = get!(row, "key_options");
    let (expressions, server_exprs) = expression(row, EXPRESSIONS, lookups, cache)?;
    let (predicate, server_pred) = expression(row, PREDICATE, lookups, cache)?;
    let keys = attnums[..key_count]
        .iter()
        .enumerate()
        .map(|(k, &attnum)| {
            let option = options.get(k).copied().unwrap_or(0);
            IndexKey {
                column: None,
                expression: (attnum == 0).then(String::new),
                opclass: lookups.non_default_opclass(opclasses.get(k).copied().unwrap_or(0)),
                collation: None,
                descending: option & INDOPTION_DESC != 0,
                nulls_first: option & INDOPTION_NULLS_FIRST != 0,
            }
        })
        .collect();
    Ok(Raw {
        oid: get!(row, "oid"),
        rel: get!(row, "relid"),
        collations: get!(row, "collations"),
        key_count,
        attnums,
        expressions,
        server_expr: server_exprs || server_pred,
        index: Index {
            schema: get!(row, "schema"),
            name: get!(row, "name"),
            table: get!(row, "table_name"),
            unique: get!(row, "is_unique"),
            method: get!(row, "method"),
            keys,
            include: Vec::new(),
            predicate,
            nulls_not_distinct: get!(row, "nulls_not_distinct"),
            valid: get!(row, "valid"),
            clustered: get!(row, "clustered"),
            options: sorted(get!(row, "options")),
            statistics: key_statistics(get!(row, "statistics")),
            comment: get!(row, "comment"),
        },
    })
}

/// Statistics targets from their column numbers followed by the targets (none: no row).
fn key_statistics(pairs: Option<Vec<i32>>) -> Vec<KeyStatistics> {
    let pairs = pairs.unwrap_or_default();
    let (columns, targets) = pairs.split_at(pairs.len() / 2);
    columns
        .iter()
        .zip(targets)
        .filter_map(|(&column, &target)| {
            let column = u16::try_from(column).ok()?;
            Some(KeyStatistics { column, target })
        })
        .collect()
}

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
        super::keyed(self.by_oid.into_values())
    }
}

/// Names key and included columns, and keeps a key's collation only where it differs from
/// the column's (or, for an expression, the database's default).
pub(super) fn resolve(
    raws: impl IntoIterator<Item = Raw>,
    columns: &RelColumns,
    lookups: &Lookups,
) -> Result<Indexes, InspectError> {
    let raws = raws.into_iter();
    let mut out = Indexes {
        by_oid: HashMap::with_capacity(raws.size_hint().0),
    };
    for mut raw in raws {
        if let Some(text) = &mut raw.expressions {
            columns.name_in_expression(raw.rel, text, lookups)?;
        }
        if let Some(text) = &mut raw.index.predicate {
            columns.name_in_expression(raw.rel, text, lookups)?;
        }
        let mut expressions = raw
            .expressions
            .as_deref()
            .map(split_list)
            .unwrap_or_default()
            .into_iter();
        for key in raw.index.keys.iter_mut() {
            if key.expression.is_some() {
                key.expression = expressions.next();
            }
        }
        for (k, key) in raw.index.keys.iter_mut().enumerate() {
            let attnum = raw.attnums[k];
            let default_collation = if attnum == 0 {
                DEFAULT_COLLATION
            } else {
                key.column = Some(columns.name(raw.rel, attnum)?);
                columns.collation(raw.rel, attnum)
            };
            let collation = raw.collations.get(k).copied().unwrap_or(0);
            if collation != default_collation {
                key.collation = lookups.collation(collation);
            }
        }
        raw.index.include = columns.names(raw.rel, &raw.attnums[raw.key_count..])?;
        out.by_oid.insert(raw.oid, raw.index);
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
