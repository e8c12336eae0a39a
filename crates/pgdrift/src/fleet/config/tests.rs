use super::interpolate::{expand, Expanded, InterpError};
use super::*;
use crate::source::dir::Ignore;

const SECRET: &str = "s3cr3t-pw";

fn env(name: &str) -> Option<String> {
    match name {
        "PROD_DATABASE_URL" => Some(format!("postgres://app:{SECRET}@db.internal:5432/postgres")),
        "EMPTY" => Some(String::new()),
        "TENANT_GLOB" => Some("tenant_*".into()),
        _ => None,
    }
}

fn path() -> &'static Path {
    Path::new("fleet/pgdrift.toml")
}

fn ok(text: &str) -> FleetConfig {
    parse(path(), text, &env).unwrap_or_else(|e| panic!("{e}"))
}

fn err(text: &str) -> String {
    parse(path(), text, &env).unwrap_err().to_string()
}

fn err_with(text: &str, env: &dyn Fn(&str) -> Option<String>) -> String {
    parse(path(), text, env).unwrap_err().to_string()
}

/// A valid server table, four lines long.
const HEAD: &str = "[[server]]\nname = \"a\"\nurl = \"postgres://h/db\"\nstage = \"test\"\n";

fn url(s: &str) -> ConnInfo {
    ConnInfo::parse(s).unwrap()
}

#[test]
fn full_config() {
    let config = ok(r#"
[[server]]
name = "prod"
url = "${PROD_DATABASE_URL}"
stage = "production"
databases = ["tenant_*", "rsm_master"]
exclude = ["template*", "tenant_old?"]
max_connections = 3

[[server]]
name = "local"
url = "host=/tmp port=5433 dbname=postgres"
stage = "development"

[role.tenant]
databases = ["tenant_*"]
desired = "db/tenant"
migrations = "db/tenant/migrations"

[role.master]
databases = ["rsm_master"]

[audit]
jobs = 6
statement_timeout_secs = 0
fail_on = "error"
"#);
    let expected = FleetConfig {
        path: PathBuf::from("fleet/pgdrift.toml"),
        servers: vec![
            ServerConfig {
                name: "prod".into(),
                url: url(&env("PROD_DATABASE_URL").unwrap()),
                url_var: Some("PROD_DATABASE_URL".into()),
                stage: Stage::Production,
                databases: vec!["tenant_*".into(), "rsm_master".into()],
                exclude: vec!["template*".into(), "tenant_old?".into()],
                max_connections: Some(3),
            },
            ServerConfig {
                name: "local".into(),
                url: url("host=/tmp port=5433 dbname=postgres"),
                url_var: None,
                stage: Stage::Development,
                databases: vec!["*".into()],
                exclude: vec![],
                max_connections: None,
            },
        ],
        roles: vec![
            RoleConfig {
                name: "tenant".into(),
                databases: vec!["tenant_*".into()],
                databases_from: None,
                desired: Some("fleet/db/tenant".into()),
                desired_arg: Some("fleet/db/tenant".into()),
                migrations: Some(PathBuf::from("fleet/db/tenant/migrations")),
                ignore: Ignore::none(),
            },
            RoleConfig {
                name: "master".into(),
                databases: vec!["rsm_master".into()],
                databases_from: None,
                desired: None,
                desired_arg: None,
                migrations: None,
                ignore: Ignore::none(),
            },
        ],
        settings: AuditSettings {
            jobs: Some(6),
            statement_timeout: Some(std::time::Duration::ZERO),
            fail_on: Some("error".into()),
        },
        lint: crate::lint::LintConfig::default(),
        docs: crate::docs::DocsConfig::default(),
    };
    assert_eq!(config, expected);
    assert_eq!(
        config.servers[0].url.password.as_ref().unwrap().expose(),
        SECRET
    );
}

#[test]
fn the_example_parses() {
    let config = parse(Path::new("/srv/team/pgdrift.toml"), EXAMPLE, &env).unwrap();
    let names: Vec<(&str, Stage)> = config
        .servers
        .iter()
        .map(|s| (s.name.as_str(), s.stage))
        .collect();
    assert_eq!(
        names,
        [("local", Stage::Development), ("prod", Stage::Production)]
    );
    assert_eq!(
        config.servers[0].url,
        url("postgres://postgres@localhost:5432/postgres")
    );
    assert_eq!(
        config.servers[1].url,
        url(&env("PROD_DATABASE_URL").unwrap())
    );
    assert_eq!(config.servers[1].exclude, ["template*", "postgres"]);
    assert_eq!(config.servers[1].max_connections, Some(4));
    let master = &config.roles[0];
    assert_eq!(
        (master.name.as_str(), master.desired.as_deref()),
        ("master", Some("/srv/team/db/master/migrations"))
    );
    assert_eq!(
        master.migrations.as_deref(),
        Some(Path::new("/srv/team/db/master/migrations"))
    );
    assert_eq!(config.roles[1].name, "tenant");
    assert_eq!(config.roles[1].migrations, None);
    assert_eq!(
        config.settings,
        AuditSettings {
            jobs: Some(8),
            statement_timeout: Some(std::time::Duration::from_secs(30)),
            fail_on: Some("warning".into()),
        }
    );
    // Without the variable, the example names it and where it is used.
    let e = err_with(EXAMPLE, &|_| None);
    assert!(e.starts_with("fleet/pgdrift.toml:16:8: environment variable PROD_DATABASE_URL (${PROD_DATABASE_URL} in url) is not set"), "{e}");
}

#[test]
fn load_and_find_read_the_file() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(find(dir.path()), None);
    let file = dir.path().join("pgdrift.toml");
    std::fs::write(&file, EXAMPLE).unwrap();
    assert_eq!(find(dir.path()), Some(file.clone()));
    let config = load(&file, &env).unwrap();
    assert_eq!(config.path, file);
    assert_eq!(
        config.roles[1].desired,
        Some(
            dir.path()
                .join("db/tenant/migrations")
                .display()
                .to_string()
        )
    );
    let missing = dir.path().join("nope.toml");
    let e = load(&missing, &env).unwrap_err();
    assert!(
        e.to_string().starts_with(&format!(
            "{}: cannot read the fleet configuration: ",
            missing.display()
        )),
        "{e}"
    );
    assert_eq!(e.location(), None);
}

