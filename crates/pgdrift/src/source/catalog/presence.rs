//! The kinds of object a database holds none of, found by one statement over the raw
//! catalogs (`queries/presence.sql`: an `EXISTS` per catalog, no join), so that a small
//! database's read sends only the queries that can return rows. A query left out is one
//! whose result would be empty: each probe keeps every row its kind's query could return
//! (user objects all have OIDs from 16384 on), so the catalog read is the same either way;
//! a kind the probe cannot rule out is simply read.

use super::query::QueryId;
use super::InspectError;
use crate::pg::Connection;

const SQL: &str = include_str!("queries/presence.sql");

/// Each probe's column, and the queries that return nothing when it is false.
const PROBES: &[(&str, &[QueryId])] = &[
    ("rules", &[QueryId::Rules]),
    ("statistics", &[QueryId::Statistics]),
    ("collations", &[QueryId::Collations]),
    ("event_triggers", &[QueryId::EventTriggers]),
    ("foreign_data_wrappers", &[QueryId::ForeignDataWrappers]),
    // A user mapping belongs to a server: no server, no mapping.
    (
        "foreign_servers",
        &[QueryId::ForeignServers, QueryId::UserMappings],
    ),
    ("casts", &[QueryId::Casts]),
    ("ts_dictionaries", &[QueryId::TextSearchDictionaries]),
    ("ts_configurations", &[QueryId::TextSearchConfigurations]),
    ("ts_templates", &[QueryId::TextSearchTemplates]),
    ("ts_parsers", &[QueryId::TextSearchParsers]),
    ("publications", &[QueryId::Publications]),
    ("languages", &[QueryId::Languages]),
    ("transforms", &[QueryId::Transforms]),
    ("conversions", &[QueryId::Conversions]),
    ("access_methods", &[QueryId::AccessMethods]),
    ("operator_families", &[QueryId::OperatorFamilies]),
    ("operator_classes", &[QueryId::OperatorClasses]),
    ("default_privileges", &[QueryId::DefaultPrivileges]),
    ("policies", &[QueryId::Policies]),
    ("operators", &[QueryId::Operators]),
];

/// The queries that would return no row on `conn` (inside the read's transaction).
pub(crate) async fn absent(conn: &Connection) -> Result<Vec<QueryId>, InspectError> {
    let row = conn
        .client
        .query_one(SQL, &[])
        .await
        .map_err(|e| InspectError::query(conn, "the catalog (kinds present)", &e))?;
    let mut absent = Vec::new();
    for (column, queries) in PROBES {
        let present: bool = row.try_get(*column).map_err(|e| InspectError::Decode {
            query: "kinds present",
            column,
            reason: e.to_string(),
        })?;
        if !present {
            absent.extend_from_slice(queries);
        }
    }
    Ok(absent)
}

#[cfg(test)]
mod tests {
    use super::{PROBES, SQL};

    #[test]
    fn every_probe_is_a_column_of_the_statement() {
        for (column, queries) in PROBES {
            assert!(
                SQL.contains(&format!(" AS {column},")) || SQL.contains(&format!(" AS {column}\n")),
                "{column} is not selected"
            );
            assert!(!queries.is_empty());
        }
        assert_eq!(SQL.matches("EXISTS (").count(), PROBES.len());
    }
}
