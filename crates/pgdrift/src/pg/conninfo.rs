//! Connection strings: libpq-style URLs (`postgres://` / `postgresql://`) and `key=value`
//! strings, completed from the standard `PG*` environment variables, `~/.pgpass` and libpq's
//! defaults. A password never leaves this module in text: [`ConnInfo`]'s `Display` and
//! `Debug` mask it.

use percent_encoding::percent_decode_str;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

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
        match key {
            "host" => self.hosts = value.split(',').map(Host::parse).collect(),
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

fn parse_port(p: &str) -> Result<u16, String> {
    match p.parse::<u16>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("\"{p}\" is not a port number")),
    }
}

/// Finds the password for `[host, port, db, user]` in the text of a `.pgpass` file: the first
/// line whose four fields match (`*` matches anything; `\:` and `\\` are escapes).
pub fn passfile_lookup(text: &str, want: [&str; 4]) -> Option<String> {
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = split_passfile_line(line);
        if fields.len() < 5 {
            continue;
        }
        let matches = fields[..4]
            .iter()
            .zip(want)
            .all(|(field, value)| field == "*" || field == value);
        if matches {
            return Some(fields[4..].join(":"));
        }
    }
    None
}

fn split_passfile_line(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    fields.last_mut().expect("never empty").push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut().expect("never empty").push(c),
        }
    }
    fields
}

fn decode(s: &str, what: &str) -> Result<String, ConnInfoError> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| {
            ConnInfoError::InvalidUrl(format!("{what} is not valid UTF-8 after percent-decoding"))
        })
}

/// Parses what follows `postgres://`.
fn parse_url(rest: &str) -> Result<ConnInfo, ConnInfoError> {
    let mut info = ConnInfo::default();
    let (before_query, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match before_query.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (before_query, None),
    };
    let hostspec = match authority.rsplit_once('@') {
        Some((userinfo, hostspec)) => {
            let (user, password) = match userinfo.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (userinfo, None),
            };
            if !user.is_empty() {
                info.user = Some(decode(user, "the user name")?);
            }
            if let Some(p) = password {
                info.password = Some(Secret::new(decode(p, "the password")?));
            }
            hostspec
        }
        None => authority,
    };
    parse_hostspec(hostspec, &mut info)?;
    if let Some(db) = path.filter(|p| !p.is_empty()) {
        info.dbname = Some(decode(db, "the database name")?);
    }
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').ok_or_else(|| {
            ConnInfoError::InvalidUrl(format!("query parameter \"{pair}\" has no value"))
        })?;
        let key = decode(k, "a parameter name")?;
        let value = decode(v, "a parameter value")?;
        info.set(&key, &value)?;
    }
    Ok(info)
}

fn parse_hostspec(spec: &str, info: &mut ConnInfo) -> Result<(), ConnInfoError> {
    if spec.is_empty() {
        return Ok(());
    }
    let mut hosts = Vec::new();
    let mut ports = Vec::new();
    for part in spec.split(',') {
        let (host, port) = if let Some(rest) = part.strip_prefix('[') {
            let (addr, after) = rest.split_once(']').ok_or_else(|| {
                ConnInfoError::InvalidUrl("unterminated [ in an IPv6 host".into())
            })?;
            (addr.to_string(), after.strip_prefix(':'))
        } else {
            match part.rsplit_once(':') {
                Some((h, p)) => (decode(h, "a host name")?, Some(p)),
                None => (decode(part, "a host name")?, None),
            }
        };
        if !host.is_empty() {
            hosts.push(Host::parse(&host));
        }
        if let Some(p) = port.filter(|p| !p.is_empty()) {
            ports.push(parse_port(p).map_err(|reason| ConnInfoError::InvalidValue {
                param: "port".into(),
                reason,
            })?);
        }
    }
    info.hosts = hosts;
    info.ports = ports;
    Ok(())
}

