//! Fleet facts: the object counts of a database with one object of every kind (what
//! extensions own left out), the inventory of a server (templates included), both read by a
//! role with nothing but CONNECT without writing a single row, and failures that name the
//! database without its password.
#![allow(clippy::print_stderr)]

mod common;

use pgdrift::fleet::facts::{
    database_facts, server_inventory, DatabaseFacts, FactsError, ObjectCounts, ServerInventory,
};
use pgdrift::pg::conninfo::Secret;
use pgdrift::pg::{connect, ConnInfo, Connection};
use pgdrift::sql::Ident;
use pgdrift::testing::{admin_conninfo, TestDb};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(60);

/// Two schemas of the user's objects, and objects of every kind that an extension owns.
/// Partitions count apart from tables; the identity column's sequence is not counted, the
/// serial column's is; the partitioned index counts once; the range type's constructors are
/// not functions of the user.
const OBJECTS: &str = r#"
CREATE SCHEMA app;
CREATE SCHEMA billing;
CREATE TYPE app.status AS ENUM ('new', 'paid');
CREATE DOMAIN app.positive AS int CHECK (VALUE > 0);
CREATE TYPE app.span AS RANGE (subtype = int4);
CREATE SEQUENCE app.invoice_numbers;
CREATE TABLE app.customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
CREATE TABLE app.orders (
    id serial PRIMARY KEY,
    customer_id bigint REFERENCES app.customers,
    status app.status NOT NULL DEFAULT 'new'
);
CREATE INDEX orders_customer ON app.orders (customer_id);
CREATE TABLE billing.payments (order_id int NOT NULL, amount numeric NOT NULL);
CREATE TABLE billing.events (at timestamptz NOT NULL, payload text) PARTITION BY RANGE (at);
CREATE TABLE billing.events_2024 PARTITION OF billing.events
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE billing.events_2025 PARTITION OF billing.events
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX events_at ON billing.events (at);
CREATE VIEW app.customer_names AS SELECT name FROM app.customers;
CREATE VIEW billing.totals AS
    SELECT order_id, sum(amount) AS total FROM billing.payments GROUP BY order_id;
CREATE MATERIALIZED VIEW billing.daily AS
    SELECT date_trunc('day', at) AS day, count(*) AS n FROM billing.events GROUP BY 1;
CREATE UNIQUE INDEX daily_day ON billing.daily (day);
CREATE FUNCTION app.add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
CREATE FUNCTION billing.touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE AGGREGATE app.total(int) (sfunc = int4pl, stype = int);
CREATE PROCEDURE billing.close_day() LANGUAGE sql AS 'SELECT 1';

CREATE SCHEMA ext_owned;
CREATE TABLE ext_owned.t (id int PRIMARY KEY);
CREATE TABLE app.ext_table (id int PRIMARY KEY);
CREATE VIEW app.ext_view AS SELECT 1 AS one;
CREATE FUNCTION app.ext_fn() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE TYPE app.ext_enum AS ENUM ('x');
CREATE SEQUENCE app.ext_seq;
ALTER EXTENSION plpgsql ADD SCHEMA ext_owned;
ALTER EXTENSION plpgsql ADD TABLE app.ext_table;
ALTER EXTENSION plpgsql ADD VIEW app.ext_view;
ALTER EXTENSION plpgsql ADD FUNCTION app.ext_fn();
ALTER EXTENSION plpgsql ADD TYPE app.ext_enum;
ALTER EXTENSION plpgsql ADD SEQUENCE app.ext_seq;

INSERT INTO app.customers (name) SELECT 'c' || i FROM generate_series(1, 10) i;
ANALYZE app.customers;
"#;

const EXPECTED: ObjectCounts = ObjectCounts {
    schemas: 3, // public, app, billing
    tables: 3,
    partitioned_tables: 1,
    partitions: 2,
    foreign_tables: 0,
    views: 2,
    materialized_views: 1,
    functions: 2,
    aggregates: 1,
    procedures: 1,
    sequences: 2,
    indexes: 5,
    enums: 1,
    domains: 1,
};

