//! Registry beside reality: which databases the registries give their roles, and the
//! findings where the two disagree (the rules are in the module documentation of
//! [`crate::fleet::registry`]).

use super::{Registered, Registries, RoleRegistry, ServerListing};
use crate::diff::filter::glob_match;
use crate::fleet::audit::findings::{self, Finding};
use crate::fleet::config::{FleetConfig, RoleConfig};
use crate::fleet::shard::Shard;
use std::collections::{BTreeMap, HashSet};

/// Which databases the registries place, and what they disagree on.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    /// `(role, server, database)`: registered there, or registered elsewhere and found there.
    registered: HashSet<(String, String, String)>,
    /// `(server, database)`: reported as not registered by a role without globs, instead of
    /// as matching no role.
    unregistered: HashSet<(String, String)>,
    /// Each finding with the role it is about.
    pub findings: Vec<(String, Finding)>,
}

impl Placement {
    /// The role `database` on `server` plays: the first role, in file order, whose globs
    /// match its name or whose registry places it there.
    pub fn role_of<'c>(
        &self,
        config: &'c FleetConfig,
        server: &str,
        database: &str,
    ) -> Option<&'c RoleConfig> {
        config.roles.iter().find(|r| {
            r.databases.iter().any(|p| glob_match(p, database))
                || self.is_registered(&r.name, server, database)
        })
    }

    fn is_registered(&self, role: &str, server: &str, database: &str) -> bool {
        let key = (role.to_string(), server.to_string(), database.to_string());
        self.registered.contains(&key)
    }

    /// True when `database` on `server` plays no role and a registry-only role reported it
    /// as not registered (so "matches no role" would say the same twice).
    pub fn is_unregistered(&self, server: &str, database: &str) -> bool {
        (self.unregistered).contains(&(server.to_string(), database.to_string()))
    }
}

/// What the listed servers hold, by the configuration's rules.
struct Fleet<'a> {
    /// Servers that could be listed.
    listed: HashSet<&'a str>,
    /// Every server of the configuration.
    known: HashSet<&'a str>,
    /// Database name → the servers including it, in file order.
    holds: BTreeMap<&'a str, Vec<&'a str>>,
    /// `(server, database)` of every included database, in listing order.
    included: Vec<(&'a str, &'a str)>,
    /// `(server, database)` of every database, included or not.
    exists: HashSet<(&'a str, &'a str)>,
}

impl<'a> Fleet<'a> {
    fn new(config: &'a FleetConfig, listing: &'a [ServerListing]) -> Fleet<'a> {
        let mut fleet = Fleet {
            listed: HashSet::new(),
            known: config.servers.iter().map(|s| s.name.as_str()).collect(),
            holds: BTreeMap::new(),
            included: Vec::new(),
            exists: HashSet::new(),
        };
        for listed in listing {
            let server = &config.servers[listed.index];
            let Ok(inventory) = &listed.inventory else {
                continue;
            };
            let name = server.name.as_str();
            fleet.listed.insert(name);
            for db in &inventory.databases {
                fleet.exists.insert((name, db.name.as_str()));
            }
            for db in listed.databases(server) {
                fleet.holds.entry(&db.name).or_default().push(name);
                fleet.included.push((name, &db.name));
            }
        }
        fleet
    }

    /// True when every server that might hold a database registered on `server` (all of
    /// them, when it names none or one the configuration lacks) could be listed.
    fn can_tell(&self, server: Option<&str>) -> bool {
        match server.filter(|s| self.known.contains(s)) {
            Some(s) => self.listed.contains(s),
            None => self.listed.len() == self.known.len(),
        }
    }
}

/// Sets every registry of `registries` beside the servers of `listing`. With `shard`, only
/// findings about its share of the databases are kept (a failed registry is always said).
pub fn place(
    config: &FleetConfig,
    registries: &Registries,
    listing: &[ServerListing],
    shard: Option<Shard>,
) -> Placement {
    let fleet = Fleet::new(config, listing);
    let mut placement = Placement::default();
    let mut out = Out {
        placement: &mut placement,
        shard,
    };
    for registry in &registries.0 {
        match &registry.rows {
            Err(e) => out.failed(registry, e),
            Ok(rows) => rows
                .iter()
                .for_each(|row| out.locate(registry, row, &fleet)),
        }
    }
    for registry in registries.0.iter().filter(|r| r.rows.is_ok()) {
        if let Some(role) = config.roles.iter().find(|r| r.name == registry.role) {
            out.unregistered(config, registry, role, &fleet);
        }
    }
    placement
}

struct Out<'p> {
    placement: &'p mut Placement,
    shard: Option<Shard>,
}

