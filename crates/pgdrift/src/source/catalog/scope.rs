//! What a catalog read covers: the namespaces that pass the schema filters, the objects that
//! extensions own (left out everywhere), and, for parallel reads, slices of the relations of
//! about equal size.

use super::query::{COLLATIONS, MEMBERS, OPCLASSES, SCOPE, SHARDS};
use super::read::lookup::Lookups;
use super::{InspectError, InspectOptions};
use crate::pg::Connection;
use std::collections::HashMap;
use tokio_postgres::types::{ToSql, Type};

#[derive(Debug, Default)]
pub(crate) struct Scope {
    pub namespaces: Vec<u32>,
    /// Operator classes and collations by OID.
    pub lookups: Lookups,
    /// Extension members by catalog name (`pg_class`, `pg_proc`, ...).
    pub members: HashMap<String, Vec<u32>>,
    pub relations: i64,
}

impl Scope {
    /// Reads the scope on `conn` for the schema patterns (already regexes).
    pub(crate) async fn read(
        conn: &Connection,
        include: Option<&[String]>,
        exclude: &[String],
    ) -> Result<Scope, InspectError> {
        let include: Option<Vec<String>> = include.map(<[String]>::to_vec);
        let exclude = exclude.to_vec();
        let params: [(&(dyn ToSql + Sync), Type); 2] =
            [(&include, Type::TEXT_ARRAY), (&exclude, Type::TEXT_ARRAY)];
        let scope = conn.client.query_typed(SCOPE.text, &params);
        let members = conn.client.query_typed(MEMBERS.text, &[]);
        let opclasses = conn.client.query_typed(OPCLASSES.text, &[]);
        let collations = conn.client.query_typed(COLLATIONS.text, &[]);
        let (scope, members, opclasses, collations) =
            tokio::join!(scope, members, opclasses, collations);
        let scope = scope.map_err(|e| InspectError::query(conn, SCOPE.name, &e))?;
        let members = members.map_err(|e| InspectError::query(conn, MEMBERS.name, &e))?;
        let opclasses = opclasses.map_err(|e| InspectError::query(conn, OPCLASSES.name, &e))?;
        let collations = collations.map_err(|e| InspectError::query(conn, COLLATIONS.name, &e))?;
        let row = scope
            .first()
            .ok_or_else(|| InspectError::Internal("the scope query returned no row".into()))?;
        Ok(Scope {
            lookups: Lookups::read(&opclasses, &collations)?,
            namespaces: row.get("namespaces"),
            relations: row.get("relations"),
            members: members
                .iter()
                .map(|r| {
                    (
                        r.get::<_, String>("catalog"),
                        r.get::<_, Vec<u32>>("members"),
                    )
                })
                .collect(),
        })
    }

    /// How many more connections would pay off, at most `opts.jobs - 1`.
    pub(crate) fn extra_connections(&self, opts: &InspectOptions) -> usize {
        let per = opts.relations_per_connection.max(1);
        ((self.relations / per) as usize).min(opts.jobs.saturating_sub(1))
    }

    /// The objects of `catalog` to leave out (empty when none).
    pub(crate) fn members_of(&self, catalog: Option<&str>) -> &[u32] {
        catalog
            .and_then(|c| self.members.get(c))
            .map_or(&[], Vec::as_slice)
    }

    /// `n` inclusive OID ranges that cover every relation in scope, of about equal size.
    pub(crate) async fn slices(
        &self,
        conn: &Connection,
        n: usize,
    ) -> Result<Vec<(u32, u32)>, InspectError> {
        if n <= 1 {
            return Ok(vec![(0, u32::MAX)]);
        }
        let fractions: Vec<f64> = (1..n).map(|i| i as f64 / n as f64).collect();
        let rows = conn
            .client
            .query_typed(
                SHARDS.text,
                &[
                    (&self.namespaces, Type::OID_ARRAY),
                    (&fractions, Type::FLOAT8_ARRAY),
                ],
            )
            .await
            .map_err(|e| InspectError::query(conn, SHARDS.name, &e))?;
        let bounds: Option<Vec<u32>> = rows.first().and_then(|r| r.get("bounds"));
        let Some(mut bounds) = bounds else {
            return Ok(vec![(0, u32::MAX)]);
        };
        bounds.dedup();
        let mut ranges = Vec::with_capacity(bounds.len() + 1);
        let mut lo = 0u32;
        for b in bounds {
            ranges.push((lo, b));
            lo = b.saturating_add(1);
        }
        ranges.push((lo, u32::MAX));
        Ok(ranges)
    }
}
