//! Opening a connection: a [`ConnInfo`] becomes a `tokio_postgres::Client`, with TLS when the
//! sslmode asks for it, and the server's version read once. Failures become one clear line
//! that names the target (password masked) and the cause.

use super::conninfo::{mask_urls, ConnInfo, Host, SslMode};
use super::tls::{self, TlsSetupError};
use std::fmt;
use std::time::Duration;
use tokio_postgres::config::SslMode as PgSslMode;
use tokio_postgres::error::SqlState;
use tokio_postgres::Client;

/// How long to wait for a server to answer when the connection string does not say.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The version of a PostgreSQL server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerVersion {
    /// `server_version_num`, e.g. 160004.
    pub num: u32,
    /// `server_version`, e.g. `16.4 (Debian 16.4-1)`; only the leading number is kept.
    pub text: String,
}

impl ServerVersion {
    /// The major version (14, 15, ...).
    pub fn major(&self) -> u32 {
        self.num / 10000
    }
}

impl fmt::Display for ServerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// An open connection with what was learnt while opening it.
#[derive(Debug)]
pub struct Connection {
    pub client: Client,
    pub version: ServerVersion,
    /// The database connected to.
    pub database: String,
    /// The masked connection string, for messages.
    pub target: String,
}

/// Why a connection could not be opened. `Display` gives one line: target, cause and what
/// to check; it never contains a password.
#[derive(Debug, thiserror::Error)]
#[error("cannot connect to {target}: {cause}")]
pub struct ConnectError {
    /// The masked connection string.
    pub target: String,
    /// What went wrong and what to do about it.
    pub cause: String,
    pub reason: ConnectFailure,
}

/// The broad class of a connection failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectFailure {
    Unreachable,
    Authentication,
    UnknownDatabase,
    Privileges,
    Tls,
    Timeout,
    Other,
}

/// The lowest server version pgdrift reads.
pub const MIN_SERVER_VERSION: u32 = 140000;

/// Opens a connection to `info` (already resolved against the environment).
pub async fn connect(info: &ConnInfo) -> Result<Connection, ConnectError> {
    let target = info.to_string();
    let fail = |reason: ConnectFailure, cause: String| ConnectError {
        target: target.clone(),
        cause: mask_urls(&cause),
        reason,
    };
    let config = pg_config(info);
    let timeout = info.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
    let uses_tls = config.get_ssl_mode() != PgSslMode::Disable;
    let attempt = async {
        if uses_tls {
            let tls = tls::connector(info)
                .map_err(|e: TlsSetupError| fail(ConnectFailure::Tls, e.to_string()))?;
            let (client, conn) = config
                .connect(tls)
                .await
                .map_err(|e| classify(&e, info, &fail))?;
            tokio::spawn(conn);
            Ok(client)
        } else {
            let (client, conn) = config
                .connect(tokio_postgres::NoTls)
                .await
                .map_err(|e| classify(&e, info, &fail))?;
            tokio::spawn(conn);
            Ok(client)
        }
    };
    let client = match tokio::time::timeout(timeout, attempt).await {
        Ok(result) => result?,
        Err(_) => {
            return Err(fail(
                ConnectFailure::Timeout,
                format!(
                "no answer within {}s; check the host, port and firewall, or raise connect_timeout",
                timeout.as_secs()
            ),
            ))
        }
    };
    let row = client
        .query_one(
            "SELECT current_setting('server_version_num')::int4, current_setting('server_version'), current_database()::text",
            &[],
        )
        .await
        .map_err(|e| fail(ConnectFailure::Other, format!("reading the server version: {}", db_message(&e))))?;
    let num: i32 = row.get(0);
    let text: String = row.get(1);
    let version = ServerVersion {
        num: num as u32,
        text: text.split_whitespace().next().unwrap_or("").to_string(),
    };
    if version.num < MIN_SERVER_VERSION {
        return Err(fail(
            ConnectFailure::Other,
            format!("the server runs PostgreSQL {version}; pgdrift reads PostgreSQL 14 and newer"),
        ));
    }
    Ok(Connection {
        client,
        version,
        database: row.get(2),
        target,
    })
}

