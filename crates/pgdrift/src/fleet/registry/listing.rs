//! Listing the fleet's databases, shared by the audit and by commands that run on a role's
//! databases (`migrate apply --config --role`): every `[[server]]`'s inventory, the
//! databases the configuration includes on it, and the databases playing one role.

use super::{place, Registries};
use crate::fleet::config::{server_includes, FleetConfig, ServerConfig};
use crate::fleet::facts::{server_inventory, DatabaseInfo, ServerInventory};
use crate::fleet::Target;
use crate::pg::ConnInfo;
use std::time::Duration;

/// One `[[server]]`, listed.
#[derive(Debug, Clone)]
pub struct ServerListing {
    /// Its index in the configuration's servers.
    pub index: usize,
    /// Its connection, PG* defaults applied.
    pub info: ConnInfo,
    /// How commands name it (`env:NAME` when its url came from a variable).
    pub target: Target,
    /// What it holds, or why it could not be listed (one line, no password).
    pub inventory: Result<ServerInventory, String>,
}

impl ServerListing {
    /// The databases the configuration includes on this server, in name order: not
    /// templates, open to connections, matching its `databases` and not its `exclude`.
    pub fn databases<'a>(&'a self, server: &'a ServerConfig) -> Vec<&'a DatabaseInfo> {
        match &self.inventory {
            Ok(inventory) => (inventory.databases.iter())
                .filter(|db| !db.is_template && db.allows_connections)
                .filter(|db| server_includes(server, &db.name))
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// A server's connection (PG* defaults applied, as written when they cannot be) and the
/// target commands name it by.
pub(super) fn server_target(
    server: &ServerConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> (ConnInfo, Target) {
    let info = (server.url.clone().resolve(env)).unwrap_or_else(|_| server.url.clone());
    let from_var = server.url_var.as_ref().map(|v| format!("env:{v}"));
    let target = Target::named(info.clone(), from_var.as_deref().unwrap_or(""));
    (info, target)
}

/// Every server of `config`, listed one after the other.
pub async fn list_servers(
    config: &FleetConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Vec<ServerListing> {
    let mut out = Vec::with_capacity(config.servers.len());
    for (index, server) in config.servers.iter().enumerate() {
        let (info, target) = server_target(server, env);
        let inventory =
            (server_inventory(&info).await).map_err(|e| crate::pg::mask_urls(&e.to_string()));
        out.push(ServerListing {
            index,
            info,
            target,
            inventory,
        });
    }
    out
}

/// One database playing a role, with what bounds the connections to its server.
#[derive(Debug, Clone)]
pub struct RoleTarget {
    /// The `[[server]]` name.
    pub server: String,
    /// That server's `max_connections`.
    pub max_connections: Option<usize>,
    pub target: Target,
}

/// The databases playing a role, and what stood in the way of listing them all.
#[derive(Debug, Clone)]
pub struct RoleTargets {
    /// By server (file order), then database name.
    pub targets: Vec<RoleTarget>,
    /// Servers that could not be listed, a registry that could not be read, and what the
    /// role's registry and the servers disagree on; one line each, passwords masked.
    pub warnings: Vec<String>,
}

/// Why a role's databases could not be listed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RoleTargetsError {
    #[error("{path}: no role {role:?}: use one of {roles}")]
    UnknownRole {
        path: String,
        role: String,
        roles: String,
    },
    #[error("role {role:?} of {path} resolves to no database: check its databases patterns, its databases_from registry and the servers' databases/exclude patterns{}", because(.warnings))]
    NoDatabases {
        path: String,
        role: String,
        /// What went wrong on the way, as [`RoleTargets::warnings`].
        warnings: Vec<String>,
    },
}

fn because(warnings: &[String]) -> String {
    let lines: Vec<String> = warnings.iter().map(|w| format!("\n  {w}")).collect();
    lines.concat()
}

/// Every database playing `role` on the servers of `config`, by the rules of the audit
/// (globs and registry; see the module documentation of [`crate::fleet::registry`]).
pub async fn role_targets(
    config: &FleetConfig,
    role: &str,
    env: &dyn Fn(&str) -> Option<String>,
    statement_timeout: Duration,
) -> Result<RoleTargets, RoleTargetsError> {
    let path = config.path.display().to_string();
    if !config.roles.iter().any(|r| r.name == role) {
        let names: Vec<String> = config
            .roles
            .iter()
            .map(|r| format!("{:?}", r.name))
            .collect();
        return Err(RoleTargetsError::UnknownRole {
            path,
            role: role.to_string(),
            roles: match names.is_empty() {
                true => "none: the file has no [role.NAME]".to_string(),
                false => names.join(", "),
            },
        });
    }
    let registries = Registries::read(config, env, statement_timeout).await;
    let listing = list_servers(config, env).await;
    let placement = place(config, &registries, &listing, None);
    let mut warnings = Vec::new();
    let mut targets = Vec::new();
    for listed in &listing {
        let server = &config.servers[listed.index];
        if let Err(e) = &listed.inventory {
            warnings.push(format!("server {}: {e}", server.name));
        }
        for db in listed.databases(server) {
            if placement
                .role_of(config, &server.name, &db.name)
                .map(|r| r.name.as_str())
                == Some(role)
            {
                targets.push(RoleTarget {
                    server: server.name.clone(),
                    max_connections: server.max_connections,
                    target: listed.target.sibling(&db.name),
                });
            }
        }
    }
    for (of, finding) in &placement.findings {
        if of == role {
            let place = match &finding.database {
                Some(db) => format!("{}/{db}", finding.server),
                None => finding.server.clone(),
            };
            let line = format!("{place}: {} ({})", finding.message, finding.slug);
            warnings.push(crate::pg::mask_urls(&line));
        }
    }
    if targets.is_empty() {
        return Err(RoleTargetsError::NoDatabases {
            path,
            role: role.to_string(),
            warnings,
        });
    }
    Ok(RoleTargets { targets, warnings })
}
