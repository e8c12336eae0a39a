//! Reading the two forms of connection string: `postgres://` URLs and libpq's `key=value`
//! pairs.

use super::{ConnInfo, ConnInfoError, Host, Secret};
use percent_encoding::percent_decode_str;

fn decode(s: &str, what: &str) -> Result<String, ConnInfoError> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| {
            ConnInfoError::InvalidUrl(format!("{what} is not valid UTF-8 after percent-decoding"))
        })
}

/// Parses what follows `postgres://`.
pub(super) fn parse_url(rest: &str) -> Result<ConnInfo, ConnInfoError> {
    let mut info = ConnInfo::default();
    let (before_query, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match before_query.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (before_query, None),
    };
    // An `@` after the host, in the database name or a query parameter without a value, is
    // the end of a password holding `/` or `?`: refused, so that no piece of the password
    // is taken for a host or a database name (and shown as one).
    let first_pair = query.and_then(|q| q.split('&').next());
    if path.is_some_and(|p| p.contains('@'))
        || first_pair.is_some_and(|p| p.contains('@') && !p.contains('='))
    {
        return Err(ConnInfoError::InvalidUrl(
            "an @ after the host: write any @ / ? # of the password as %40 %2F %3F %23".into(),
        ));
    }
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
            if !after.is_empty() && !after.starts_with(':') {
                return Err(ConnInfoError::InvalidUrl(
                    "only :port may follow the ] of an IPv6 host".into(),
                ));
            }
            (addr.to_string(), after.strip_prefix(':'))
        } else {
            // The first colon ends the host, as in libpq: IPv6 addresses go in brackets.
            match part.split_once(':') {
                Some((h, p)) => (decode(h, "a host name")?, Some(p)),
                None => (decode(part, "a host name")?, None),
            }
        };
        if !host.is_empty() {
            let host = Host::parse(&host);
            if !host.is_valid() {
                return Err(ConnInfoError::InvalidUrl(Host::INVALID.into()));
            }
            hosts.push(host);
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
pub(super) fn parse_key_values(s: &str) -> Result<ConnInfo, ConnInfoError> {
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

pub(super) fn parse_port(p: &str) -> Result<u16, String> {
    match p.parse::<u16>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("\"{p}\" is not a port number")),
    }
}