#[test]
fn unknown_keys_are_placed() {
    assert_eq!(
        err(&format!("{HEAD}bogus = 1\n")),
        "fleet/pgdrift.toml:5:1: unknown field `bogus`, expected one of `name`, `url`, `stage`, `databases`, `exclude`, `max_connections`; remove the key or correct its spelling"
    );
    assert_eq!(
        err(&format!("colour = \"red\"\n{HEAD}")),
        "fleet/pgdrift.toml:1:1: unknown field `colour`, expected one of `server`, `role`, `audit`, `lint`, `docs`; remove the key or correct its spelling"
    );
    assert_eq!(
        err(&format!("{HEAD}[role.r]\ndatabases = [\"x\"]\n  desird = \"db\"\n")),
        "fleet/pgdrift.toml:7:3: unknown field `desird`, expected one of `databases`, `databases_from`, `desired`, `migrations`, `ignore`; remove the key or correct its spelling"
    );
    assert_eq!(
        err(&format!("{HEAD}[audit]\njob = 2\n")),
        "fleet/pgdrift.toml:6:1: unknown field `job`, expected one of `jobs`, `statement_timeout_secs`, `fail_on`; remove the key or correct its spelling"
    );
    assert_eq!(
        err("[[server]]\nname = \"a\"\nstage = \"test\"\n"),
        "fleet/pgdrift.toml:1:1: missing field `url`; add it"
    );
    let e = parse(path(), &format!("{HEAD}max_connections = -1\n"), &env).unwrap_err();
    assert_eq!(
        e.location(),
        Some(&Location {
            path: path().to_path_buf(),
            line: 5,
            column: 19
        })
    );
}

