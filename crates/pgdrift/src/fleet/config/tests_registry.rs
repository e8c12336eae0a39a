//! `databases_from` in `pgdrift.toml`: a role's registry of databases, alone or beside its
//! globs, and every fault in it named at its line and column.

use super::*;

const HEAD: &str = "[[server]]\nname = \"prod\"\nurl = \"postgres://h/postgres\"\nstage = \"production\"\n\n[role.tenant]\n";

fn env(name: &str) -> Option<String> {
    (name == "MASTER_DB").then(|| "rsm_master".to_string())
}

fn parsed(text: &str) -> Result<FleetConfig, String> {
    parse(Path::new("pgdrift.toml"), text, &env).map_err(|e| e.to_string())
}

#[test]
fn a_registry_alone_or_beside_globs() {
    let alone = format!(
        "{HEAD}databases_from = {{ server = \"prod\", database = \"${{MASTER_DB}}\", query = \"select db_name from tenant_databases where active\" }}\n"
    );
    let config = parsed(&alone).unwrap();
    let role = &config.roles[0];
    assert!(role.databases.is_empty(), "{role:?}");
    assert_eq!(
        role.databases_from,
        Some(RegistrySource {
            server: "prod".into(),
            database: "rsm_master".into(),
            query: "select db_name from tenant_databases where active".into(),
        })
    );
    assert_eq!(
        config.role_of("tenant_1"),
        None,
        "globs alone decide role_of"
    );
    let both = format!(
        "{HEAD}databases = [\"tenant_*\"]\n[role.tenant.databases_from]\nserver = \"prod\"\ndatabase = \"m\"\nquery = \"\"\"\nselect db_name, server_name\n  from tenant_databases\n\"\"\"\n"
    );
    let config = parsed(&both).unwrap();
    let role = &config.roles[0];
    assert_eq!(role.databases, ["tenant_*"]);
    let registry = role.databases_from.as_ref().unwrap();
    assert_eq!(
        registry.query,
        "select db_name, server_name\n  from tenant_databases\n"
    );
    assert_eq!(config.server("prod").map(|s| s.name.as_str()), Some("prod"));
    assert_eq!(config.server("nope"), None);
    // An empty glob list beside a registry is no glob at all.
    let empty = format!(
        "{HEAD}databases = []\ndatabases_from = {{ server = \"prod\", database = \"m\", query = \"select 'a'\" }}\n"
    );
    assert!(parsed(&empty).unwrap().roles[0].databases.is_empty());
}

#[test]
fn every_fault_is_named_at_its_place() {
    let line = |body: &str| format!("{HEAD}databases_from = {{ {body} }}\n");
    let cases = [
        (
            line("server = \"staging\", database = \"m\", query = \"select 1\""),
            "pgdrift.toml:7:29: role \"tenant\": databases_from.server \"staging\" names no [[server]]: use one of \"prod\"",
        ),
        (
            line("server = \"prod\", database = \"m\", query = \"  \""),
            "pgdrift.toml:7:61: databases_from.query is empty: give it a value",
        ),
        (
            line("server = \"prod\", database = \"\", query = \"select 1\""),
            "pgdrift.toml:7:48: databases_from.database is empty: give it a value",
        ),
        (
            line("server = \"prod\", database = \"m\""),
            "pgdrift.toml:7:18: missing field `query`; add it",
        ),
        (
            line("server = \"prod\", database = \"m\", query = \"q\", sql = \"q\""),
            "pgdrift.toml:7:66: unknown field `sql`, expected one of `server`, `database`, `query`; remove the key or correct its spelling",
        ),
        (
            format!("{HEAD}desired = \"d.sql\"\n"),
            "pgdrift.toml:6:7: role \"tenant\" lists no databases: add databases = [\"pattern\", ...], or databases_from = { server = \"NAME\", database = \"DB\", query = \"SELECT ...\" } (a registry), to say which databases play it",
        ),
        (
            line("server = \"${NOPE}\", database = \"m\", query = \"q\""),
            "pgdrift.toml:7:30: environment variable NOPE (${NOPE} in databases_from.server) is not set or empty",
        ),
    ];
    for (text, want) in cases {
        let e = parsed(&text).expect_err(&text);
        assert!(e.starts_with(want), "{text}\n got: {e}\nwant: {want}");
    }
}

#[test]
fn the_example_documents_a_registry() {
    let env = |name: &str| {
        (name == "PROD_DATABASE_URL").then(|| "postgres://auditor@db.internal/postgres".into())
    };
    let config = parse(Path::new("pgdrift.toml"), EXAMPLE, &env).unwrap();
    let tenant = config.roles.iter().find(|r| r.name == "tenant").unwrap();
    let registry = tenant.databases_from.as_ref().unwrap();
    assert_eq!(
        (registry.server.as_str(), registry.database.as_str()),
        ("prod", "rsm_master")
    );
    assert!(registry.query.contains("tenant_databases"), "{registry:?}");
    assert_eq!(tenant.databases, ["tenant_*"]);
}
