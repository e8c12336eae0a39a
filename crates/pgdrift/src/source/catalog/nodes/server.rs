//! The stored expressions the client does not deparse, deparsed by the server in the same
//! snapshot: one query per kind, for exactly those objects.

use super::super::rows::{check_columns, get};
use super::super::InspectError;
use crate::pg::Connection;
use rustc_hash::FxHashMap;
use tokio_postgres::types::{ToSql, Type};

const DEFAULTS: &str = include_str!("../queries/server_defaults.sql");
const CHECKS: &str = include_str!("../queries/server_checks.sql");
const INDEXES: &str = include_str!("../queries/server_indexes.sql");

/// What to ask the server for, then what it answered.
#[derive(Debug, Default)]
pub(crate) struct ServerExpressions {
    /// Columns' defaults or generation expressions, by (relation, column number).
    pub defaults: FxHashMap<(u32, i16), Option<String>>,
    /// Check constraints' expressions by constraint OID.
    pub checks: FxHashMap<u32, Option<String>>,
    /// Indexes' expressions and predicates by index OID.
    pub indexes: FxHashMap<u32, (Option<String>, Option<String>)>,
}

impl ServerExpressions {
    pub(crate) fn is_empty(&self) -> bool {
        self.defaults.is_empty() && self.checks.is_empty() && self.indexes.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.defaults.len() + self.checks.len() + self.indexes.len()
    }
}

/// Fills `wanted` with the server's deparsed texts, on `conn`.
pub(crate) async fn server_expressions(
    conn: &Connection,
    wanted: &mut ServerExpressions,
) -> Result<(), InspectError> {
    let fail = |what: &str, e: tokio_postgres::Error| InspectError::query(conn, what, &e);
    if !wanted.defaults.is_empty() {
        let (rels, nums): (Vec<u32>, Vec<i16>) = wanted.defaults.keys().copied().unzip();
        let params: [(&(dyn ToSql + Sync), Type); 2] =
            [(&rels, Type::OID_ARRAY), (&nums, Type::INT2_ARRAY)];
        let rows = conn
            .client
            .query_typed(DEFAULTS, &params)
            .await
            .map_err(|e| fail("column defaults", e))?;
        const QUERY: &str = "column defaults";
        const COLS: &[&str] = &["relid", "num", "expression"];
        for row in rows {
            check_columns(QUERY, &row, COLS)?;
            let key = (get!(row, "relid"), get!(row, "num"));
            wanted.defaults.insert(key, get!(row, "expression"));
        }
    }
    if !wanted.checks.is_empty() {
        let oids: Vec<u32> = wanted.checks.keys().copied().collect();
        let rows = conn
            .client
            .query_typed(CHECKS, &[(&oids, Type::OID_ARRAY)])
            .await
            .map_err(|e| fail("check constraints", e))?;
        const QUERY: &str = "check constraints";
        const COLS: &[&str] = &["oid", "expression"];
        for row in rows {
            check_columns(QUERY, &row, COLS)?;
            wanted
                .checks
                .insert(get!(row, "oid"), get!(row, "expression"));
        }
    }
    if !wanted.indexes.is_empty() {
        let oids: Vec<u32> = wanted.indexes.keys().copied().collect();
        let rows = conn
            .client
            .query_typed(INDEXES, &[(&oids, Type::OID_ARRAY)])
            .await
            .map_err(|e| fail("index expressions", e))?;
        const QUERY: &str = "index expressions";
        const COLS: &[&str] = &["oid", "expressions", "predicate"];
        for row in rows {
            check_columns(QUERY, &row, COLS)?;
            let texts = (get!(row, "expressions"), get!(row, "predicate"));
            wanted.indexes.insert(get!(row, "oid"), texts);
        }
    }
    Ok(())
}