#[test]
fn bad_globs() {
    assert_eq!(
        err(&format!("{HEAD}exclude = [\"ok\", \"tenant_[0-9]\"]\n")),
        "fleet/pgdrift.toml:5:26: exclude pattern \"tenant_[0-9]\" uses [ ]: character classes are not supported, only * (any characters) and ? (one character)"
    );
    assert_eq!(
        err(&format!("{HEAD}[role.r]\ndatabases = [\"\"]\n")),
        "fleet/pgdrift.toml:6:15: databases pattern \"\" is empty: write \"*\" for every database"
    );
    assert_eq!(
        err(&format!("{HEAD}databases = []\n")),
        "fleet/pgdrift.toml:5:13: databases = [] matches no database: leave the key out to include them all"
    );
    // A pattern from a variable is not shown; the position is the string's.
    let e = err_with(
        &format!("{HEAD}[role.r]\ndatabases = [\"${{G}}\"]\n"),
        &|_| Some("x]".into()),
    );
    assert_eq!(e, "fleet/pgdrift.toml:6:14: databases pattern (from ${G}) uses [ ]: character classes are not supported, only * (any characters) and ? (one character)");
}

#[test]
fn unknown_stage_lists_the_stages() {
    assert_eq!(
        err("[[server]]\nname = \"a\"\nurl = \"postgres://h/db\"\nstage = \"prod\"\n"),
        "fleet/pgdrift.toml:4:9: unknown stage \"prod\": use one of development, test, staging, production"
    );
    assert_eq!(
        err("[[server]]\nname = \"a\"\nurl = \"postgres://h/db\"\nstage = \"${STAGE:-Production}\"\n"),
        "fleet/pgdrift.toml:4:9: unknown stage (from ${STAGE}): use one of development, test, staging, production"
    );
}

#[test]
fn interpolation_errors_point_at_the_dollar() {
    let server =
        |url: &str| format!("[[server]]\nname = \"a\"\nurl = \"{url}\"\nstage = \"test\"\n");
    let user_only = |name: &str| (name == "DB_USER").then(|| "me".to_string());
    assert_eq!(
        err_with(&server("postgres://${DB_USER}@${DB_HOST}/app"), &user_only),
        "fleet/pgdrift.toml:3:30: environment variable DB_HOST (${DB_HOST} in url) is not set or empty: export it, or give a default with ${DB_HOST:-value}"
    );
    assert_eq!(
        err(&server("${EMPTY}")),
        "fleet/pgdrift.toml:3:8: environment variable EMPTY (${EMPTY} in url) is not set or empty: export it, or give a default with ${EMPTY:-value}"
    );
    assert_eq!(
        err(&server("${PROD_DATABASE_URL")),
        "fleet/pgdrift.toml:3:8: url: ${ is not closed: write ${NAME} or ${NAME:-default} for a variable, $$ for a literal $"
    );
    assert_eq!(
        err(&server("postgres://h/$PROD_DATABASE_URL")),
        "fleet/pgdrift.toml:3:21: url: a $ followed by a name needs braces: write ${NAME} or ${NAME:-default} for a variable, $$ for a literal $"
    );
    assert_eq!(
        err(&server("${1X}")),
        "fleet/pgdrift.toml:3:8: url: ${...} must hold a variable name (letters, digits, _): write ${NAME} or ${NAME:-default} for a variable, $$ for a literal $"
    );
    // A string with escapes: the position is the string's start.
    assert_eq!(
        err_with(&server("\\u0070ostgres://${DB_HOST}/x"), &|_| None)
            .split(": ")
            .next(),
        Some("fleet/pgdrift.toml:3:7")
    );
}