/// Translates a resolved [`ConnInfo`] into tokio-postgres settings.
fn pg_config(info: &ConnInfo) -> tokio_postgres::Config {
    let mut config = tokio_postgres::Config::new();
    for host in &info.hosts {
        match host {
            Host::Tcp(h) => config.host(h),
            Host::Unix(p) => config.host_path(p),
        };
    }
    for port in &info.ports {
        config.port(*port);
    }
    if let Some(user) = &info.user {
        config.user(user);
    }
    if let Some(password) = &info.password {
        config.password(password.expose());
    }
    if let Some(db) = &info.dbname {
        config.dbname(db);
    }
    if let Some(options) = &info.options {
        config.options(options);
    }
    config.application_name(info.application_name.as_deref().unwrap_or("pgdrift"));
    if info.target_session_attrs.as_deref() == Some("read-write") {
        config.target_session_attrs(tokio_postgres::config::TargetSessionAttrs::ReadWrite);
    }
    let all_unix = info.hosts.iter().all(|h| matches!(h, Host::Unix(_)));
    config.ssl_mode(match info.ssl_mode() {
        _ if all_unix => PgSslMode::Disable,
        SslMode::Disable => PgSslMode::Disable,
        SslMode::Allow | SslMode::Prefer => PgSslMode::Prefer,
        SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => PgSslMode::Require,
    });
    config
}

/// The server's message for a database error, else the error's own text.
pub(crate) fn db_message(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => with_detail(db.message(), db.detail(), db.hint()),
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                let more = s.to_string();
                if !text.contains(&more) {
                    text.push_str(": ");
                    text.push_str(&more);
                }
                source = s.source();
            }
            text
        }
    }
}

/// A server error's message with its DETAIL (which names, say, the objects that depend on
/// what could not be dropped) and HINT, on one line.
pub(crate) fn with_detail(message: &str, detail: Option<&str>, hint: Option<&str>) -> String {
    let mut text = message.to_string();
    for (label, part) in [("DETAIL", detail), ("HINT", hint)] {
        let lines: Vec<&str> = part
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if !lines.is_empty() {
            text.push_str(&format!("; {label}: {}", lines.join("; ")));
        }
    }
    text
}

#[cfg(test)]
#[test]
fn details_and_hints_are_kept_on_one_line() {
    assert_eq!(
        with_detail(
            "cannot drop type public.mood because other objects depend on it",
            Some("column m of table t depends on type public.mood\nview v depends on table t"),
            Some("Use DROP ... CASCADE to drop the dependent objects too."),
        ),
        "cannot drop type public.mood because other objects depend on it; DETAIL: column m of \
         table t depends on type public.mood; view v depends on table t; HINT: Use DROP ... \
         CASCADE to drop the dependent objects too."
    );
    assert_eq!(with_detail("boom", None, Some("")), "boom");
}

fn classify(
    e: &tokio_postgres::Error,
    info: &ConnInfo,
    fail: &dyn Fn(ConnectFailure, String) -> ConnectError,
) -> ConnectError {
    let message = db_message(e);
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        return if *code == SqlState::INVALID_PASSWORD {
            fail(
                ConnectFailure::Authentication,
                format!("{message}; check the password (in the URL, PGPASSWORD or ~/.pgpass)"),
            )
        } else if *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION {
            fail(
                ConnectFailure::Authentication,
                format!("{message}; the server's pg_hba.conf does not let this user in from here"),
            )
        } else if *code == SqlState::INVALID_CATALOG_NAME {
            fail(
                ConnectFailure::UnknownDatabase,
                format!("{message}; list the server's databases with: psql -l"),
            )
        } else if *code == SqlState::INSUFFICIENT_PRIVILEGE {
            fail(
                ConnectFailure::Privileges,
                format!("{message}; the role needs CONNECT on the database"),
            )
        } else {
            fail(ConnectFailure::Other, message)
        };
    }
    let lower = message.to_lowercase();
    if lower.contains("tls") || lower.contains("certificate") || lower.contains("ssl") {
        return fail(ConnectFailure::Tls, message);
    }
    if lower.contains("password missing") {
        return fail(
            ConnectFailure::Authentication,
            "the server asks for a password and none was given; put it in the URL, PGPASSWORD or ~/.pgpass".into(),
        );
    }
    let hint = match info.hosts.first() {
        _ if lower.contains("lookup address") || lower.contains("name or service") => {
            "check the host name (it does not resolve from here)".to_string()
        }
        Some(Host::Unix(dir)) => format!(
            "is a server running with its socket in {}? (pass host=... for another directory)",
            dir.display()
        ),
        _ => "is the server running and accepting TCP connections on that host and port?".into(),
    };
    fail(ConnectFailure::Unreachable, format!("{message}; {hint}"))
}
