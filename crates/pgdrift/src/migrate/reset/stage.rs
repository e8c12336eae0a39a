//! The stage guard: a database whose server is a `[[server]]` of pgdrift.toml with stage
//! `staging` or `production` is never reset, whatever the flags. Two connection strings name
//! the same server when one of their (host, port) pairs match: the same TCP host (letter case
//! aside; `localhost`, `127.0.0.1` and `::1` are taken as one) and port, or the same socket
//! directory and port. A TCP address and a socket directory are never taken as the same
//! server, even when they lead to one.

use crate::fleet::config::{FleetConfig, Stage};
use crate::pg::{ConnInfo, Host};
use std::path::Path;

/// A `[[server]]` the target database is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedServer {
    /// Its `name` in pgdrift.toml.
    pub name: String,
    pub stage: Stage,
}

impl StagedServer {
    /// True for the stages a reset never touches.
    pub fn forbids_reset(&self) -> bool {
        matches!(self.stage, Stage::Staging | Stage::Production)
    }
}

/// The most critical `[[server]]` of `config` that `target` (resolved) is on, if any.
/// Servers' URLs get the PG* defaults through `env` first, as the audit applies them.
pub fn server_stage(
    config: &FleetConfig,
    target: &ConnInfo,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<StagedServer> {
    config
        .servers
        .iter()
        .filter(|s| {
            let url = s.url.clone().resolve(env).unwrap_or_else(|_| s.url.clone());
            same_server(&url, target)
        })
        .map(|s| StagedServer {
            name: s.name.clone(),
            stage: s.stage,
        })
        .max_by_key(|s| s.stage)
}

/// True when `a` and `b` share a (host, port) pair.
pub fn same_server(a: &ConnInfo, b: &ConnInfo) -> bool {
    let (a, b) = (endpoints(a), endpoints(b));
    a.iter().any(|x| b.contains(x))
}

/// A server's address, normalised for comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Endpoint {
    Tcp(String, u16),
    Socket(String, u16),
}

/// Each host with its port (one port for every host when only one is given; 5432 when none).
fn endpoints(info: &ConnInfo) -> Vec<Endpoint> {
    let port_of = |i: usize| match info.ports.as_slice() {
        [] => 5432,
        [one] => *one,
        many => many.get(i).copied().unwrap_or(5432),
    };
    info.hosts
        .iter()
        .enumerate()
        .map(|(i, host)| match host {
            Host::Tcp(name) => Endpoint::Tcp(tcp_name(name), port_of(i)),
            Host::Unix(dir) => Endpoint::Socket(socket_dir(dir), port_of(i)),
        })
        .collect()
}

fn tcp_name(name: &str) -> String {
    let name = name.trim_start_matches('[').trim_end_matches(']');
    let name = name.to_ascii_lowercase();
    match name.as_str() {
        "localhost" | "127.0.0.1" | "::1" | "localhost.localdomain" => "localhost".to_string(),
        _ => name.trim_end_matches('.').to_string(),
    }
}

fn socket_dir(dir: &Path) -> String {
    let text = dir.display().to_string();
    match text.trim_end_matches('/') {
        "" => "/".to_string(),
        trimmed => trimmed.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(s: &str) -> ConnInfo {
        ConnInfo::parse(s).unwrap()
    }

    #[test]
    fn hosts_and_ports_decide() {
        let a = info("postgres://u@db.example.com:5433/app");
        assert!(same_server(
            &a,
            &info("postgres://x@DB.example.com:5433/other")
        ));
        assert!(!same_server(
            &a,
            &info("postgres://u@db.example.com:5432/app")
        ));
        assert!(!same_server(
            &a,
            &info("postgres://u@db2.example.com:5433/app")
        ));
        let local = info("host=localhost port=5432 dbname=a");
        assert!(same_server(&local, &info("host=127.0.0.1 dbname=b")));
        assert!(same_server(&local, &info("postgres://[::1]:5432/c")));
    }

    #[test]
    fn sockets_match_by_directory_and_port() {
        let a = info("host=/tmp/pg/ port=6000 dbname=a");
        assert!(same_server(&a, &info("host=/tmp/pg port=6000 dbname=b")));
        assert!(!same_server(&a, &info("host=/tmp/pg port=6001 dbname=b")));
        assert!(!same_server(&a, &info("host=localhost port=6000 dbname=b")));
    }

    #[test]
    fn any_host_of_a_list_matches() {
        let a = info("host=a.example,b.example port=5432,5433 dbname=x");
        assert!(same_server(&a, &info("host=b.example port=5433 dbname=y")));
        assert!(!same_server(&a, &info("host=b.example port=5432 dbname=y")));
    }
}