#[test]
fn interpolation() {
    let vars = |name: &str| match name {
        "A" => Some("alpha".to_string()),
        "EMPTY" => Some(String::new()),
        _ => None,
    };
    let expanded = |text: &str| expand(text, &vars);
    assert_eq!(
        expanded("x${A}y${A}"),
        Ok(Expanded {
            value: "xalphayalpha".into(),
            vars: vec!["A".into()],
        })
    );
    assert_eq!(expanded("${A:-d}").unwrap().value, "alpha");
    assert_eq!(expanded("${NOPE:-d:-e}").unwrap().value, "d:-e");
    assert_eq!(expanded("${EMPTY:-fallback}").unwrap().value, "fallback");
    assert_eq!(expanded("${NOPE:-}").unwrap().value, "");
    assert_eq!(expanded("${NOPE:-x}").unwrap().vars, ["NOPE"]);
    assert_eq!(expanded("pa$$word$$").unwrap().value, "pa$word$");
    assert_eq!(expanded("$$A").unwrap().value, "$A");
    assert_eq!(expanded("a$ $1 $-$").unwrap().value, "a$ $1 $-$");
    assert_eq!(expanded("no vars").unwrap().vars, Vec::<String>::new());
    assert_eq!(
        expanded("ab${NOPE}"),
        Err(InterpError::Unset {
            name: "NOPE".into(),
            offset: 2
        })
    );
    assert_eq!(
        expanded("${EMPTY}"),
        Err(InterpError::Unset {
            name: "EMPTY".into(),
            offset: 0
        })
    );
    assert_eq!(
        expanded("x${A"),
        Err(InterpError::Unterminated { offset: 1 })
    );
    assert_eq!(expanded("${}"), Err(InterpError::BadName { offset: 0 }));
    assert_eq!(
        expanded("$$${A-x}"),
        Err(InterpError::BadName { offset: 2 })
    );
    assert_eq!(expanded("é$A"), Err(InterpError::NoBraces { offset: 2 }));
    // Through a whole file: every string value, never keys.
    let config = ok(&format!(
        "{HEAD}[role.r]\ndatabases = [\"${{TENANT_GLOB}}\", \"cost$$x\"]\ndesired = \"${{NOPE:-db/x}}\"\n"
    ));
    assert_eq!(config.roles[0].databases, ["tenant_*", "cost$x"]);
    assert_eq!(config.roles[0].desired.as_deref(), Some("fleet/db/x"));
    assert!(err("[role.\"${A}\"]\ndatabases = [\"x\"]\n").contains("no [[server]] table"));
    let config = ok(&format!(
        "{HEAD}[role.\"${{TENANT_GLOB}}\"]\ndatabases = [\"x\"]\n"
    ));
    assert_eq!(config.roles[0].name, "${TENANT_GLOB}");
}

#[test]
fn bad_urls_never_show_the_password() {
    let server =
        |url: &str| format!("[[server]]\nname = \"a\"\nurl = \"{url}\"\nstage = \"test\"\n");
    assert_eq!(
        err(&server("postgres://admin:hunter22@db:54x2/app")),
        "fleet/pgdrift.toml:3:7: url is not a connection string pgdrift can use: invalid value for connection parameter \"port\": \"54x2\" is not a port number; write a postgres://user@host:port/dbname URL (keep the password in a variable: url = \"${NAME}\")"
    );
    let bad = |name: &str| {
        (name == "PROD_DATABASE_URL").then(|| format!("postgres://app:{SECRET}@db:bad/x"))
    };
    assert_eq!(
        err_with(&server("${PROD_DATABASE_URL}"), &bad),
        "fleet/pgdrift.toml:3:7: url (from ${PROD_DATABASE_URL}) is not a connection string pgdrift can use: invalid value for connection parameter \"port\": \"bad\" is not a port number; write a postgres://user@host:port/dbname URL (keep the password in a variable: url = \"${NAME}\")"
    );
    assert_eq!(
        err(&server("mysql://root:hunter22@h/db")),
        "fleet/pgdrift.toml:3:7: url is not a connection string pgdrift can use: invalid connection URL: the scheme must be postgres:// or postgresql://; write a postgres://user@host:port/dbname URL (keep the password in a variable: url = \"${NAME}\")"
    );
}

#[test]
fn secrets_never_reach_error_messages() {
    let server =
        |url: &str| format!("[[server]]\nname = \"a\"\nurl = \"{url}\"\nstage = \"test\"\n");
    // Passwords that confuse the parser into quoting pieces of them.
    let urls = [
        format!("postgres://u:{SECRET}@h:x/db"),
        format!("postgres://u:ab/{SECRET}@h/db"),
        format!("postgres://u:{SECRET}/cd@h/db"),
        format!("host=h password={SECRET} extra"),
        format!("host=h password=ab {SECRET}=1"),
        format!("postgres://h/db?password={SECRET}&bogus"),
    ];
    for value in &urls {
        let from_var = |_: &str| Some(value.clone());
        for text in [server(value), server("${V}")] {
            match parse(path(), &text, &from_var) {
                Err(e) => {
                    let message = e.to_string();
                    assert!(!message.contains(SECRET), "{message}");
                    assert!(!message.contains("s3cr"), "{message}");
                }
                Ok(config) => panic!("{value} parsed: {config:?}"),
            }
        }
    }
    // Values from variables are never quoted, whatever the key.
    let secret_env = |_: &str| Some(SECRET.to_string());
    for text in [
        "[[server]]\nname = \"a\"\nurl = \"postgres://h\"\nstage = \"${S}\"\n".to_string(),
        format!("{HEAD}exclude = [\"${{S}}[\"]\n"),
        format!("{HEAD}[audit]\nfail_on = \"${{S}}\"\n"),
        format!("{HEAD}{HEAD}").replace("name = \"a\"", "name = \"${S}\""),
        format!("{HEAD}[role.r]\ndatabases = [\"x\"]\ndesired = \"${{S}}\"\n[role.s]\n"),
    ] {
        let message = err_with(&text, &secret_env);
        assert!(message.starts_with("fleet/pgdrift.toml:"), "{message}");
        assert!(!message.contains(SECRET), "{message}");
    }
}

