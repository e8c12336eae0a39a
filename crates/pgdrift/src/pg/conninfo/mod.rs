//! Connection strings: libpq-style URLs (`postgres://` / `postgresql://`) and `key=value`
//! strings, completed from the standard `PG*` environment variables, `~/.pgpass` and libpq's
//! defaults (`parse` reads the two forms, `pgpass` the password file, `display` shows them
//! with the password masked, `mask` finds passwords in free text). A password never leaves
//! this module in text: [`ConnInfo`]'s `Display` and `Debug` mask it, and so do the errors of
//! [`ConnInfo::parse`], which may quote pieces of the string they are about.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

mod display;
mod mask;
mod mask_pairs;
mod parse;
mod pgpass;

pub use mask::{mask_quoting, mask_urls, mask_value, value_secrets};
use parse::{parse_key_values, parse_port, parse_url};
pub use pgpass::passfile_lookup;

/// Why a connection string could not be read. Messages never contain the password.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConnInfoError {
    #[error("invalid connection URL: {0}")]
    InvalidUrl(String),
    #[error("invalid connection string: {0}")]
    InvalidKeyValue(String),
    #[error("unknown connection parameter \"{0}\"")]
    UnknownParameter(String),
    #[error("invalid value for connection parameter \"{param}\": {reason}")]
    InvalidValue { param: String, reason: String },
}

/// `sslmode`, as libpq defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SslMode {
    Disable,
    Allow,
    #[default]
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(s: &str) -> Result<SslMode, ConnInfoError> {
        Ok(match s {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(ConnInfoError::InvalidValue {
                    param: "sslmode".into(),
                    reason: format!(
                        "\"{other}\" is not one of disable, allow, prefer, require, verify-ca, verify-full"
                    ),
                })
            }
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// Where to reach a server: a TCP host name or address, or a Unix socket directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Tcp(String),
    Unix(PathBuf),
}

impl Host {
    /// Why a host name is refused (never quoting it: it may hold a mistyped password).
    pub(super) const INVALID: &'static str = "a host name holds a space, a control character \
        or one of / ? # @ [ ] ' \" \\ (write IPv6 addresses in brackets in a URL: [::1])";

    /// A socket directory, or a host name without characters no host name or address has.
    pub(super) fn is_valid(&self) -> bool {
        match self {
            Host::Unix(_) => true,
            Host::Tcp(h) => {
                !h.is_empty()
                    && !h
                        .chars()
                        .any(|c| c.is_whitespace() || c.is_control() || "/?#@[]'\"\\".contains(c))
            }
        }
    }

    fn parse(s: &str) -> Host {
        if s.starts_with('/') || s.starts_with('@') {
            Host::Unix(PathBuf::from(s))
        } else {
            Host::Tcp(s.to_string())
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Tcp(h) => f.write_str(h),
            Host::Unix(p) => write!(f, "{}", p.display()),
        }
    }
}

/// A password that does not print.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Everything needed to open a connection. Fields left `None` fall back to the environment
/// and libpq's defaults in [`ConnInfo::resolve`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnInfo {
    pub hosts: Vec<Host>,
    pub ports: Vec<u16>,
    pub user: Option<String>,
    pub password: Option<Secret>,
    pub dbname: Option<String>,
    pub sslmode: Option<SslMode>,
    pub sslrootcert: Option<String>,
    pub sslcert: Option<PathBuf>,
    pub sslkey: Option<PathBuf>,
    pub application_name: Option<String>,
    pub connect_timeout: Option<Duration>,
    pub options: Option<String>,
    pub passfile: Option<PathBuf>,
    pub target_session_attrs: Option<String>,
}

/// Parameters libpq knows that change nothing for pgdrift; accepted and ignored.
const IGNORED_PARAMS: &[&str] = &[
    "client_encoding",
    "fallback_application_name",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
    "tcp_user_timeout",
    "gssencmode",
    "sslcompression",
    "sslsni",
    "sslcrl",
    "sslcrldir",
    "ssl_min_protocol_version",
    "ssl_max_protocol_version",
    "sslpassword",
    "requirepeer",
    "krbsrvname",
    "gsslib",
    "channel_binding",
    "service",
    "require_auth",
    "load_balance_hosts",
    "sslnegotiation",
    "sslcertmode",
    "hostaddr",
];

