//! The fleet configuration file, `pgdrift.toml`: the servers a team runs and the *roles* its
//! databases play, for `pgdrift audit`. The example in [`EXAMPLE`] documents every key.
//!
//! - `[[server]]`: `name` (unique), `url` (a connection string; PG* defaults are applied by
//!   the caller), `stage` (development | test | staging | production), `databases` (include
//!   globs, default all), `exclude` (exclude globs), `max_connections` (optional bound).
//! - `[role.NAME]`: `databases` (globs), `databases_from` (a registry: `{ server, database,
//!   query }`, a query run on database `database` of the `[[server]]` named `server` whose
//!   first column names the databases playing the role and whose optional second column
//!   names the `[[server]]` each lives on; see [`crate::fleet::registry`]), at least one of
//!   the two; `desired` (any pgdrift source; relative
//!   paths are resolved against this file's directory), `migrations` (a migrations directory,
//!   resolved likewise), `ignore` (globs of files in those directories that are neither
//!   migrations nor errors, as `--ignore` takes them). Roles may overlap: a database plays the
//!   *first* role, in file order, that matches it.
//! - `[audit]`: `jobs`, `statement_timeout_secs`, `fail_on`, all optional.
//! - `[lint]` and `[docs]`: checked by `lint::LintConfig` and `docs::DocsConfig`; an error
//!   in either names the table's line.
//!
//! Numbers are checked by the rules the command line's options follow
//! ([`crate::limits`]): counts from 1 to 256, seconds finite, not negative, at most
//! PostgreSQL's largest timeout.
//!
//! Globs know `*` (any characters) and `?` (one character), nothing else. Every string value
//! (never a key) may use `${NAME}`, `${NAME:-default}` (unset or empty variables take the
//! default) and `$$` for a literal `$`; interpolation happens after TOML parsing, so errors
//! keep their line numbers and never show a value read from the environment.

mod build;
mod error;
mod interpolate;
mod raw;
mod values;

pub use error::{ConfigError, Location};

use crate::diff::filter::glob_match;
use crate::pg::ConnInfo;
use crate::source::dir::Ignore;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The name of the fleet configuration file.
pub const FILE_NAME: &str = "pgdrift.toml";

/// The levels `fail_on` accepts, least severe first.
pub const FAIL_ON_LEVELS: &[&str] = &["info", "warning", "error"];

/// A commented example configuration (what `pgdrift audit --init` writes).
pub const EXAMPLE: &str = include_str!("example.toml");

/// A whole fleet configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetConfig {
    /// The file it was read from.
    pub path: PathBuf,
    /// In file order; names are unique.
    pub servers: Vec<ServerConfig>,
    /// In file order: the first role matching a database is its role.
    pub roles: Vec<RoleConfig>,
    pub settings: AuditSettings,
    /// The `[lint]` table: what `pgdrift lint` and `pgdrift audit --lint` check.
    pub lint: crate::lint::LintConfig,
    /// The `[docs]` table: viewpoints, diagram size, and where the audit report links each
    /// database's docs.
    pub docs: crate::docs::DocsConfig,
}

// Compared in tests of the fleet configuration; viewpoints by what the file says of them.
impl PartialEq for crate::docs::DocsConfig {
    fn eq(&self, o: &Self) -> bool {
        let said = |c: &crate::docs::DocsConfig| -> Vec<(String, Option<String>, Vec<String>)> {
            (c.viewpoints.iter())
                .map(|v| (v.name.clone(), v.description.clone(), v.patterns.clone()))
                .collect()
        };
        self.link == o.link && self.diagram_tables == o.diagram_tables && said(self) == said(o)
    }
}

impl Eq for crate::docs::DocsConfig {}

/// One `[[server]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    pub name: String,
    /// As written (after interpolation); PG* environment defaults not applied yet.
    pub url: ConnInfo,
    /// The variable the whole `url` came from (`url = "${NAME}"`, the variable set): how
    /// suggested commands name the server (`env:NAME`, `env:NAME/DB`) instead of its URL.
    pub url_var: Option<String>,
    pub stage: Stage,
    /// Include globs; `["*"]` when the key is left out.
    pub databases: Vec<String>,
    /// Exclude globs, applied after the include globs.
    pub exclude: Vec<String>,
    /// At most this many connections to the server at a time.
    pub max_connections: Option<usize>,
}

