use super::*;

fn no_env(_: &str) -> Option<String> {
    None
}

#[test]
fn url_with_everything() {
    let c = ConnInfo::parse(
        "postgresql://alice:s%3Acret@db.example.com:6432/app%20db?sslmode=verify-full&application_name=x",
    )
    .unwrap();
    assert_eq!(c.hosts, vec![Host::Tcp("db.example.com".into())]);
    assert_eq!(c.ports, vec![6432]);
    assert_eq!(c.user.as_deref(), Some("alice"));
    assert_eq!(c.password.as_ref().unwrap().expose(), "s:cret");
    assert_eq!(c.dbname.as_deref(), Some("app db"));
    assert_eq!(c.sslmode, Some(SslMode::VerifyFull));
    assert_eq!(c.application_name.as_deref(), Some("x"));
}

#[test]
fn postgres_scheme_socket_in_query_and_in_authority() {
    let c = ConnInfo::parse("postgres://u@/mydb?host=/tmp/sock&port=5433").unwrap();
    assert_eq!(c.hosts, vec![Host::Unix("/tmp/sock".into())]);
    assert_eq!(c.ports, vec![5433]);
    let c = ConnInfo::parse("postgresql://%2Fvar%2Frun%2Fpostgresql/db").unwrap();
    assert_eq!(c.hosts, vec![Host::Unix("/var/run/postgresql".into())]);
    assert_eq!(c.dbname.as_deref(), Some("db"));
}

#[test]
fn multiple_hosts_and_ipv6() {
    let c = ConnInfo::parse("postgresql://h1:5432,[::1]:5433,h3/db").unwrap();
    assert_eq!(
        c.hosts,
        vec![
            Host::Tcp("h1".into()),
            Host::Tcp("::1".into()),
            Host::Tcp("h3".into())
        ]
    );
    assert_eq!(c.ports, vec![5432, 5433]);
}

#[test]
fn key_value_form() {
    let c = ConnInfo::parse("host=localhost port=5433 dbname='my db' user=bob password='it\\'s'")
        .unwrap();
    assert_eq!(c.hosts, vec![Host::Tcp("localhost".into())]);
    assert_eq!(c.ports, vec![5433]);
    assert_eq!(c.dbname.as_deref(), Some("my db"));
    assert_eq!(c.password.unwrap().expose(), "it's");
}

#[test]
fn bad_input_is_named() {
    assert_eq!(
        ConnInfo::parse("postgresql://h/db?bogus=1").unwrap_err(),
        ConnInfoError::UnknownParameter("bogus".into())
    );
    assert!(matches!(
        ConnInfo::parse("postgresql://h:99999/db").unwrap_err(),
        ConnInfoError::InvalidValue { .. }
    ));
    assert!(matches!(
        ConnInfo::parse("postgresql://h/db?sslmode=sometimes").unwrap_err(),
        ConnInfoError::InvalidValue { .. }
    ));
    assert!(ConnInfo::parse("mysql://h/db").is_err());
    assert!(ConnInfo::parse("just words").is_err());
}

#[test]
fn env_fills_only_what_is_missing() {
    let env = |k: &str| match k {
        "PGHOST" => Some("envhost".to_string()),
        "PGPORT" => Some("7000".to_string()),
        "PGUSER" => Some("envuser".to_string()),
        "PGPASSWORD" => Some("envpw".to_string()),
        "PGSSLMODE" => Some("require".to_string()),
        _ => None,
    };
    let c = ConnInfo::parse("postgresql://urluser@urlhost/db")
        .unwrap()
        .resolve(&env)
        .unwrap();
    assert_eq!(c.hosts, vec![Host::Tcp("urlhost".into())]);
    assert_eq!(c.ports, vec![7000]);
    assert_eq!(c.user.as_deref(), Some("urluser"));
    assert_eq!(c.password.as_ref().unwrap().expose(), "envpw");
    assert_eq!(c.ssl_mode(), SslMode::Require);
    let c = ConnInfo::default().resolve(&env).unwrap();
    assert_eq!(c.dbname.as_deref(), Some("envuser"));
}

#[test]
fn pgpass_lookup() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pgpass");
    std::fs::write(
        &file,
        "# comment\nother:*:*:*:nope\ndb.example.com:5432:app:alice:pa\\:ss:word\n*:*:*:*:fallback\n",
    )
    .unwrap();
    let env = |k: &str| (k == "PGPASSFILE").then(|| file.display().to_string());
    let c = ConnInfo::parse("postgresql://alice@db.example.com/app")
        .unwrap()
        .resolve(&env)
        .unwrap();
    assert_eq!(c.password.unwrap().expose(), "pa:ss:word");
    let c = ConnInfo::parse("postgresql://bob@elsewhere/app")
        .unwrap()
        .resolve(&env)
        .unwrap();
    assert_eq!(c.password.unwrap().expose(), "fallback");
}

#[test]
fn display_and_debug_never_show_the_password() {
    let c = ConnInfo::parse("postgresql://alice:hunter2@h:5433/db?sslmode=require").unwrap();
    let shown = c.to_string();
    assert_eq!(shown, "postgresql://alice:***@h:5433/db?sslmode=require");
    assert!(!format!("{c:?}").contains("hunter2"));
    let c = ConnInfo::parse("postgresql://alice@/db?host=/tmp/s&password=hunter2")
        .unwrap()
        .resolve(&no_env)
        .unwrap();
    let shown = c.to_string();
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("host=%2Ftmp%2Fs"), "{shown}");
}

#[test]
fn masking_free_text() {
    assert_eq!(
        mask_urls("cannot reach postgres://bob:secret@host/db now"),
        "cannot reach postgres://bob:***@host/db now"
    );
    assert_eq!(
        mask_urls("postgresql://h/db?user=x&password=secret&sslmode=require"),
        "postgresql://h/db?user=x&password=***&sslmode=require"
    );
    assert_eq!(
        mask_urls("host=h password='a b' user=x"),
        "host=h password=*** user=x"
    );
    assert_eq!(mask_urls("no secrets here"), "no secrets here");
}
