//! Roles whose databases a registry lists (`databases_from` in `pgdrift.toml`): reading each
//! role's registry once, and setting what it says beside what the servers hold.
//!
//! A registry is a query the user wrote, run as written on one database of one `[[server]]`,
//! in a read-only transaction with the caller's statement timeout. Its first column names a
//! database playing the role; an optional second column names the `[[server]]` it lives on
//! (left out or NULL: any server of the configuration). Both must be text (`text`,
//! `varchar`, `name`, `char`); rows whose first column is NULL are skipped.
//!
//! How registry and reality are set side by side ([`place`]):
//! - A database plays a role when it matches the role's globs or is registered — on the
//!   server the registry names, or on any server when it names none. Roles are tried in
//!   file order: the first that claims a database is its role.
//! - **Registered but missing**: no server (the one named, or any) holds the database among
//!   the databases the configuration includes. Not reported while a server that might hold
//!   it could not be listed.
//! - **Registered on another server**: the named server lacks it, another holds it. That
//!   database plays the role (it is the registered tenant, found elsewhere).
//! - **Present but not registered**: a database the role's globs give the role, absent
//!   from its registry; and, for a role without globs, a database on a server holding the
//!   role's registered databases that plays no role at all (it is reported as this instead
//!   of "matches no role"; the registry's own database is left out).
//! - A registry that cannot be read is one finding naming the role, server and database;
//!   the role then has only its globs, and nothing is said about its unregistered ones.

mod listing;
mod place;
mod query;

pub use listing::{
    list_servers, role_targets, RoleTarget, RoleTargets, RoleTargetsError, ServerListing,
};
pub use place::{place, Placement};

use crate::fleet::config::{FleetConfig, RegistrySource};
use std::time::Duration;

/// One row of a registry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Registered {
    pub database: String,
    /// The `[[server]]` it lives on, when the query says.
    pub server: Option<String>,
}

/// What one role's registry said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRegistry {
    pub role: String,
    pub source: RegistrySource,
    /// The rows, sorted, without duplicates; or why they could not be read (one line, no
    /// password).
    pub rows: Result<Vec<Registered>, String>,
}

/// Every role's registry, in the roles' file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Registries(pub Vec<RoleRegistry>);

impl Registries {
    /// Reads the registry of every role that has one, one after the other (there are few).
    pub async fn read(
        config: &FleetConfig,
        env: &dyn Fn(&str) -> Option<String>,
        statement_timeout: Duration,
    ) -> Registries {
        let mut out = Vec::new();
        for role in &config.roles {
            let Some(source) = &role.databases_from else {
                continue;
            };
            let rows = match config.server(&source.server) {
                Some(server) => {
                    let (_, target) = listing::server_target(server, env);
                    let target = target.sibling(&source.database);
                    query::run(&target, &source.query, statement_timeout).await
                }
                // Checked when the file is read; a library caller may build a config by hand.
                None => Err(format!(
                    "pgdrift.toml has no [[server]] named {:?}",
                    source.server
                )),
            };
            out.push(RoleRegistry {
                role: role.name.clone(),
                source: source.clone(),
                rows,
            });
        }
        Registries(out)
    }

    /// The registry of role `role`, if it has one.
    pub fn of(&self, role: &str) -> Option<&RoleRegistry> {
        self.0.iter().find(|r| r.role == role)
    }
}
