//! The `[docs]` table of `pgdrift.toml`: viewpoints (named groups of tables drawn and listed
//! together), the largest diagram drawn whole, and where the audit report links each
//! database's docs. A pattern that is no valid glob is an error naming it.
//!
//! ```toml
//! [docs]
//! link = "docs/{database}/README.md"
//! diagram_tables = 40
//! [docs.viewpoint.billing]
//! tables = ["billing.*", "invoice*"]
//! description = "Invoices, payments and what they reference."
//! ```

use crate::model::QualName;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The most tables a schema or viewpoint diagram draws by default.
pub const DIAGRAM_TABLES: usize = 40;

/// `[docs]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDocs {
    pub link: Option<String>,
    pub diagram_tables: Option<usize>,
    #[serde(default)]
    pub viewpoint: BTreeMap<String, RawViewpoint>,
}

/// `[docs.viewpoint.NAME]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawViewpoint {
    pub tables: Vec<String>,
    pub description: Option<String>,
}

/// The docs' settings, checked.
#[derive(Debug, Clone)]
pub struct DocsConfig {
    /// Where each database's docs are, for the audit report: `{database}` and `{server}`
    /// are replaced.
    pub link: Option<String>,
    /// The most tables a schema or viewpoint diagram draws whole.
    pub diagram_tables: usize,
    pub viewpoints: Vec<Viewpoint>,
}

impl Default for DocsConfig {
    fn default() -> Self {
        DocsConfig {
            link: None,
            diagram_tables: DIAGRAM_TABLES,
            viewpoints: Vec::new(),
        }
    }
}

/// A named group of tables.
#[derive(Debug, Clone)]
pub struct Viewpoint {
    pub name: String,
    pub description: Option<String>,
    pub patterns: Vec<String>,
    qualified: GlobSet,
    bare: GlobSet,
}

impl Viewpoint {
    /// A viewpoint of the tables matching `patterns`: a pattern with a dot matches
    /// `schema.table`, one without matches the table's name in any schema.
    pub fn new(
        name: &str,
        patterns: &[String],
        description: Option<String>,
    ) -> Result<Viewpoint, String> {
        if patterns.is_empty() {
            return Err(format!("viewpoint {name}: `tables` is empty; list glob patterns of tables, e.g. [\"billing.*\"]"));
        }
        let mut qualified = GlobSetBuilder::new();
        let mut bare = GlobSetBuilder::new();
        for p in patterns {
            let glob = Glob::new(p)
                .map_err(|e| format!("viewpoint {name}: `{p}` is not a glob pattern ({e})"))?;
            match p.contains('.') {
                true => qualified.add(glob),
                false => bare.add(glob),
            };
        }
        let build = |b: GlobSetBuilder| b.build().map_err(|e| format!("viewpoint {name}: {e}"));
        Ok(Viewpoint {
            name: name.to_string(),
            description,
            patterns: patterns.to_vec(),
            qualified: build(qualified)?,
            bare: build(bare)?,
        })
    }

    /// Whether the viewpoint takes the table `name`.
    pub fn takes(&self, name: &QualName) -> bool {
        self.bare.is_match(&name.name)
            || self
                .qualified
                .is_match(format!("{}.{}", name.schema, name.name))
    }
}

impl DocsConfig {
    /// `[docs]` from the whole text of a `pgdrift.toml` (defaults when it has none).
    pub fn from_toml(text: &str) -> Result<DocsConfig, String> {
        #[derive(Deserialize)]
        struct File {
            docs: Option<toml::Value>,
        }
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        match file.docs {
            None => Ok(DocsConfig::default()),
            Some(value) => DocsConfig::new(value),
        }
    }

    /// `[docs]` from its value.
    pub fn new(value: toml::Value) -> Result<DocsConfig, String> {
        let raw: RawDocs = value
            .try_into()
            .map_err(|e: toml::de::Error| format!("[docs]: {}", e.message()))?;
        let viewpoints = (raw.viewpoint.iter())
            .map(|(name, v)| Viewpoint::new(name, &v.tables, v.description.clone()))
            .collect::<Result<Vec<_>, _>>()?;
        let diagram_tables = raw.diagram_tables.unwrap_or(DIAGRAM_TABLES);
        if diagram_tables == 0 {
            return Err("[docs]: diagram_tables must be at least 1".into());
        }
        Ok(DocsConfig {
            link: raw.link,
            diagram_tables,
            viewpoints,
        })
    }

    /// The link to `database`'s docs on `server`, when `link` is set.
    pub fn link_for(&self, server: &str, database: &str) -> Option<String> {
        (self.link.as_ref()).map(|l| {
            l.replace("{database}", database)
                .replace("{server}", server)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viewpoints_take_qualified_and_bare_patterns() {
        let text = "[docs]\n[docs.viewpoint.billing]\ntables = [\"billing.*\", \"invoice*\"]\n";
        let config = DocsConfig::from_toml(text).unwrap();
        let v = &config.viewpoints[0];
        assert!(v.takes(&QualName::new("billing", "payments")));
        assert!(v.takes(&QualName::new("public", "invoice_lines")));
        assert!(!v.takes(&QualName::new("public", "orders")));
        assert_eq!(config.diagram_tables, DIAGRAM_TABLES);
    }

    #[test]
    fn bad_settings_are_errors_naming_them() {
        let bad = |text: &str| DocsConfig::from_toml(text).unwrap_err();
        assert!(bad("[docs]\ncolour = 1\n").contains("colour"));
        assert!(bad("[docs.viewpoint.x]\ntables = [\"a[\"]\n").contains("`a[`"));
        assert!(bad("[docs.viewpoint.x]\ntables = []\n").contains("empty"));
        assert!(bad("[docs]\ndiagram_tables = 0\n").contains("at least 1"));
    }

    #[test]
    fn links_name_the_database() {
        let config =
            DocsConfig::from_toml("[docs]\nlink = \"docs/{server}/{database}/\"\n").unwrap();
        assert_eq!(
            config.link_for("prod", "app").as_deref(),
            Some("docs/prod/app/")
        );
    }
}
