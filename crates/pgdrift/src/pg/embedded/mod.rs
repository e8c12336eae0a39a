//! The embedded private server: a throwaway PostgreSQL cluster that pgdrift starts itself
//! from the local server binaries, listening only on a Unix socket in a private directory,
//! with durability off. Tests use it for a fresh database each; commands use it as their
//! default shadow database. It is stopped and deleted on drop, at exit and on Ctrl-C.
//!
//! PostgreSQL refuses to run as root; under root the server runs as the `postgres` user
//! (or the one `PGDRIFT_PG_USER` names) and its directory is handed to that user.

mod binaries;
mod fsutil;
mod process;
mod template;

pub use binaries::{parse_version, PgBinaries};
pub use process::{
    defer_first_interrupt, install_interrupt_cleanup, interrupted, stop_all, stop_requested,
};
pub use template::cache_dir;

use super::conninfo::{ConnInfo, Host, SslMode};
use nix::unistd::{Gid, Uid, User};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Why the embedded server could not be started.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error("no PostgreSQL server binaries found (initdb and postgres; looked via pg_config, in PATH and in /usr/lib/postgresql/*/bin): install the server (Debian/Ubuntu: apt-get install postgresql) or set PGDRIFT_PG_BIN to the directory that holds them")]
    NoBinaries { searched: Vec<String> },
    #[error("PGDRIFT_PG_BIN={}: {reason}", path.display())]
    BadBinDir { path: PathBuf, reason: String },
    #[error("PostgreSQL refuses to run as root, and there is no unprivileged user \"{user}\" to run it as: create one (useradd --system {user}), name another with PGDRIFT_PG_USER, or run pgdrift as a normal user")]
    NoUnprivilegedUser { user: String },
    #[error("initdb ({}) failed: {output}", binary.display())]
    Initdb { binary: PathBuf, output: String },
    #[error("the embedded PostgreSQL server did not start: {reason}\n{log}")]
    Start { reason: String, log: String },
    #[error("cannot {what} ({}): {reason}", path.display())]
    Io {
        what: String,
        path: PathBuf,
        reason: String,
    },
}

/// The unprivileged user the server runs as when pgdrift runs as root.
#[derive(Debug, Clone)]
pub(crate) struct RunAs {
    pub uid: Uid,
    pub gid: Gid,
    pub name: String,
}

fn run_as() -> Result<Option<RunAs>, EmbeddedError> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(None);
    }
    let name = std::env::var("PGDRIFT_PG_USER").unwrap_or_else(|_| "postgres".into());
    match User::from_name(&name) {
        Ok(Some(user)) if !user.uid.is_root() => Ok(Some(RunAs {
            uid: user.uid,
            gid: user.gid,
            name,
        })),
        _ => Err(EmbeddedError::NoUnprivilegedUser { user: name }),
    }
}

/// A running private server. Dropping it stops the server and deletes its files.
#[derive(Debug)]
pub struct EmbeddedServer {
    root: PathBuf,
    binaries: PgBinaries,
    handle: process::Handle,
    port: u16,
    tcp: bool,
}

/// Extras for a server started with [`EmbeddedServer::start_with_options`].
#[derive(Debug, Clone, Default)]
pub struct EmbeddedOptions {
    /// Also listen on 127.0.0.1 at this port.
    pub tcp_port: Option<u16>,
    /// More `name=value` settings.
    pub settings: Vec<String>,
    /// Files written into the data directory before start (mode 0600): certificates, keys,
    /// a `pg_hba.conf`.
    pub data_files: Vec<(String, Vec<u8>)>,
}

/// The port number in the socket's file name; nothing listens on TCP.
const PORT: u16 = 5432;

impl EmbeddedServer {
    /// Starts a server from the binaries [`PgBinaries::locate`] finds. Blocking: call it
    /// from `spawn_blocking` inside async code.
    pub fn start() -> Result<EmbeddedServer, EmbeddedError> {
        EmbeddedServer::start_with(PgBinaries::locate()?)
    }

    /// Starts a server from the given binaries.
    pub fn start_with(binaries: PgBinaries) -> Result<EmbeddedServer, EmbeddedError> {
        EmbeddedServer::start_with_options(binaries, &EmbeddedOptions::default())
    }