impl ConnInfo {
    /// Reads a `postgres://` / `postgresql://` URL or a libpq `key=value` string.
    pub fn parse(s: &str) -> Result<ConnInfo, ConnInfoError> {
        Self::parse_unmasked(s).map_err(|e| e.masked(s))
    }

    fn parse_unmasked(s: &str) -> Result<ConnInfo, ConnInfoError> {
        let s = s.trim();
        if let Some(rest) = s
            .strip_prefix("postgresql://")
            .or_else(|| s.strip_prefix("postgres://"))
        {
            parse_url(rest)
        } else if s.contains('=') {
            parse_key_values(s)
        } else if s.contains("://") {
            Err(ConnInfoError::InvalidUrl(
                "the scheme must be postgres:// or postgresql://".into(),
            ))
        } else {
            Err(ConnInfoError::InvalidUrl(
                "expected a postgres:// URL or key=value pairs".into(),
            ))
        }
    }

    /// True when `s` looks like a connection string rather than a path or other source.
    pub fn looks_like(s: &str) -> bool {
        s.starts_with("postgres://") || s.starts_with("postgresql://")
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), ConnInfoError> {
        let invalid = |reason: String| ConnInfoError::InvalidValue {
            param: key.to_string(),
            reason,
        };
        // An empty value is no value, as libpq reads it (`dbname=''` is the default name).
        if value.is_empty() {
            return Ok(());
        }
        match key {
            "host" if value.split(',').any(str::is_empty) => {
                return Err(invalid(
                    "an empty host name in the list: name each host".to_string(),
                ))
            }
            "host" => {
                self.hosts = value.split(',').map(Host::parse).collect();
                if self.hosts.iter().any(|h| !h.is_valid()) {
                    return Err(invalid(Host::INVALID.to_string()));
                }
            }
            "port" => {
                self.ports = value
                    .split(',')
                    .map(|p| parse_port(p).map_err(&invalid))
                    .collect::<Result<_, _>>()?
            }
            "user" => self.user = Some(value.to_string()),
            "password" => self.password = Some(Secret::new(value)),
            "dbname" => self.dbname = Some(value.to_string()),
            "sslmode" => self.sslmode = Some(SslMode::parse(value)?),
            "sslrootcert" => self.sslrootcert = Some(value.to_string()),
            "sslcert" => self.sslcert = Some(PathBuf::from(value)),
            "sslkey" => self.sslkey = Some(PathBuf::from(value)),
            "application_name" => self.application_name = Some(value.to_string()),
            "options" => self.options = Some(value.to_string()),
            "passfile" => self.passfile = Some(PathBuf::from(value)),
            "target_session_attrs" => match value {
                "any" | "read-write" => self.target_session_attrs = Some(value.to_string()),
                _ => {
                    return Err(invalid(format!(
                        "\"{value}\" is not one of any, read-write"
                    )))
                }
            },
            "connect_timeout" => {
                let secs: i64 = value
                    .parse()
                    .map_err(|_| invalid(format!("\"{value}\" is not a number of seconds")))?;
                self.connect_timeout = (secs > 0).then(|| Duration::from_secs(secs.max(2) as u64));
            }
            k if IGNORED_PARAMS.contains(&k) => {}
            k => return Err(ConnInfoError::UnknownParameter(k.to_string())),
        }
        Ok(())
    }

