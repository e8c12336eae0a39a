//! How a [`ConnInfo`] prints: as a URL with the password replaced by `***`.

use super::{ConnInfo, Host};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use std::fmt;

/// What is percent-encoded in a part of the URL.
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

impl ConnInfo {
    /// The URL with its password, for a child process's arguments only: never to print.
    pub fn url_with_password(&self) -> String {
        let masked = self.to_string();
        match &self.password {
            Some(p) => {
                let real = format!(":{}@", utf8_percent_encode(p.expose(), PART));
                masked.replacen(":***@", &real, 1)
            }
            None => masked,
        }
    }
}

/// The masked form: a URL with the password replaced by `***`, safe to print anywhere.
impl fmt::Display for ConnInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
        // No host: the default one, on the port given if any.
        if let (true, Some(port)) = (self.hosts.is_empty(), self.ports.first()) {
            write!(f, ":{port}")?;
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