/// Parses libpq's `key=value key2='quoted value'` form.
fn parse_key_values(s: &str) -> Result<ConnInfo, ConnInfoError> {
    let mut info = ConnInfo::default();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let key: String =
            std::iter::from_fn(|| chars.next_if(|c| *c != '=' && !c.is_whitespace())).collect();
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next() != Some('=') {
            return Err(ConnInfoError::InvalidKeyValue(format!(
                "missing \"=\" after \"{key}\""
            )));
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            loop {
                match chars.next() {
                    Some('\\') => value.extend(chars.next()),
                    Some('\'') => break,
                    Some(c) => value.push(c),
                    None => {
                        return Err(ConnInfoError::InvalidKeyValue(format!(
                            "unterminated quoted value for \"{key}\""
                        )))
                    }
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                if c == '\\' {
                    value.extend(chars.next());
                } else {
                    value.push(c);
                }
            }
        }
        info.set(&key, &value)?;
    }
    Ok(info)
}

/// The masked form: a URL with the password replaced by `***`, safe to print anywhere.
impl fmt::Display for ConnInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
        const PART: &AsciiSet = &CONTROLS
            .add(b' ')
            .add(b'/')
            .add(b'@')
            .add(b':')
            .add(b'?')
            .add(b'&')
            .add(b'=')
            .add(b'%')
            .add(b',')
            .add(b'#');
        f.write_str("postgresql://")?;
        if let Some(user) = &self.user {
            write!(f, "{}", utf8_percent_encode(user, PART))?;
        }
        if self.password.is_some() {
            f.write_str(":***")?;
        }
        if self.user.is_some() || self.password.is_some() {
            f.write_str("@")?;
        }
        let mut socket_dirs = Vec::new();
        let mut first = true;
        for (i, host) in self.hosts.iter().enumerate() {
            match host {
                Host::Unix(p) => socket_dirs.push(p.display().to_string()),
                Host::Tcp(h) => {
                    if !first {
                        f.write_str(",")?;
                    }
                    first = false;
                    if h.contains(':') {
                        write!(f, "[{h}]")?;
                    } else {
                        write!(f, "{}", utf8_percent_encode(h, PART))?;
                    }
                    if let Some(port) = self.ports.get(i).or(self.ports.first()) {
                        write!(f, ":{port}")?;
                    }
                }
            }
        }
        if let Some(db) = &self.dbname {
            write!(f, "/{}", utf8_percent_encode(db, PART))?;
        }
        let mut sep = '?';
        for dir in &socket_dirs {
            write!(f, "{sep}host={}", utf8_percent_encode(dir, PART))?;
            sep = '&';
        }
        if !socket_dirs.is_empty() && first {
            if let Some(port) = self.ports.first().filter(|p| **p != 5432) {
                write!(f, "{sep}port={port}")?;
                sep = '&';
            }
        }
        if let Some(mode) = self.sslmode {
            write!(f, "{sep}sslmode={}", mode.as_str())?;
        }
        Ok(())
    }
}

/// Replaces the password in any `postgres://user:password@` URL inside free text with `***`:
/// for messages that quote what a user typed or what a server said.
pub fn mask_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let (head, tail) = rest.split_at(pos + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .unwrap_or(tail.len());
        let authority_end = tail[..end].find(['/', '?']).unwrap_or(end);
        match tail[..authority_end].rfind('@') {
            Some(at) => {
                let userinfo = &tail[..at];
                match userinfo.split_once(':') {
                    Some((user, _)) => {
                        out.push_str(user);
                        out.push_str(":***");
                    }
                    None => out.push_str(userinfo),
                }
                out.push_str(&tail[at..end]);
            }
            None => out.push_str(&tail[..end]),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    mask_password_params(&out)
}

/// Replaces the value of every `password=` parameter (URL query or `key=value` form).
fn mask_password_params(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("password=") {
        let (head, tail) = rest.split_at(pos + "password=".len());
        out.push_str(head);
        out.push_str("***");
        let end = if let Some(quoted) = tail.strip_prefix('\'') {
            quoted.find('\'').map_or(tail.len(), |i| i + 2)
        } else {
            tail.find(|c: char| c.is_whitespace() || c == '&' || c == '"')
                .unwrap_or(tail.len())
        };
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[path = "conninfo_tests.rs"]
mod tests;
