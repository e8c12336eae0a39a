//! Stored expressions (defaults, generation expressions, checks, index expressions and
//! predicates) deparsed by pgdrift must read exactly as the server's `pg_get_expr` writes
//! them: every catalog fixture is read both ways and the catalogs must be equal.

mod common;

use common::{fixture_sql, server_major, stable_json};
use pgdrift::source::{inspect, Deparse, InspectOptions};
use pgdrift::testing::TestDb;

/// Loads fixture `name`, reads it with the client's and with the server's deparsing, and
/// returns how many objects the client left to the server.
async fn both_ways(name: &str) -> usize {
    let db = TestDb::new().await;
    let major = server_major(&db).await;
    db.execute(&fixture_sql(name, major)).await;
    let read = |deparse| {
        let opts = InspectOptions {
            deparse,
            ..Default::default()
        };
        let db = &db;
        async move {
            inspect(db.conninfo(), &opts)
                .await
                .unwrap_or_else(|e| panic!("inspect {}: {e}", db.name()))
        }
    };
    let client = read(Deparse::Client).await;
    let server = read(Deparse::Server).await;
    assert_eq!(server.server_deparsed, 0);
    let (ours, theirs) = (stable_json(&client.snapshot), stable_json(&server.snapshot));
    if ours != theirs {
        let diff = similar::TextDiff::from_lines(&theirs, &ours);
        panic!(
            "{name}: the client's deparsing (+) differs from the server's (-):\n{}",
            diff.unified_diff().context_radius(2)
        );
    }
    // The snapshot writer splits and reassembles the document: it must match the plain one.
    let (mut plain, mut fast) = (Vec::new(), Vec::new());
    pgdrift::report::json::write(&client.snapshot, &mut plain).unwrap();
    pgdrift::report::json::write_snapshot(&client.snapshot, &mut fast).unwrap();
    assert!(plain == fast, "{name}: write_snapshot differs from write");
    client.server_deparsed
}

macro_rules! same_both_ways {
    ($($test:ident: $fixture:literal,)*) => {$(
        #[tokio::test]
        async fn $test() {
            both_ways($fixture).await;
        }
    )*};
}

same_both_ways! {
    constraints: "constraints",
    tables: "tables",
    indexes: "indexes",
    types: "types",
    views: "views",
    hostile: "hostile",
    sequences: "sequences",
    triggers: "triggers",
    policies: "policies",
    functions: "functions",
}

#[tokio::test]
async fn expressions_of_every_common_kind() {
    let by_server = both_ways("expressions").await;
    // The table's defaults, checks and indexes number over 140 objects; the server is
    // asked only for the few kinds the client does not reproduce (CASE, COLLATE, special
    // SQL syntax, operators found by coercion, ...).
    assert!(by_server <= 20, "the server deparsed {by_server} objects");
}
