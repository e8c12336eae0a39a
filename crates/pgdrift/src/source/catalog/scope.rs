//! What a catalog read covers: the namespaces that pass the schema filters, the objects that
//! extensions own (left out everywhere), and, for parallel reads, slices of the relations of
//! about equal size.

use super::query::{COLLATIONS, MEMBERS, OPCLASSES, SCOPE};
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
    /// For parallel reads: the relation OID at each fraction of the relations to read.
    bounds: Vec<(f64, u32)>,
}

/// The fractions at which `n` slices split the relations, for every `n` from 2 to `slices`.
fn fractions(slices: usize) -> Vec<f64> {
    (2..=slices)
        .flat_map(|n| (1..n).map(move |i| fraction(i, n)))
        .collect()
}

fn fraction(i: usize, n: usize) -> f64 {
    i as f64 / n as f64
}

impl Scope {
    /// Reads the scope on `conn` for the schema patterns (already regexes). `parallel`: the
    /// read may run on up to `opts.jobs` connections.
    pub(crate) async fn read(
        conn: &Connection,
        include: Option<&[String]>,
        exclude: &[String],
        opts: &InspectOptions,
        parallel: bool,
    ) -> Result<Scope, InspectError> {
        let include: Option<Vec<String>> = include.map(<[String]>::to_vec);
        let exclude = exclude.to_vec();
        let fractions = match parallel {
            true => fractions(super::slice_count(opts.jobs)),
            false => Vec::new(),
        };
        let params: [(&(dyn ToSql + Sync), Type); 3] = [
            (&include, Type::TEXT_ARRAY),
            (&exclude, Type::TEXT_ARRAY),
            (&fractions, Type::FLOAT8_ARRAY),
        ];
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
            bounds: match row.get::<_, Option<Vec<u32>>>("bounds") {
                Some(bounds) => fractions.into_iter().zip(bounds).collect(),
                None => Vec::new(),
            },
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

    /// `n` inclusive OID ranges that cover every relation in scope, of about equal size (one
    /// range when the scope was read without slices for `n`).
    pub(crate) fn slices(&self, n: usize) -> Vec<(u32, u32)> {
        let mut bounds: Vec<u32> = (1..n)
            .filter_map(|i| {
                let f = fraction(i, n);
                self.bounds.iter().find(|(g, _)| *g == f).map(|(_, b)| *b)
            })
            .collect();
        if n <= 1 || bounds.len() != n - 1 {
            return vec![(0, u32::MAX)];
        }
        bounds.dedup();
        let mut ranges = Vec::with_capacity(bounds.len() + 1);
        let mut lo = 0u32;
        for b in bounds {
            ranges.push((lo, b));
            lo = b.saturating_add(1);
        }
        ranges.push((lo, u32::MAX));
        ranges
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_use_the_bounds_read_for_their_count() {
        let fractions = fractions(4);
        assert_eq!(fractions.len(), 1 + 2 + 3);
        // As if each fraction's bound were a thousand times it.
        let scope = Scope {
            bounds: fractions
                .iter()
                .map(|f| (*f, (f * 1000.0) as u32))
                .collect(),
            ..Scope::default()
        };
        assert_eq!(scope.slices(1), vec![(0, u32::MAX)]);
        assert_eq!(scope.slices(2), vec![(0, 500), (501, u32::MAX)]);
        assert_eq!(scope.slices(3), vec![(0, 333), (334, 666), (667, u32::MAX)]);
        assert_eq!(scope.slices(4).len(), 4);
        // Not read for five: one slice.
        assert_eq!(scope.slices(5), vec![(0, u32::MAX)]);
        // Bounds that repeat (few relations) give fewer slices.
        let few = Scope {
            bounds: vec![(fraction(1, 2), 7)],
            ..Scope::default()
        };
        assert_eq!(few.slices(2), vec![(0, 7), (8, u32::MAX)]);
    }
}