/// What a server is for; reports weigh drift by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Development,
    Test,
    Staging,
    Production,
}

impl Stage {
    /// Every stage, least critical first.
    pub const ALL: [Stage; 4] = [
        Stage::Development,
        Stage::Test,
        Stage::Staging,
        Stage::Production,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Development => "development",
            Stage::Test => "test",
            Stage::Staging => "staging",
            Stage::Production => "production",
        }
    }

    /// The stage named `name` (as in the file: lowercase).
    pub fn parse(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The stage names, comma-separated, for messages.
    pub fn list() -> String {
        let names: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
        names.join(", ")
    }
}

/// One `[role.NAME]`: which databases play it and what they should look like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleConfig {
    pub name: String,
    /// Globs naming the databases that play this role (may be empty with `databases_from`).
    pub databases: Vec<String>,
    /// The registry listing more databases that play this role.
    pub databases_from: Option<RegistrySource>,
    /// A pgdrift source; file paths in it are resolved against the file's directory,
    /// databases (`postgres://`, `env:NAME`) and `cmd:` commands are as written.
    pub desired: Option<String>,
    /// How reports and suggested commands name `desired`: `env:NAME` when the whole value
    /// is one set variable holding a database URL, else the value with passwords masked.
    pub desired_arg: Option<String>,
    /// A migrations directory to compare with the databases' tracking tables.
    pub migrations: Option<PathBuf>,
    /// Entries of the `desired` and `migrations` directories left out when they are read.
    pub ignore: Ignore,
}

/// A role's `databases_from`: a query run on one database of one `[[server]]` that lists
/// the databases playing the role (first column) and, optionally, the server each lives on
/// (second column, a `[[server]]` name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrySource {
    /// A `[[server]]` name (checked when the file is read).
    pub server: String,
    pub database: String,
    /// The user's SQL, run as written in a read-only transaction.
    pub query: String,
}

/// The optional `[audit]` table; `None` leaves the choice to the command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditSettings {
    /// Databases audited at a time.
    pub jobs: Option<usize>,
    /// `statement_timeout` for the catalog queries (zero: none), from
    /// `statement_timeout_secs`.
    pub statement_timeout: Option<Duration>,
    /// The least severe finding that makes the audit fail: one of [`FAIL_ON_LEVELS`].
    pub fail_on: Option<String>,
}

impl FleetConfig {
    /// The role `database` plays by its name alone: the first role, in file order, one of
    /// whose patterns matches it. Registries (`databases_from`) are not consulted: see
    /// [`crate::fleet::registry::Registries::role_of`] for the full rule.
    pub fn role_of(&self, database: &str) -> Option<&RoleConfig> {
        self.roles
            .iter()
            .find(|role| role.databases.iter().any(|p| glob_match(p, database)))
    }

    /// The `[[server]]` named `name`.
    pub fn server(&self, name: &str) -> Option<&ServerConfig> {
        self.servers.iter().find(|s| s.name == name)
    }
}

/// True when `database` on `server` is audited: it matches one of the include globs and
/// none of the exclude globs. (Template databases are left out by the caller.)
pub fn server_includes(server: &ServerConfig, database: &str) -> bool {
    server.databases.iter().any(|p| glob_match(p, database))
        && !server.exclude.iter().any(|p| glob_match(p, database))
}

/// Reads and checks the configuration at `path`; `env` reads the variables `${NAME}` refers
/// to.
pub fn load(path: &Path, env: &dyn Fn(&str) -> Option<String>) -> Result<FleetConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    parse(path, &text, env)
}

/// Checks the configuration `text`, as if read from `path` (which names it in errors and
/// whose directory relative paths are resolved against).
pub fn parse(
    path: &Path,
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<FleetConfig, ConfigError> {
    let raw: raw::RawFile =
        toml::from_str(text).map_err(|e| ConfigError::from_toml(path, text, &e))?;
    build::Builder { path, text, env }.build(raw)
}

/// The configuration file in the directory `start`, if there is one.
pub fn find(start: &Path) -> Option<PathBuf> {
    let path = start.join(FILE_NAME);
    path.is_file().then_some(path)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_numbers;
#[cfg(test)]
mod tests_registry;
