//! The live database's statistics the statistics rules read — index scans and the window
//! they cover, sequences' positions with the columns they feed, the planner's row estimates
//! — one query each, on the lint's own read-only session; and those rules: unused indexes
//! (PL204), sequences near their maximum (PL401), integer keys near their limit (PL505).

use super::{Checker, RuleId, Subject};
use crate::model::QualName;
use crate::pg::Connection;
use crate::report::finding::ObjectRef;
use crate::sql::{Ident, QualIdent};
use std::collections::HashMap;

const INDEX_SCANS: &str = include_str!("queries/index_scans.sql");
const SEQUENCES: &str = include_str!("queries/sequences.sql");
const TABLE_ROWS: &str = include_str!("queries/table_rows.sql");

/// One sequence's state.
#[derive(Debug, Clone, PartialEq)]
pub struct SequenceState {
    pub data_type: String,
    pub min: i64,
    pub max: i64,
    pub increment: i64,
    /// `None` when never used, or not readable by the role.
    pub last_value: Option<i64>,
    /// The column that owns it (serial or identity), with the column's type.
    pub column: Option<(QualName, String, String)>,
}

/// What the statistics rules read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Statistics {
    /// Scans per index.
    pub index_scans: HashMap<QualName, i64>,
    /// Days the statistics cover.
    pub window_days: f64,
    pub sequences: HashMap<QualName, SequenceState>,
    /// The planner's estimate (negative: never analyzed).
    pub table_rows: HashMap<QualName, f64>,
    /// Why the sequences could not be read, when they could not.
    pub sequences_unread: Option<String>,
}

impl Statistics {
    /// The estimated rows of `table`, when analyzed.
    pub fn rows(&self, table: &QualName) -> Option<f64> {
        self.table_rows.get(table).copied().filter(|r| *r >= 0.0)
    }
}

/// Reads the statistics of the database `conn` is connected to, in a read-only transaction
/// of its own. The sequences come last: when one is locked by another session past
/// `lock_timeout`, the rules that need them are skipped and the rest still runs.
pub async fn read(conn: &Connection) -> Result<Statistics, tokio_postgres::Error> {
    let c = &conn.client;
    c.batch_execute(
        "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET LOCAL lock_timeout = '2s'",
    )
    .await?;
    let result = read_in_transaction(conn).await;
    let _ = c.batch_execute("ROLLBACK").await;
    result
}

async fn read_in_transaction(conn: &Connection) -> Result<Statistics, tokio_postgres::Error> {
    let c = &conn.client;
    let (scans, rows) =
        futures_util::future::try_join(c.query(INDEX_SCANS, &[]), c.query(TABLE_ROWS, &[])).await?;
    let mut out = Statistics::default();
    for r in &scans {
        let name = QualName::new(r.get::<_, String>(0), r.get::<_, String>(1));
        out.index_scans.insert(name, r.get::<_, i64>(2));
        out.window_days = r.get::<_, Option<f64>>(3).unwrap_or(0.0);
    }
    let seqs = match c.query(SEQUENCES, &[]).await {
        Ok(rows) => rows,
        Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::LOCK_NOT_AVAILABLE) => {
            out.sequences_unread = Some(format!(
                "a sequence is locked by another session ({})",
                e.as_db_error()
                    .map_or(String::new(), |d| d.message().to_string())
            ));
            Vec::new()
        }
        Err(e) => return Err(e),
    };
    for r in &seqs {
        let column = match (r.get::<_, Option<String>>(7), r.get::<_, Option<String>>(8)) {
            (Some(s), Some(t)) => Some((
                QualName::new(s, t),
                r.get::<_, Option<String>>(9).unwrap_or_default(),
                r.get::<_, Option<String>>(10).unwrap_or_default(),
            )),
            _ => None,
        };
        out.sequences.insert(
            QualName::new(r.get::<_, String>(0), r.get::<_, String>(1)),
            SequenceState {
                data_type: r.get(2),
                min: r.get(3),
                max: r.get(4),
                increment: r.get(5),
                last_value: r.get(6),
                column,
            },
        );
    }
    for r in &rows {
        out.table_rows.insert(
            QualName::new(r.get::<_, String>(0), r.get::<_, String>(1)),
            r.get(2),
        );
    }
    Ok(out)
}

/// The statistics rules.
pub(crate) fn run(c: &mut Checker<'_>, s: &Statistics) {
    unused_indexes(c, s);
    sequences(c, s);
}