#[test]
fn duplicate_servers() {
    assert_eq!(
        err(&format!("{HEAD}\n{HEAD}")),
        "fleet/pgdrift.toml:7:8: a second server named \"a\" (the first is on line 2): give every [[server]] its own name"
    );
}

#[test]
fn roles_need_databases() {
    assert_eq!(
        err(&format!("{HEAD}[role.master]\ndesired = \"db\"\n")),
        "fleet/pgdrift.toml:5:7: role \"master\" lists no databases: add databases = [\"pattern\", ...], or databases_from = { server = \"NAME\", database = \"DB\", query = \"SELECT ...\" } (a registry), to say which databases play it"
    );
    assert_eq!(
        err(&format!("{HEAD}[role.master]\ndatabases = []\n")),
        "fleet/pgdrift.toml:6:13: role \"master\" lists no databases: add databases = [\"pattern\", ...], or databases_from = { server = \"NAME\", database = \"DB\", query = \"SELECT ...\" } (a registry), to say which databases play it"
    );
}

#[test]
fn a_fleet_needs_a_server() {
    let message = "fleet/pgdrift.toml:1:1: no [[server]] table: add one with a name, a url and a stage (`pgdrift audit --init` writes an example)";
    assert_eq!(err(""), message);
    assert_eq!(err("[role.m]\ndatabases = [\"x\"]\n"), message);
}

#[test]
fn bad_values() {
    assert_eq!(
        err(&format!("{HEAD}max_connections = 0\n")),
        "fleet/pgdrift.toml:5:19: max_connections = 0: use 1 or more"
    );
    assert_eq!(
        err(&format!("{HEAD}[audit]\njobs = 0\n")),
        "fleet/pgdrift.toml:6:8: jobs = 0: use 1 or more"
    );
    assert_eq!(
        err(&format!("{HEAD}[audit]\nfail_on = \"fatal\"\n")),
        "fleet/pgdrift.toml:6:11: fail_on \"fatal\" is not a level: use one of info, warning, error"
    );
    assert_eq!(
        err("[[server]]\nname = \" \"\nurl = \"postgres://h/db\"\nstage = \"test\"\n"),
        "fleet/pgdrift.toml:2:8: name is empty: give it a value"
    );
    assert_eq!(
        err(&format!(
            "{HEAD}[role.r]\ndatabases = [\"x\"]\nmigrations = \"${{NOPE:-}}\"\n"
        )),
        "fleet/pgdrift.toml:7:14: migrations (from ${NOPE}) is empty: give it a value"
    );
}