async fn admin() -> Connection {
    connect(&admin_conninfo())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Whether the test server offers extension `name`.
async fn available(conn: &Connection, name: &str) -> bool {
    conn.client
        .query_one(
            "SELECT count(*) FROM pg_available_extensions WHERE name = $1",
            &[&name],
        )
        .await
        .unwrap()
        .get::<_, i64>(0)
        > 0
}

/// Reads the facts until the table statistics show the rows inserted and the ANALYZE
/// (statistics reach the server's shared memory a moment after the writing session ends).
async fn facts_with_statistics(db: &TestDb) -> DatabaseFacts {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let facts = database_facts(db.conninfo(), TIMEOUT)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        if facts.tables.last_analyze.is_some() && facts.tables.rows_written >= 10 {
            return facts;
        }
        assert!(
            Instant::now() < deadline,
            "table statistics never arrived: {facts:#?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn assert_utc_time(text: &str) {
    let b = text.as_bytes();
    assert!(
        b.len() == 20 && b[4] == b'-' && b[10] == b'T' && b[13] == b':' && b[19] == b'Z',
        "not a UTC time: {text}"
    );
}

#[tokio::test]
async fn counts_the_users_objects_and_not_what_extensions_own() {
    let db = TestDb::with_sql(OBJECTS).await;
    let admin = admin().await;
    let mut installed = vec!["plpgsql".to_string()];
    for extension in ["citext", "pg_buffercache"] {
        if available(&admin, extension).await {
            db.execute(&format!("CREATE EXTENSION {}", Ident(extension)))
                .await;
            installed.push(extension.to_string());
        } else {
            eprintln!("the test server has no {extension}: not installing it");
        }
    }
    installed.sort();

    let facts = facts_with_statistics(&db).await;
    assert_eq!(facts.objects, EXPECTED);
    assert_eq!(facts.database, db.name());
    assert!(facts.read_only);
    let names: Vec<&str> = facts.extensions.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, installed);
    assert!(facts.extensions.iter().all(|e| !e.version.is_empty()));
    assert_eq!(facts.tables.live_rows, 10);
    assert_utc_time(facts.tables.last_analyze.as_deref().unwrap());
    assert_eq!(facts.tables.last_vacuum, None);
    let json = serde_json::to_value(&facts).unwrap();
    assert_eq!(json["objects"]["partitioned_tables"], 1);
}

#[tokio::test]
async fn an_empty_database_has_only_its_public_schema() {
    let db = TestDb::new().await;
    let facts = database_facts(db.conninfo(), TIMEOUT).await.unwrap();
    assert_eq!(
        facts.objects,
        ObjectCounts {
            schemas: 1,
            ..ObjectCounts::default()
        }
    );
    assert_eq!(facts.tables.live_rows, 0);
    assert_eq!(facts.tables.last_analyze, None);
    assert_eq!(facts.extensions.len(), 1);
    assert_eq!(facts.extensions[0].name, "plpgsql");
}

/// Reads the inventory until `ready` says it is complete, for at most 20 seconds.
async fn inventory_until(
    server: &ConnInfo,
    ready: impl Fn(&ServerInventory) -> bool,
) -> Result<ServerInventory, String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let inventory = server_inventory(server).await.map_err(|e| e.to_string())?;
        if ready(&inventory) {
            return Ok(inventory);
        }
        if Instant::now() > deadline {
            return Err(format!("the inventory never got complete: {inventory:#?}"));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn the_inventory_lists_every_database_templates_included() {
    let filled = TestDb::with_sql("CREATE TABLE t AS SELECT generate_series(1, 1000) AS n").await;
    let closed = TestDb::new().await;
    let admin = admin().await;
    let alter = |template: bool| {
        format!(
            "ALTER DATABASE {} WITH IS_TEMPLATE {template} ALLOW_CONNECTIONS {}",
            Ident(closed.name()),
            !template
        )
    };
    admin.client.batch_execute(&alter(true)).await.unwrap();
    let held = filled.connect().await;
    // The statistics of the session that filled the table arrive a moment after it ends.
    let inventory = inventory_until(&admin_conninfo(), |inventory| {
        inventory
            .databases
            .iter()
            .any(|d| d.name == filled.name() && d.tup_inserted >= 1000)
    })
    .await;
    admin.client.batch_execute(&alter(false)).await.unwrap();
    drop(held);
    let inventory = inventory.unwrap_or_else(|e| panic!("{e}"));

    let row = admin
        .client
        .query_one(
            "SELECT current_user::text, current_setting('server_version')",
            &[],
        )
        .await
        .unwrap();
    let (user, version): (String, String) = (row.get(0), row.get(1));
    assert_eq!(inventory.version, version);
    assert!(inventory.version_num >= 140000, "{inventory:?}");
    assert_utc_time(inventory.started_at.as_deref().unwrap());
    let names: Vec<&str> = inventory
        .databases
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "databases come by name");
    let find = |name: &str| {
        inventory
            .databases
            .iter()
            .find(|d| d.name == name)
            .unwrap_or_else(|| panic!("{name} missing from {names:?}"))
    };

    let f = find(filled.name());
    assert_eq!(f.owner, user);
    assert_eq!(f.encoding, "UTF8");
    assert!(f.size_bytes.unwrap() > 0, "{f:?}");
    assert!(f.can_connect && f.allows_connections && !f.is_template && !f.invalid);
    assert_eq!(f.connection_limit, -1);
    assert!(f.backends >= 1, "a session was connected: {f:?}");
    assert!(f.xact_commit > 0, "{f:?}");
    assert!(f.xid_age >= 0);

    let c = find(closed.name());
    assert!(c.is_template && !c.allows_connections, "{c:?}");
    assert!(c.size_bytes.unwrap() > 0);
    for template in ["template0", "template1"] {
        let t = find(template);
        assert!(t.is_template, "{t:?}");
    }
    assert!(!find("template0").allows_connections);
    assert!(!find("postgres").is_template);
}

#[tokio::test]
async fn a_role_with_only_connect_reads_everything_and_writes_nothing() {
    let db = TestDb::with_sql(
        "CREATE TABLE t (id int PRIMARY KEY, v text);
         INSERT INTO t VALUES (1, 'a');
         CREATE VIEW v AS SELECT * FROM t;",
    )
    .await;
    let closed = TestDb::new().await;
    let reader = format!("facts_reader_{}", std::process::id());
    let admin = admin().await;
    admin
        .client
        .batch_execute(&format!(
            "DROP ROLE IF EXISTS {r};
             CREATE ROLE {r} LOGIN;
             ALTER ROLE {r} SET default_transaction_read_only = on;
             REVOKE ALL ON DATABASE {db} FROM PUBLIC;
             GRANT CONNECT ON DATABASE {db} TO {r};
             REVOKE ALL ON DATABASE {closed} FROM PUBLIC;",
            r = Ident(&reader),
            db = Ident(db.name()),
            closed = Ident(closed.name()),
        ))
        .await
        .unwrap();
    db.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC").await;
    let as_reader = ConnInfo {
        user: Some(reader.clone()),
        password: None,
        ..db.conninfo().clone()
    };
    {
        let conn = connect(&as_reader).await.unwrap_or_else(|e| panic!("{e}"));
        let refused = conn.client.batch_execute("CREATE TABLE public.x ()").await;
        assert!(refused.is_err(), "the reader could create a table");
    }

    let before = common::settled_writes(&admin, db.name()).await;
    let facts = database_facts(&as_reader, TIMEOUT).await;
    let inventory = server_inventory(&as_reader).await;
    let after = common::settled_writes(&admin, db.name()).await;

    let facts = facts.unwrap_or_else(|e| panic!("{e}"));
    assert!(facts.read_only);
    assert_eq!((facts.objects.tables, facts.objects.views), (1, 1));
    let inventory = inventory.unwrap_or_else(|e| panic!("{e}"));
    let find = |name: &str| inventory.databases.iter().find(|d| d.name == name).unwrap();
    let own = find(db.name());
    assert!(own.can_connect && own.size_bytes.unwrap() > 0, "{own:?}");
    let other = find(closed.name());
    assert!(
        !other.can_connect && other.size_bytes.is_none(),
        "{other:?}"
    );
    assert_eq!(after, before, "reading facts wrote rows in {}", db.name());

    // The measure sees a write when there is one.
    db.execute("INSERT INTO t VALUES (2, 'b')").await;
    assert!(common::settled_writes(&admin, db.name()).await > after);

    admin
        .client
        .batch_execute(&format!(
            "DROP OWNED BY {r}; DROP ROLE {r};",
            r = Ident(&reader)
        ))
        .await
        .unwrap();
}

fn assert_names_without_password(err: &FactsError, expected: &str) {
    let text = err.to_string();
    assert!(text.contains(expected), "{text}");
    assert!(err.target().contains(expected), "{}", err.target());
    assert!(!text.contains("hunter2"), "{text}");
}

#[tokio::test]
async fn failures_name_the_database_without_its_password() {
    let db = TestDb::new().await;
    let missing = ConnInfo {
        password: Some(Secret::new("hunter2")),
        ..db.conninfo().with_dbname("no_such_database")
    };
    let err = database_facts(&missing, TIMEOUT).await.unwrap_err();
    assert_names_without_password(&err, "/no_such_database");
    assert!(err.to_string().contains("does not exist"), "{err}");

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let unreachable = ConnInfo::parse(&format!(
        "postgresql://u:hunter2@127.0.0.1:{port}/db?connect_timeout=3"
    ))
    .unwrap()
    .resolve(&|_| None)
    .unwrap();
    let err = server_inventory(&unreachable).await.unwrap_err();
    assert_names_without_password(&err, &format!("127.0.0.1:{port}"));
    let err = database_facts(&unreachable, TIMEOUT).await.unwrap_err();
    assert_names_without_password(&err, &format!("127.0.0.1:{port}/db"));
}
