//! `pgdrift investigate --config pgdrift.toml`: every database of a fleet investigated and
//! aggregated per relation, narrowed by database globs and roles, with a server that
//! refuses connections listed rather than fatal. The databases are on the test server.

mod common;

use pgdrift::pg::ConnInfo;
use pgdrift::testing::{admin_conninfo, TestDb};
use serde_json::Value;
use std::process::Output;
use std::time::Duration;

fn run(args: &[&str]) -> Output {
    common::pgdrift_in(None, args)
}

fn json(out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {}", common::text(out)))
}

fn object<'a>(inv: &'a Value, name: &str) -> &'a Value {
    (inv["objects"].as_array().unwrap().iter())
        .find(|o| o["object"] == name)
        .unwrap_or_else(|| panic!("{name} in {inv:#}"))
}
/// Waits until the statistics counter `column` of `table` in `db` is not zero.
async fn wait_for(db: &TestDb, table: &str, column: &str) {
    let (schema, name) = table.split_once('.').unwrap();
    let probe = format!(
        "SELECT {column}::text FROM pg_stat_user_tables WHERE schemaname = '{schema}' AND relname = '{name}'"
    );
    for _ in 0..100 {
        if db.strings(&probe).await.first().is_some_and(|n| n != "0") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{column} of {table} stayed 0 in the statistics");
}
/// pgdrift.toml for the test server, naming `dbs`, a role `quiet` for the last one, and a
/// server that refuses connections.
fn fleet_config(dir: &std::path::Path, dbs: &[&str]) -> String {
    let url = ConnInfo {
        password: None,
        ..admin_conninfo()
    }
    .to_string();
    let names: Vec<String> = dbs.iter().map(|d| format!("{d:?}")).collect();
    let text = format!(
        "[[server]]\nname = \"local\"\nurl = {url:?}\nstage = \"test\"\ndatabases = [{}]\n\n\
         [[server]]\nname = \"down\"\nurl = \"postgres://u:pw-of-down@127.0.0.1:1/postgres\"\nstage = \"production\"\n\n\
         [role.quiet]\ndatabases = [{:?}]\n",
        names.join(", "),
        dbs[dbs.len() - 1]
    );
    let path = dir.join("pgdrift.toml");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[tokio::test]
async fn a_fleet_is_investigated_per_database_and_aggregated_per_table() {
    let busy = TestDb::with_sql("CREATE SCHEMA app; CREATE TABLE app.reports (id int); INSERT INTO app.reports VALUES (1), (2), (3);").await;
    let without = TestDb::with_sql("CREATE TABLE other (id int);").await;
    let empty = TestDb::with_sql("CREATE SCHEMA app; CREATE TABLE app.reports (id int);").await;
    wait_for(&busy, "app.reports", "n_tup_ins").await;
    let dir = tempfile::tempdir().unwrap();
    let config = fleet_config(dir.path(), &[busy.name(), without.name(), empty.name()]);
    let out = run(&[
        "investigate",
        "--config",
        &config,
        "app.reports",
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", common::text(&out));
    assert!(!common::text(&out).contains("pw-of-down"));
    let fleet = json(&out);
    assert_eq!(
        (fleet["layout"].as_str(), fleet["format_version"].as_i64()),
        (Some("fleet"), Some(1))
    );
    assert_eq!(
        fleet["unreachable_servers"][0]["server"], "down",
        "{fleet:#}"
    );
    let o = object(&fleet, "app.reports");
    // Only one server's databases were read: lines name them by database alone.
    let at = |db: &TestDb| db.name().to_string();
    assert_eq!(
        o["present_in"],
        serde_json::json!([at(&busy), at(&empty)]),
        "{o:#}"
    );
    assert_eq!(o["absent_in"], serde_json::json!([at(&without)]), "{o:#}");
    assert_eq!(
        (o["rows"].as_i64(), o["rows_exact"].as_bool()),
        (Some(3), Some(true)),
        "{o:#}"
    );
    assert_eq!(o["activity"]["inserted"], 3, "{o:#}");
    assert_eq!(o["verdict"]["state"], "in_use");
    let lines = o["per_database"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (lines[0]["verdict"].as_str(), lines[0]["rows"].as_i64()),
        (Some("in_use"), Some(3))
    );
    assert_ne!(lines[1]["verdict"], "in_use", "{o:#}");
    assert!(o["verdict"]["reasons"][0]
        .as_str()
        .unwrap()
        .starts_with(&format!("in use in {}", at(&busy))));
    let md = String::from_utf8_lossy(
        &run(&[
            "investigate",
            "--config",
            &config,
            "app.reports",
            "-f",
            "markdown",
        ])
        .stdout,
    )
    .into_owned();
    assert!(
        md.contains("## `app.reports` (table): in use") && md.contains("### Per database"),
        "{md}"
    );
    assert!(
        md.contains(&format!("- [ ] `{}`: in use: 3 row(s)", at(&busy))),
        "{md}"
    );
    assert!(
        md.contains("- [ ] Every database read: could not read down"),
        "{md}"
    );
}

#[tokio::test]
async fn a_fleet_is_narrowed_by_database_globs_and_roles() {
    let busy =
        TestDb::with_sql("CREATE TABLE reports (id int); INSERT INTO reports VALUES (1);").await;
    let empty = TestDb::with_sql("CREATE TABLE reports (id int);").await;
    let dir = tempfile::tempdir().unwrap();
    let config = fleet_config(dir.path(), &[busy.name(), empty.name()]);
    let only = |extra: &[&str]| -> Value {
        let mut args = vec!["investigate", "--config", &config, "reports", "-f", "json"];
        args.extend_from_slice(extra);
        let fleet = json(&run(&args));
        fleet["objects"][0]["present_in"].clone()
    };
    assert_eq!(
        only(&["--database", busy.name()]),
        serde_json::json!([busy.name()])
    );
    assert_eq!(
        only(&["--role", "quiet"]),
        serde_json::json!([empty.name()])
    );
    let out = run(&[
        "investigate",
        "--config",
        &config,
        "reports",
        "--role",
        "nope",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::text(&out).contains("has no role \"nope\"; its roles: quiet"),
        "{}",
        common::text(&out)
    );
    let both = run(&["investigate", "--config", &config, &busy.url(), "reports"]);
    assert_eq!(both.status.code(), Some(2));
    assert!(common::text(&both).contains("give either DATABASE or --config, not both"));
    let text = common::text(&run(&[
        "investigate",
        "--config",
        &config,
        "reports",
        "nothing_like_it",
    ]));
    assert!(
        text.contains("no relation matches nothing_like_it in any database read"),
        "{text}"
    );
    assert!(
        text.contains("could not list the databases of server down"),
        "{text}"
    );
}

#[tokio::test]
async fn the_roles_desired_schemas_say_who_claims_a_table_and_where_they_disagree() {
    let master = TestDb::with_sql("CREATE TABLE users (id int, email text);").await;
    let tenant =
        TestDb::with_sql("CREATE TABLE users (id bigint); CREATE TABLE scratch (id int);").await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("master.sql"),
        "CREATE TABLE users (id int, email text);\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("tenant.sql"),
        "CREATE TABLE users (id bigint);\n",
    )
    .unwrap();
    let url = ConnInfo {
        password: None,
        ..admin_conninfo()
    }
    .to_string();
    let config = dir.path().join("pgdrift.toml");
    std::fs::write(
        &config,
        format!(
            "[[server]]\nname = \"local\"\nurl = {url:?}\nstage = \"test\"\ndatabases = [{:?}, {:?}]\n\n\
             [role.master]\ndatabases = [{:?}]\ndesired = \"master.sql\"\n\n\
             [role.tenant]\ndatabases = [{:?}]\ndesired = \"tenant.sql\"\n",
            master.name(),
            tenant.name(),
            master.name(),
            tenant.name()
        ),
    )
    .unwrap();
    let config = config.display().to_string();
    let out = run(&[
        "investigate",
        "--config",
        &config,
        "public.users",
        "scratch",
        "-f",
        "json",
    ]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        common::text(&out)
    );
    let fleet = json(&out);
    let users = object(&fleet, "public.users");
    let declared: Vec<&str> = (users["claims"]["declared_by"].as_array().unwrap().iter())
        .map(|d| d["source"].as_str().unwrap())
        .collect();
    assert_eq!(declared, ["master", "tenant"], "{users:#}");
    let conflict = users["claims"]["conflicts"][0]["differences"].to_string();
    assert!(
        conflict.contains("public.users.id") && conflict.contains("public.users.email"),
        "{conflict}"
    );
    assert_eq!(users["verdict"]["state"], "in_use");
    let scratch = object(&fleet, "public.scratch");
    assert_eq!(
        scratch["claims"]["not_declared_by"],
        serde_json::json!(["master", "tenant"])
    );
    let text = common::text(&run(&["investigate", "--config", &config, "public.users"]));
    assert!(
        text.contains("roles     declared by role master, tenant; roles master and tenant define it differently"),
        "{text}"
    );
}