    /// Starts a server from the given binaries, with extra settings and files.
    pub fn start_with_options(
        binaries: PgBinaries,
        options: &EmbeddedOptions,
    ) -> Result<EmbeddedServer, EmbeddedError> {
        let run_as = run_as()?;
        let tmp = short_temp_dir();
        process::sweep_stale(&tmp);
        let template = template::template_for(&binaries, run_as.as_ref())?;
        let io = |what: &str, path: &std::path::Path, e: std::io::Error| EmbeddedError::Io {
            what: what.into(),
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let root = tempfile::Builder::new()
            .prefix(process::DIR_PREFIX)
            .tempdir_in(&tmp)
            .map_err(|e| io("create the server directory", &tmp, e))?
            .keep();
        let cleanup_on_error = |e: EmbeddedError| {
            let _ = std::fs::remove_dir_all(&root);
            e
        };
        std::fs::write(
            root.join(process::OWNER_FILE),
            std::process::id().to_string(),
        )
        .map_err(|e| cleanup_on_error(io("write the owner file", &root, e)))?;
        let data = root.join("data");
        fsutil::copy_tree(&template, &data)
            .map_err(|e| cleanup_on_error(io("copy the template cluster", &data, e)))?;
        for (name, contents) in &options.data_files {
            let path = data.join(name);
            std::fs::write(&path, contents)
                .map_err(|e| cleanup_on_error(io("write a file into the cluster", &path, e)))?;
            std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600))
                .map_err(|e| cleanup_on_error(io("restrict a cluster file", &path, e)))?;
        }
        let tcp_port = options.tcp_port;
        let log = root.join("server.log");
        let log_file = std::fs::File::create(&log)
            .map_err(|e| cleanup_on_error(io("create the server log", &log, e)))?;
        let mut cmd = Command::new(binaries.postgres());
        cmd.arg("-D")
            .arg(&data)
            .arg("-k")
            .arg(&root)
            .args(["-p", &tcp_port.unwrap_or(PORT).to_string()])
            .args(SETTINGS.iter().flat_map(|s| ["-c", s]))
            .args(
                tcp_port
                    .map(|_| "listen_addresses=127.0.0.1")
                    .into_iter()
                    .flat_map(|s| ["-c", s]),
            )
            .args(options.settings.iter().flat_map(|s| ["-c", s.as_str()]))
            .current_dir(&root)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("LC_ALL", "C")
            .stdin(Stdio::null())
            .stdout(
                log_file
                    .try_clone()
                    .map_err(|e| cleanup_on_error(io("open the server log", &log, e)))?,
            )
            .stderr(log_file)
            .process_group(0);
        if let Some(user) = &run_as {
            fsutil::chown_tree(&root, user.uid, user.gid).map_err(|e| {
                cleanup_on_error(io(
                    &format!("give the server directory to {}", user.name),
                    &root,
                    e,
                ))
            })?;
            cmd.uid(user.uid.as_raw()).gid(user.gid.as_raw());
        }
        let handle = process::launch(process::Launch {
            cmd,
            root: root.clone(),
            data,
            log,
        })?;
        Ok(EmbeddedServer {
            root,
            binaries,
            handle,
            port: tcp_port.unwrap_or(PORT),
            tcp: tcp_port.is_some(),
        })
    }

    /// How to connect to database `dbname` on this server (as the superuser `postgres`),
    /// through its Unix socket.
    pub fn conninfo(&self, dbname: &str) -> ConnInfo {
        ConnInfo {
            hosts: vec![Host::Unix(self.root.clone())],
            ports: vec![self.port],
            user: Some("postgres".into()),
            dbname: Some(dbname.into()),
            sslmode: Some(SslMode::Disable),
            ..ConnInfo::default()
        }
    }

    /// The TCP port, when the server was started with one.
    pub fn tcp_port(&self) -> Option<u16> {
        self.tcp.then_some(self.port)
    }

    /// The binaries this server runs from.
    pub fn binaries(&self) -> &PgBinaries {
        &self.binaries
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.handle.pid
    }

    /// The directory holding the socket, data and log; deleted when the server stops.
    pub fn dir(&self) -> &std::path::Path {
        &self.root
    }

    /// Stops the server and deletes its files now (dropping does the same).
    pub fn stop(self) {}
}

impl Drop for EmbeddedServer {
    fn drop(&mut self) {
        self.handle.stop();
    }
}

/// Server settings: private, fast, and not durable (everything is thrown away).
const SETTINGS: &[&str] = &[
    "listen_addresses=",
    "unix_socket_permissions=0700",
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    "wal_level=minimal",
    "max_wal_senders=0",
    "max_wal_size=1GB",
    "max_connections=200",
    "TimeZone=UTC",
    "log_min_messages=warning",
    "shared_preload_libraries=",
];

/// A temp directory short enough for a Unix socket path (at most 107 bytes).
fn short_temp_dir() -> PathBuf {
    let tmp = std::env::temp_dir();
    if tmp.as_os_str().len() <= 60 {
        tmp
    } else {
        PathBuf::from("/tmp")
    }
}
