//! Showing connection strings without their password.

use super::{ConnInfo, Host};
use std::fmt;

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