impl Out<'_> {
    fn say(&mut self, registry: &RoleRegistry, finding: Finding) {
        let db = finding.database.as_deref().unwrap_or("");
        if self.shard.is_some_and(|k| !k.holds(&finding.server, db)) {
            return;
        }
        self.placement
            .findings
            .push((registry.role.clone(), finding));
    }

    fn register(&mut self, role: &str, server: &str, db: &str) {
        let key = (role.to_string(), server.to_string(), db.to_string());
        self.placement.registered.insert(key);
    }

    fn failed(&mut self, registry: &RoleRegistry, error: &str) {
        let source = &registry.source;
        let finding = Finding::new(findings::REGISTRY_FAILED, &source.server, Some(&source.database))
            .message(format!("role {}: {error}", registry.role))
            .fix(format!(
                "correct databases_from of [role.{}] in pgdrift.toml (try the query with psql on {}/{})",
                registry.role, source.server, source.database
            ));
        self.placement
            .findings
            .push((registry.role.clone(), finding));
    }

    /// Where a registered database is: placed where found, findings where it is not.
    fn locate(&mut self, registry: &RoleRegistry, row: &Registered, fleet: &Fleet<'_>) {
        let role = registry.role.as_str();
        let db = row.database.as_str();
        let found = fleet.holds.get(db).cloned().unwrap_or_default();
        let named = row.server.as_deref();
        if let Some(s) = named.filter(|s| found.contains(s)) {
            return self.register(role, s, db);
        }
        if named.is_none() || !found.is_empty() {
            for t in &found {
                self.register(role, t, db);
            }
        }
        match (named, found.is_empty()) {
            (Some(s), false) => {
                for t in found {
                    let message = format!(
                        "role {role}: {db} is registered on server {s}{} in {} but lives on {t}",
                        unknown(fleet, s),
                        origin(registry)
                    );
                    let fix = format!(
                        "correct its row in {} to name server {t}, or move the database to {s}",
                        origin(registry)
                    );
                    let finding = Finding::new(findings::REGISTERED_ELSEWHERE, t, Some(db));
                    self.say(registry, finding.message(message).fix(fix));
                }
            }
            (_, true) if fleet.can_tell(named) => self.missing(registry, row, fleet),
            _ => {}
        }
    }

    fn missing(&mut self, registry: &RoleRegistry, row: &Registered, fleet: &Fleet<'_>) {
        let db = row.database.as_str();
        let named = row.server.as_deref();
        let (server, where_, lacks) = match named {
            Some(s) if fleet.known.contains(s) => (
                s,
                format!(" on server {s}"),
                format!("server {s} has no such database"),
            ),
            Some(s) => (s, format!(" on server {s}{}", unknown(fleet, s)), nowhere()),
            None => (registry.source.server.as_str(), String::new(), nowhere()),
        };
        let excluded =
            (fleet.exists.iter()).any(|(s, d)| *d == db && named.is_none_or(|n| n == *s));
        let message = format!(
            "role {}: {db} is registered{where_} in {} but {lacks}{}",
            registry.role,
            origin(registry),
            match excluded {
                true => " among the databases pgdrift.toml includes (it exists, but the server's databases/exclude patterns leave it out)",
                false => "",
            }
        );
        let fix = format!(
            "create or restore the database, or remove or deactivate its row in {}",
            origin(registry)
        );
        let finding = Finding::new(findings::REGISTERED_MISSING, server, Some(db));
        self.say(registry, finding.message(message).fix(fix));
    }

    /// Databases of the role that its registry does not list.
    fn unregistered(
        &mut self,
        config: &FleetConfig,
        registry: &RoleRegistry,
        role: &RoleConfig,
        fleet: &Fleet<'_>,
    ) {
        let name = role.name.as_str();
        let tenant_servers: HashSet<&str> = (fleet.included.iter())
            .filter(|(s, d)| self.placement.is_registered(name, s, d))
            .map(|(s, _)| *s)
            .collect();
        let source = &registry.source;
        for &(server, db) in &fleet.included {
            if self.placement.is_registered(name, server, db) {
                continue;
            }
            let plays = self
                .placement
                .role_of(config, server, db)
                .map(|r| r.name.as_str());
            let message = if plays == Some(name) {
                format!(
                    "role {name}: {db} matches the databases patterns of role {name} but {} does not list it",
                    origin(registry)
                )
            } else if role.databases.is_empty()
                && plays.is_none()
                && tenant_servers.contains(server)
                && (server, db) != (source.server.as_str(), source.database.as_str())
                && !self.placement.is_unregistered(server, db)
            {
                self.placement
                    .unregistered
                    .insert((server.to_string(), db.to_string()));
                format!("role {name}: {db} lives on server {server} beside the databases of role {name} but plays no role, and {} does not list it", origin(registry))
            } else {
                continue;
            };
            let fix = format!(
                "register it in {}, or drop it if its tenant is gone (or exclude it in pgdrift.toml)",
                origin(registry)
            );
            let finding = Finding::new(findings::UNREGISTERED, server, Some(db));
            self.say(registry, finding.message(message).fix(fix));
        }
    }
}

fn nowhere() -> String {
    "no server of pgdrift.toml has it".to_string()
}

/// `the registry on server/database`, for messages.
fn origin(registry: &RoleRegistry) -> String {
    format!(
        "the registry on {}/{}",
        registry.source.server, registry.source.database
    )
}

/// A note when `server` names no `[[server]]`.
fn unknown(fleet: &Fleet<'_>, server: &str) -> &'static str {
    match fleet.known.contains(server) {
        true => "",
        false => " (a server pgdrift.toml does not name)",
    }
}