fn unused_indexes(c: &mut Checker<'_>, s: &Statistics) {
    if !c.on(RuleId::UnusedIndex) || s.window_days < c.options.unused_index_days {
        return;
    }
    let cat = c.cat;
    for (name, index) in &cat.indexes {
        if index.unique || !index.valid || s.index_scans.get(name) != Some(&0) {
            continue;
        }
        let table = QualName::new(&index.schema, &index.table);
        let size = match s.rows(&table) {
            Some(r) => format!(" (the table has about {} rows)", r as u64),
            None => String::new(),
        };
        c.report(
            RuleId::UnusedIndex,
            Subject {
                object: ObjectRef {
                    kind: "index",
                    name: name.to_string(),
                },
                comments: vec![index.comment.as_deref()],
                anchor: Some(name),
            },
            format!(
                "index {name} on {table} has not been scanned in {:.0} days of statistics{size}",
                s.window_days
            ),
            Some(format!(
                "DROP INDEX CONCURRENTLY {};",
                QualIdent(&index.schema, &index.name)
            )),
        );
    }
}

/// The largest value of an integer type, by its name.
fn type_max(type_name: &str) -> Option<i64> {
    match type_name {
        "smallint" => Some(i16::MAX.into()),
        "integer" => Some(i32::MAX.into()),
        "bigint" => Some(i64::MAX),
        _ => None,
    }
}

fn sequences(c: &mut Checker<'_>, s: &Statistics) {
    let cat = c.cat;
    let mut names: Vec<&QualName> = s.sequences.keys().collect();
    names.sort();
    for name in names {
        let seq = &s.sequences[name];
        let Some(last) = seq.last_value else { continue };
        let owner = seq.column.as_ref();
        let in_catalog = cat.sequences.contains_key(name)
            || owner.is_some_and(|(t, _, _)| cat.tables.contains_key(t));
        if !in_catalog {
            continue;
        }
        let (used, range) = if seq.increment > 0 {
            (
                last as f64 - seq.min as f64,
                seq.max as f64 - seq.min as f64,
            )
        } else {
            (
                seq.max as f64 - last as f64,
                seq.max as f64 - seq.min as f64,
            )
        };
        let comment = cat.sequences.get(name).and_then(|q| q.comment.as_deref());
        let near = range > 0.0 && used / range >= c.options.sequence_used_ratio;
        if near {
            c.report(
                RuleId::SequenceNearMax,
                Subject {
                    object: ObjectRef {
                        kind: "sequence",
                        name: name.to_string(),
                    },
                    comments: vec![comment],
                    anchor: Some(owner.map_or(name, |(t, _, _)| t)),
                },
                format!(
                    "sequence {name} ({}) is at {last} of {}: {:.1}% of its range is used",
                    seq.data_type,
                    if seq.increment > 0 { seq.max } else { seq.min },
                    100.0 * used / range
                ),
                Some(format!(
                    "ALTER SEQUENCE {} AS bigint MAXVALUE {};",
                    QualIdent(&name.schema, &name.name),
                    i64::MAX
                )),
            );
        }
        // A sequence near its own end says it already, when the column is no narrower.
        let column_max = seq.column.as_ref().and_then(|(_, _, ty)| type_max(ty));
        if !(near && column_max.is_some_and(|m| m >= seq.max)) {
            integer_key(c, name, seq, last);
        }
    }
}

/// PL505: the sequence feeds an integer primary key that has used most of its range.
fn integer_key(c: &mut Checker<'_>, seq_name: &QualName, seq: &SequenceState, last: i64) {
    let Some((table, column, column_type)) = &seq.column else {
        return;
    };
    let Some(max) = type_max(column_type).filter(|m| *m < i64::MAX) else {
        return;
    };
    let cat = c.cat;
    let is_key = c.by.is_primary_key(table, column);
    if !is_key || (last as f64) < max as f64 * c.options.integer_key_ratio {
        return;
    }
    let t = cat.tables.get(table);
    let comments = vec![
        t.and_then(|t| t.column(column))
            .and_then(|col| col.comment.as_deref()),
        t.and_then(|t| t.comment.as_deref()),
    ];
    c.report(
        RuleId::IntegerKeyNearLimit,
        Subject {
            object: ObjectRef {
                kind: "column",
                name: format!("{table}.{column}"),
            },
            comments,
            anchor: Some(table),
        },
        format!(
            "primary key {table}.{column} is {column_type} and its sequence {seq_name} is at \
             {last}, {:.1}% of the type's {max}",
            100.0 * last as f64 / max as f64
        ),
        Some(format!(
            "ALTER TABLE {} ALTER COLUMN {} TYPE bigint; -- rewrites the table",
            QualIdent(&table.schema, &table.name),
            Ident(column)
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_types_have_their_limits() {
        assert_eq!(type_max("integer"), Some(2_147_483_647));
        assert_eq!(type_max("smallint"), Some(32_767));
        assert_eq!(type_max("numeric"), None);
    }
}