    /// Fills what the string left unset from `PG*` environment variables (looked up through
    /// `env`), then from the password file and libpq's defaults.
    pub fn resolve(
        mut self,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<ConnInfo, ConnInfoError> {
        let from_env: &[(&str, &str)] = &[
            ("PGHOST", "host"),
            ("PGPORT", "port"),
            ("PGUSER", "user"),
            ("PGPASSWORD", "password"),
            ("PGDATABASE", "dbname"),
            ("PGSSLMODE", "sslmode"),
            ("PGSSLROOTCERT", "sslrootcert"),
            ("PGSSLCERT", "sslcert"),
            ("PGSSLKEY", "sslkey"),
            ("PGAPPNAME", "application_name"),
            ("PGCONNECT_TIMEOUT", "connect_timeout"),
            ("PGOPTIONS", "options"),
            ("PGPASSFILE", "passfile"),
            ("PGTARGETSESSIONATTRS", "target_session_attrs"),
        ];
        for (var, key) in from_env {
            if self.is_unset(key) {
                if let Some(value) = env(var).filter(|v| !v.is_empty()) {
                    self.set(key, &value)?;
                }
            }
        }
        if self.hosts.is_empty() {
            self.hosts = vec![default_host()];
        }
        if self.ports.is_empty() {
            self.ports = vec![5432];
        }
        if self.user.is_none() {
            self.user = Some(os_user_name());
        }
        if self.dbname.is_none() {
            self.dbname = self.user.clone();
        }
        if self.password.is_none() {
            self.password = self.password_from_file(env);
        }
        Ok(self)
    }

    fn is_unset(&self, key: &str) -> bool {
        match key {
            "host" => self.hosts.is_empty(),
            "port" => self.ports.is_empty(),
            "user" => self.user.is_none(),
            "password" => self.password.is_none(),
            "dbname" => self.dbname.is_none(),
            "sslmode" => self.sslmode.is_none(),
            "sslrootcert" => self.sslrootcert.is_none(),
            "sslcert" => self.sslcert.is_none(),
            "sslkey" => self.sslkey.is_none(),
            "application_name" => self.application_name.is_none(),
            "connect_timeout" => self.connect_timeout.is_none(),
            "options" => self.options.is_none(),
            "passfile" => self.passfile.is_none(),
            "target_session_attrs" => self.target_session_attrs.is_none(),
            _ => false,
        }
    }

    fn password_from_file(&self, env: &dyn Fn(&str) -> Option<String>) -> Option<Secret> {
        let path = self.passfile.clone().or_else(|| {
            env("HOME")
                .map(PathBuf::from)
                .or_else(dirs::home_dir)
                .map(|h| h.join(".pgpass"))
        })?;
        let text = std::fs::read_to_string(&path).ok()?;
        let host = match self.hosts.first()? {
            Host::Tcp(h) => h.clone(),
            Host::Unix(p) if p == Path::new(DEFAULT_SOCKET_DIR) => "localhost".to_string(),
            Host::Unix(p) => p.display().to_string(),
        };
        let port = self.ports.first().copied().unwrap_or(5432).to_string();
        let (db, user) = (self.dbname.as_deref()?, self.user.as_deref()?);
        passfile_lookup(&text, [&host, &port, db, user]).map(Secret::new)
    }

    /// The effective sslmode (libpq's default is `prefer`).
    pub fn ssl_mode(&self) -> SslMode {
        self.sslmode.unwrap_or_default()
    }

    /// The database name, once resolved.
    pub fn database(&self) -> &str {
        self.dbname.as_deref().unwrap_or("")
    }

    /// A copy pointing at another database on the same server.
    pub fn with_dbname(&self, dbname: &str) -> ConnInfo {
        ConnInfo {
            dbname: Some(dbname.to_string()),
            ..self.clone()
        }
    }
}

const DEFAULT_SOCKET_DIR: &str = "/var/run/postgresql";

/// libpq's default host: the Unix socket directory when one exists, else `localhost`.
fn default_host() -> Host {
    for dir in [DEFAULT_SOCKET_DIR, "/tmp"] {
        if Path::new(dir).join(".s.PGSQL.5432").exists() {
            return Host::Unix(PathBuf::from(dir));
        }
    }
    if Path::new(DEFAULT_SOCKET_DIR).is_dir() {
        return Host::Unix(PathBuf::from(DEFAULT_SOCKET_DIR));
    }
    Host::Tcp("localhost".into())
}

fn os_user_name() -> String {
    nix::unistd::User::from_uid(nix::unistd::geteuid())
        .ok()
        .flatten()
        .map(|u| u.name)
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "postgres".into())
}

#[cfg(test)]
mod tests;