#[test]
fn relative_paths_are_resolved_against_the_file() {
    let roles = |desired: &str| {
        format!(
            "{HEAD}[role.r]\ndatabases = [\"x\"]\ndesired = \"{desired}\"\nmigrations = \"m\"\n"
        )
    };
    let desired = |file: &str, desired: &str| {
        let config = parse(Path::new(file), &roles(desired), &env).unwrap();
        (
            config.roles[0].desired.clone().unwrap(),
            config.roles[0].migrations.clone().unwrap(),
        )
    };
    assert_eq!(
        desired("/etc/team/pgdrift.toml", "db/migrations"),
        ("/etc/team/db/migrations".into(), "/etc/team/m".into())
    );
    assert_eq!(
        desired("pgdrift.toml", "db/migrations"),
        ("db/migrations".into(), "m".into())
    );
    assert_eq!(
        desired("../x/pgdrift.toml", "./schema.json").0,
        "../x/./schema.json"
    );
    assert_eq!(desired("/t/pgdrift.toml", "/abs/db").0, "/abs/db");
    assert_eq!(
        desired("/t/pgdrift.toml", "a.sql,sub/b.sql").0,
        "/t/a.sql,/t/sub/b.sql"
    );
    assert_eq!(
        desired("/t/pgdrift.toml", "cmd:./export.sh --sql").0,
        "cmd:./export.sh --sql"
    );
    assert_eq!(
        desired("/t/pgdrift.toml", "env:SCHEMA_URL").0,
        "env:SCHEMA_URL"
    );
    assert_eq!(
        desired("/t/pgdrift.toml", "postgres://u@h/db").0,
        "postgres://u@h/db"
    );
    assert_eq!(
        desired("/t/pgdrift.toml", "host=h dbname=x").0,
        "host=h dbname=x"
    );
}

#[test]
fn first_role_in_file_order_wins() {
    let config = ok(&format!(
        "{HEAD}[role.zeta]\ndatabases = [\"tenant_vip*\"]\n[role.alpha]\ndatabases = [\"tenant_*\", \"shared\"]\n[role.mid]\ndatabases = [\"*\"]\n"
    ));
    let names: Vec<&str> = config.roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["zeta", "alpha", "mid"]);
    let role = |db: &str| config.role_of(db).map(|r| r.name.as_str());
    assert_eq!(role("tenant_vip_1"), Some("zeta"));
    assert_eq!(role("tenant_42"), Some("alpha"));
    assert_eq!(role("shared"), Some("alpha"));
    assert_eq!(role("other"), Some("mid"));
    let config = ok(&format!("{HEAD}[role.t]\ndatabases = [\"tenant_??\"]\n"));
    assert_eq!(config.role_of("tenant_1"), None);
    assert_eq!(
        config.role_of("tenant_12").map(|r| r.name.as_str()),
        Some("t")
    );
}

#[test]
fn server_include_and_exclude() {
    let config = ok(&format!(
        "{HEAD}\n[[server]]\nname = \"b\"\nurl = \"postgres://h2\"\nstage = \"staging\"\ndatabases = [\"app_*\", \"main\"]\nexclude = [\"app_tmp*\"]\n"
    ));
    let (all, some) = (&config.servers[0], &config.servers[1]);
    assert!(server_includes(all, "anything"));
    assert!(server_includes(some, "app_1"));
    assert!(server_includes(some, "main"));
    assert!(!server_includes(some, "app_tmp_2"));
    assert!(!server_includes(some, "mainx"));
    let excluding = ok(&format!("{HEAD}exclude = [\"template*\"]\n"));
    assert!(!server_includes(&excluding.servers[0], "template1"));
    assert!(server_includes(&excluding.servers[0], "app"));
}

#[test]
fn stages() {
    assert_eq!(Stage::parse("staging"), Some(Stage::Staging));
    assert_eq!(Stage::parse("Production"), None);
    assert_eq!(Stage::list(), "development, test, staging, production");
    assert_eq!(
        serde_json::to_string(&Stage::Production).unwrap(),
        "\"production\""
    );
    assert!(Stage::Development < Stage::Production);
}

#[test]
fn roles_ignore_files_of_their_directories() {
    let config = ok(&format!(
        "{HEAD}[role.app]\ndatabases = [\"app\"]\nmigrations = \"db\"\nignore = [\"*.sql.old\", \"${{TENANT_GLOB}}.bak\"]\n[role.other]\ndatabases = [\"x\"]\n"
    ));
    let app = &config.roles[0];
    assert_eq!(app.ignore.patterns(), ["*.sql.old", "tenant_*.bak"]);
    assert!(app.ignore.matches("002_x.sql.old", false));
    assert!(app.ignore.matches("tenant_a.bak", false));
    assert!(!app.ignore.matches("002_x.sql", false));
    assert!(config.roles[1].ignore.is_empty());
    // A bad glob is placed at its string; a wrong type at the value.
    assert_eq!(
        err(&format!("{HEAD}[role.r]\ndatabases = [\"x\"]\nignore = [\"ok\", \"a[b\"]\n")),
        "fleet/pgdrift.toml:7:17: ignore pattern \"a[b\" is not a valid glob: unclosed character class; missing ']'"
    );
    let e = err(&format!(
        "{HEAD}[role.r]\ndatabases = [\"x\"]\nignore = \"*.old\"\n"
    ));
    assert!(
        e.starts_with("fleet/pgdrift.toml:7:10: invalid type"),
        "{e}"
    );
}

