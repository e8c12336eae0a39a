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
    let cases: &[(&str, &str)] = &[
        (
            "cannot reach postgres://bob:secret@host/db now",
            "cannot reach postgres://bob:***@host/db now",
        ),
        (
            "postgresql://h/db?user=x&password=secret&sslmode=require",
            "postgresql://h/db?user=x&password=***&sslmode=require",
        ),
        ("host=h password='a b' user=x", "host=h password=*** user=x"),
        ("no secrets here", "no secrets here"),
        // Mistyped schemes, any case, and other schemes.
        (
            "postgres:/u:pw@h/db: no such file",
            "postgres:/u:***@h/db: no such file",
        ),
        ("postgres//u:pw@h/db", "postgres//u:***@h/db"),
        ("postgresql:u:pw@h/db", "postgresql:u:***@h/db"),
        ("POSTGRES://u:pw@h/db", "POSTGRES://u:***@h/db"),
        ("mysql://u:secret@h/db", "mysql://u:***@h/db"),
        ("postgres://:pw@h/db", "postgres://:***@h/db"),
        ("u:pw@h/db", "u:***@h/db"),
        // Unencoded @ / ? # ' and a space in the password.
        (
            "x postgres://u:p@s/s?w#rd@h/db y",
            "x postgres://u:***@h/db y",
        ),
        ("postgres://u:it's@h/db", "postgres://u:***@h/db"),
        (
            "error: unexpected argument 'postgres://u:pa ss@h/db' found",
            "error: unexpected argument 'postgres://u:***@h/db' found",
        ),
        ("postgres://u:@0 a@h/db x", "postgres://u:***@h/db x"),
        // key=value pairs in any case, and commands.
        ("PASSWORD=abc x", "PASSWORD=*** x"),
        (
            "postgres://h/db?Password=abc&x=1",
            "postgres://h/db?Password=***&x=1",
        ),
        ("sslpassword=x sslmode=y", "sslpassword=*** sslmode=y"),
        ("password = 'x y' host=h", "password = *** host=h"),
        ("PGPASSWORD=s3cr3t pg_dump -s", "PGPASSWORD=*** pg_dump -s"),
        (
            "PGPASSWORD='a b'\\''c' pg_dump -s",
            "PGPASSWORD=*** pg_dump -s",
        ),
        (
            "PGPASSWORD=\"a \\\" b\" pg_dump -s",
            "PGPASSWORD=*** pg_dump -s",
        ),
        (
            "drizzle-kit pull --password=x1 --host h",
            "drizzle-kit pull --password=*** --host h",
        ),
        (
            "drizzle-kit pull --password x1 --host h",
            "drizzle-kit pull --password *** --host h",
        ),
        ("pg_dump -Wx1 -h h", "pg_dump -W*** -h h"),
        ("pg_dump -W'a b' -h h", "pg_dump -W*** -h h"),
        (
            "pg_dump postgres://u:x@h/db",
            "pg_dump postgres://u:***@h/db",
        ),
        (
            "a\npostgres://u:pw@h/db\nb@c",
            "a\npostgres://u:***@h/db\nb@c",
        ),
    ];
    let kept = [
        "password authentication failed for user \"u\"",
        "postgresql://u@h:5432/db",
        "postgresql://h:5432/db: refused",
        "table public.x: differs",
        "check the password (in the URL, PGPASSWORD or ~/.pgpass)",
        "pgdrift diff 'postgresql://u:***@h/db' 'postgresql://v:***@h2/db2' -f sql",
        "pgdrift diff 'postgresql://u@h:5432/db' 'postgresql://v@h2:5432/db2' -f sql",
        "cannot connect to postgresql://me%40srv:***@h/db: failed for user \"me@srv\"",
        "/usr/lib/postgresql/16/bin/postgres",
        "psql --password -h h",
        "pg_dump -W -h h",
        "PGPASSWORD= pg_dump",
    ];
    let mut wrong = Vec::new();
    for (input, want) in cases.iter().copied().chain(kept.iter().map(|k| (*k, *k))) {
        let got = mask_urls(input);
        if got != want {
            wrong.push(format!("{input:?}\n  gives {got:?}\n  not   {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn masking_one_value_and_what_is_said_about_it() {
    assert_eq!(
        mask_value("postgres://u:a @b c@h/db"),
        "postgres://u:***@h/db"
    );
    assert_eq!(
        mask_value("cmd:pg_dump -s 'postgres://u:x y@h/db' | sed s/a/b/"),
        "cmd:pg_dump -s 'postgres://u:***@h/db' | sed s/a/b/"
    );
    let said = mask_quoting(
        "\"abc\" is not a port number (in abc/def@h), \"de\"",
        "postgres://u:abc/def@h/db",
    );
    assert_eq!(said, "\"***\" is not a port number (in ***@h), \"de\"");
}

#[test]
fn an_unencoded_slash_or_question_mark_in_a_password_is_refused() {
    for url in [
        "postgres://u:p/ss@h/db",
        "postgres://u:p@ss w/rd@h/db",
        "postgres://u:p?ss@h/db",
    ] {
        let err = ConnInfo::parse(url).unwrap_err().to_string();
        assert!(err.contains("%40 %2F %3F %23"), "{url}: {err}");
    }
    let c = ConnInfo::parse("postgres://u:p%2Fss@h/db?application_name=me@x").unwrap();
    assert_eq!(c.password.unwrap().expose(), "p/ss");
    assert_eq!(c.application_name.as_deref(), Some("me@x"));
}

#[test]
fn parse_errors_never_quote_a_password() {
    for input in [
        "postgres://u:abc/def@h/db",
        "postgres://u:sec?ret@h/db",
        "postgres://u:sec%zzret@h:99999/db",
        "host=h password=secret1 junk",
    ] {
        let err = ConnInfo::parse(input).unwrap_err().to_string();
        for piece in ["abc", "def", "sec", "ret", "secret1"] {
            if input.contains(piece) {
                assert!(!err.contains(piece), "{input}: {err}");
            }
        }
    }
}
