//! The file as TOML gives it, before interpolation and checks: every value that is checked
//! afterwards keeps its byte span, and unknown keys are refused by serde.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use toml::Spanned;

pub(super) type Text = Spanned<String>;
pub(super) type List = Spanned<Vec<Text>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    #[serde(default)]
    pub server: Vec<RawServer>,
    #[serde(default)]
    pub role: RawRoles,
    pub audit: Option<RawAudit>,
    pub lint: Option<Spanned<crate::lint::config::RawLint>>,
    /// Checked by `DocsConfig::new`, which names the bad key.
    pub docs: Option<Spanned<toml::Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawServer {
    pub name: Text,
    pub url: Text,
    pub stage: Text,
    pub databases: Option<List>,
    pub exclude: Option<List>,
    pub max_connections: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRole {
    pub databases: Option<List>,
    pub databases_from: Option<Spanned<RawRegistry>>,
    pub desired: Option<Text>,
    pub migrations: Option<Text>,
    pub ignore: Option<List>,
}

/// `databases_from = { server, database, query }`: where a role's registry of databases is.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRegistry {
    pub server: Text,
    pub database: Text,
    pub query: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAudit {
    pub jobs: Option<Spanned<i64>>,
    /// A TOML integer or float (`inf` and `nan` included: they are refused when checked).
    pub statement_timeout_secs: Option<Spanned<f64>>,
    pub fail_on: Option<Text>,
}

/// The `[role.NAME]` tables in the order they appear in the file (TOML tables are maps, so
/// the entries are sorted by the position of their names).
#[derive(Debug, Default)]
pub(super) struct RawRoles(pub Vec<(Text, RawRole)>);

impl<'de> Deserialize<'de> for RawRoles {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawRoles, D::Error> {
        deserializer.deserialize_map(RolesVisitor)
    }
}

struct RolesVisitor;

impl<'de> Visitor<'de> for RolesVisitor {
    type Value = RawRoles;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("one [role.NAME] table per role")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawRoles, A::Error> {
        let mut roles = Vec::new();
        while let Some(entry) = map.next_entry::<Text, RawRole>()? {
            roles.push(entry);
        }
        roles.sort_by_key(|(name, _)| name.span().start);
        Ok(RawRoles(roles))
    }
}