#[test]
fn commands_name_sources_from_variables_by_the_variable_and_mask_the_rest() {
    let config = ok(&format!(
        r#"{HEAD}
[role.a]
databases = ["a"]
desired = "${{PROD_DATABASE_URL}}"

[role.b]
databases = ["b"]
desired = "postgres://app:{SECRET}@db.internal/master"

[role.c]
databases = ["c"]
desired = "cmd:PGPASSWORD='{SECRET}' pg_dump -s -h db.internal"

[role.d]
databases = ["d"]
desired = "${{NOPE:-db/tenant}}"
"#
    ));
    let args: Vec<&str> = (config.roles.iter())
        .map(|r| r.desired_arg.as_deref().unwrap())
        .collect();
    assert_eq!(
        args,
        [
            "env:PROD_DATABASE_URL",
            "postgres://app:***@db.internal/master",
            "cmd:PGPASSWORD=*** pg_dump -s -h db.internal",
            "fleet/db/tenant",
        ]
    );
    assert_eq!(config.servers[0].url_var, None);
    let server = ok("[[server]]\nname = \"a\"\nurl = \"${PROD_DATABASE_URL}\"\nstage = \"test\"\n");
    assert_eq!(
        server.servers[0].url_var.as_deref(),
        Some("PROD_DATABASE_URL")
    );
}

#[test]
fn the_lint_table_is_checked_with_the_rest_of_the_file() {
    let env = |_: &str| None;
    let base = "[[server]]\nname = \"a\"\nurl = \"postgres://u@h/db\"\nstage = \"test\"\n";
    let text = format!("{base}[lint]\nrules = {{ PL303 = \"off\" }}\n");
    let config = parse(Path::new("pgdrift.toml"), &text, &env).unwrap();
    assert_eq!(
        config
            .lint
            .level(crate::lint::RuleId::TimestampWithoutTimeZone),
        None
    );
    let text = format!("{base}\n[lint]\nrules = {{ PL998 = \"off\" }}\n");
    let e = parse(Path::new("pgdrift.toml"), &text, &env)
        .unwrap_err()
        .to_string();
    assert!(e.contains("pgdrift.toml:6") && e.contains("PL998"), "{e}");
    let text = format!("{base}[lint]\nstrictness = 1\n");
    assert!(parse(Path::new("pgdrift.toml"), &text, &env).is_err());
}

#[test]
fn the_docs_table_is_checked_with_the_rest_of_the_file() {
    let env = |_: &str| None;
    let base = "[[server]]\nname = \"a\"\nurl = \"postgres://u@h/db\"\nstage = \"test\"\n";
    let parsed = |text: &str| parse(Path::new("pgdrift.toml"), text, &env);
    assert_eq!(parsed(base).unwrap().docs.link, None);
    let text = format!(
        "{base}[docs]\nlink = \"docs/{{server}}/{{database}}/README.md\"\n\
         [docs.viewpoint.billing]\ntables = [\"billing.*\"]\n"
    );
    let config = parsed(&text).unwrap();
    assert_eq!(
        config.docs.link_for("a", "app").as_deref(),
        Some("docs/a/app/README.md")
    );
    assert_eq!(config.docs.viewpoints[0].name, "billing");
    let e = parsed(&format!("{base}\n[docs]\ncolour = 1\n"))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("pgdrift.toml:6") && e.contains("colour"),
        "{e}"
    );
    let e = parsed(&format!("{base}[docs]\ndiagram_tables = 0\n"))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("pgdrift.toml:5") && e.contains("diagram_tables"),
        "{e}"
    );
    let e = parsed(&format!("{base}[docs.viewpoint.x]\ntables = [\"a[\"]\n"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("[docs] viewpoint x: `a[`"), "{e}");
}
