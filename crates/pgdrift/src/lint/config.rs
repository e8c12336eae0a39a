//! The `[lint]` table of `pgdrift.toml`: which rules run and at what severity, objects left
//! out by glob, and the rules' options. Every rule is named by its code or slug; a name that
//! is no rule is an error naming the key, so a typo never silently turns a rule off.
//!
//! ```toml
//! [lint]
//! fail_on = "warning"
//! ignore = ["audit.*", "public.legacy_*"]
//! rules = { PL303 = "off", "foreign-key-without-index" = "error" }
//! [lint.options]
//! created_at = ["created_at", "inserted_at"]
//! ```
//!
//! A rule off by default (`require-comment`) runs once `rules` gives it a level.

use super::rules::{self, RuleId, RULES};
use crate::report::finding::Severity;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;

/// `[lint]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLint {
    pub fail_on: Option<String>,
    #[serde(default)]
    pub rules: BTreeMap<String, String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub options: RawOptions,
}

/// `[lint.options]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOptions {
    pub created_at: Option<Vec<String>>,
    pub updated_at: Option<Vec<String>>,
    pub required_reference: Option<Vec<String>>,
    pub unused_index_days: Option<f64>,
    pub sequence_used_ratio: Option<f64>,
    pub integer_key_ratio: Option<f64>,
    pub big_table_rows: Option<f64>,
    pub small_table_rows: Option<f64>,
    pub comment_columns: Option<bool>,
    pub comment_coverage: Option<f64>,
}

/// The rules' options, defaults filled in.
#[derive(Debug, Clone)]
pub struct LintOptions {
    /// Column name globs of creation timestamps.
    pub created_at: Vec<String>,
    /// Column name globs of update timestamps.
    pub updated_at: Vec<String>,
    /// Column name globs of references every row must have (PL106).
    pub required_reference: Vec<String>,
    /// The shortest statistics window, in days, over which an unscanned index counts as
    /// unused.
    pub unused_index_days: f64,
    /// The share of a sequence's range past which it is near its maximum.
    pub sequence_used_ratio: f64,
    /// The share of an integer key's range past which it is near its limit.
    pub integer_key_ratio: f64,
    /// Tables with at least this many rows make a locking migration step an error.
    pub big_table_rows: f64,
    /// Tables with at most this many rows make it a note.
    pub small_table_rows: f64,
    /// PL107 reports columns without a comment too.
    pub comment_columns: bool,
    /// PL107 reports only while the commented share of tables (columns) is below this;
    /// `None`: every uncommented one.
    pub comment_coverage: Option<f64>,
}

impl Default for LintOptions {
    fn default() -> Self {
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        LintOptions {
            created_at: list(&["created_at", "created_on", "inserted_at", "created"]),
            updated_at: list(&["updated_at", "updated_on", "modified_at", "modified"]),
            required_reference: list(&["*_id"]),
            unused_index_days: 7.0,
            sequence_used_ratio: 0.9,
            integer_key_ratio: 0.5,
            big_table_rows: 1_000_000.0,
            small_table_rows: 10_000.0,
            comment_columns: false,
            comment_coverage: None,
        }
    }
}

/// What `[lint]` says, checked.
#[derive(Debug, Clone)]
pub struct LintConfig {
    /// Per rule, in the order of [`RULES`]: its severity, `None` when it is off.
    levels: Vec<Option<Severity>>,
    ignore: GlobSet,
    pub ignore_patterns: Vec<String>,
    pub fail_on: Option<Severity>,
    pub options: LintOptions,
}

// Compared in tests of the fleet configuration that holds it; floats by their bits.
impl PartialEq for LintOptions {
    fn eq(&self, o: &Self) -> bool {
        let floats = |a: &LintOptions| {
            [
                a.unused_index_days,
                a.sequence_used_ratio,
                a.integer_key_ratio,
                a.big_table_rows,
                a.small_table_rows,
            ]
            .map(f64::to_bits)
        };
        self.created_at == o.created_at
            && self.updated_at == o.updated_at
            && self.required_reference == o.required_reference
            && floats(self) == floats(o)
            && self.comment_columns == o.comment_columns
            && self.comment_coverage.map(f64::to_bits) == o.comment_coverage.map(f64::to_bits)
    }
}

impl Eq for LintOptions {}

impl PartialEq for LintConfig {
    fn eq(&self, o: &Self) -> bool {
        self.levels == o.levels
            && self.ignore_patterns == o.ignore_patterns
            && self.fail_on == o.fail_on
            && self.options == o.options
    }
}

impl Eq for LintConfig {}

impl Default for LintConfig {
    fn default() -> Self {
        LintConfig {
            levels: RULES.iter().map(|r| r.default_level()).collect(),
            ignore: GlobSet::empty(),
            ignore_patterns: Vec::new(),
            fail_on: None,
            options: LintOptions::default(),
        }
    }
}

/// A `[lint]` table that cannot be used: what is wrong and with which key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("[lint] {key}: {message}")]
pub struct LintConfigError {
    pub key: String,
    pub message: String,
}

fn error(key: impl Into<String>, message: impl Into<String>) -> LintConfigError {
    LintConfigError {
        key: key.into(),
        message: message.into(),
    }
}

fn level(key: &str, value: &str) -> Result<Option<Severity>, LintConfigError> {
    match value {
        "off" => Ok(None),
        v => Severity::from_name(v).map(Some).ok_or_else(|| {
            error(
                key,
                format!("\"{v}\" is no level: use off, info, warning or error"),
            )
        }),
    }
}

fn ratio(key: &str, value: Option<f64>, default: f64) -> Result<f64, LintConfigError> {
    match value {
        None => Ok(default),
        Some(v) if v.is_finite() && v > 0.0 && v <= 1.0 => Ok(v),
        Some(v) => Err(error(key, format!("{v} is not a share between 0 and 1"))),
    }
}

fn count(key: &str, value: Option<f64>, default: f64) -> Result<f64, LintConfigError> {
    match value {
        None => Ok(default),
        Some(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Some(v) => Err(error(key, format!("{v} is not a number of zero or more"))),
    }
}

fn globs(key: &str, patterns: &[String]) -> Result<GlobSet, LintConfigError> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|e| error(key, format!("bad glob \"{p}\": {e}")))?);
    }
    b.build().map_err(|e| error(key, e.to_string()))
}

impl LintConfig {
    /// Checks `raw`.
    pub fn new(raw: &RawLint) -> Result<LintConfig, LintConfigError> {
        let mut config = LintConfig::default();
        for (name, value) in &raw.rules {
            let key = format!("rules.{name}");
            let rule = rules::find(name).ok_or_else(|| {
                error(
                    &key,
                    format!("no rule is called {name}: `pgdrift lint --rules` lists them"),
                )
            })?;
            config.levels[rule.id as usize] = level(&key, value)?;
        }
        if let Some(v) = &raw.fail_on {
            config.fail_on = Some(Severity::from_name(v).ok_or_else(|| {
                error(
                    "fail_on",
                    format!("\"{v}\" is no level: use info, warning or error"),
                )
            })?);
        }
        config.ignore = globs("ignore", &raw.ignore)?;
        config.ignore_patterns = raw.ignore.clone();
        let o = &raw.options;
        let d = LintOptions::default();
        for (key, list) in [
            ("options.created_at", &o.created_at),
            ("options.updated_at", &o.updated_at),
            ("options.required_reference", &o.required_reference),
        ] {
            if let Some(list) = list {
                globs(key, list)?;
            }
        }
        config.options = LintOptions {
            created_at: o.created_at.clone().unwrap_or(d.created_at),
            updated_at: o.updated_at.clone().unwrap_or(d.updated_at),
            required_reference: (o.required_reference.clone()).unwrap_or(d.required_reference),
            unused_index_days: count(
                "options.unused_index_days",
                o.unused_index_days,
                d.unused_index_days,
            )?,
            sequence_used_ratio: ratio(
                "options.sequence_used_ratio",
                o.sequence_used_ratio,
                d.sequence_used_ratio,
            )?,
            integer_key_ratio: ratio(
                "options.integer_key_ratio",
                o.integer_key_ratio,
                d.integer_key_ratio,
            )?,
            big_table_rows: count("options.big_table_rows", o.big_table_rows, d.big_table_rows)?,
            small_table_rows: count(
                "options.small_table_rows",
                o.small_table_rows,
                d.small_table_rows,
            )?,
            comment_columns: o.comment_columns.unwrap_or(d.comment_columns),
            comment_coverage: match o.comment_coverage {
                None => None,
                Some(v) => Some(ratio("options.comment_coverage", Some(v), 1.0)?),
            },
        };
        Ok(config)
    }

    /// The `[lint]` table of a `pgdrift.toml` text; the default when it has none. Only this
    /// table is read, so a fleet file whose servers need variables that are not set still
    /// gives its lint settings.
    pub fn from_toml(text: &str) -> Result<LintConfig, LintConfigError> {
        let table: toml::Table =
            toml::from_str(text).map_err(|e| error("", format!("not valid TOML: {e}")))?;
        match table.get("lint") {
            None => Ok(LintConfig::default()),
            Some(value) => {
                let raw = RawLint::deserialize(value.clone())
                    .map_err(|e| error("", e.message().to_string()))?;
                LintConfig::new(&raw)
            }
        }
    }

    /// The severity `rule` reports at; `None` when it is off.
    pub fn level(&self, rule: RuleId) -> Option<Severity> {
        self.levels[rule as usize]
    }

    /// Turns `rule` off (or on at `severity`).
    pub fn set_level(&mut self, rule: RuleId, severity: Option<Severity>) {
        self.levels[rule as usize] = severity;
    }

    /// True when `name` (`schema.table`, `schema.table.column`) is left out by `ignore`.
    pub fn ignored(&self, name: &str) -> bool {
        self.ignore.is_match(name)
    }
}

/// True when `name` matches one of `patterns` (globs; invalid ones were refused already).
pub fn name_matches(patterns: &[String], name: &str) -> bool {
    patterns.iter().any(|p| {
        Glob::new(p)
            .map(|g| g.compile_matcher().is_match(name))
            .unwrap_or(false)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_named_by_code_or_slug_and_typos_are_refused() {
        let c = LintConfig::from_toml(
            "[lint]\nrules = { PL303 = \"off\", \"foreign-key-without-index\" = \"error\" }\n\
             ignore = [\"audit.*\"]\n[lint.options]\nunused_index_days = 30\n",
        )
        .unwrap();
        assert_eq!(c.level(RuleId::TimestampWithoutTimeZone), None);
        assert_eq!(
            c.level(RuleId::ForeignKeyWithoutIndex),
            Some(Severity::Error)
        );
        assert_eq!(c.level(RuleId::NoPrimaryKey), Some(Severity::Warning));
        assert!(c.ignored("audit.log") && !c.ignored("public.log"));
        assert_eq!(c.options.unused_index_days, 30.0);
        let e = LintConfig::from_toml("[lint]\nrules = { PL999 = \"off\" }\n").unwrap_err();
        assert_eq!(e.key, "rules.PL999");
        let e = LintConfig::from_toml("[lint]\nrules = { PL101 = \"loud\" }\n").unwrap_err();
        assert!(e.message.contains("loud"), "{e}");
        let e = LintConfig::from_toml("[lint.options]\nsequence_used_ratio = 2\n").unwrap_err();
        assert_eq!(e.key, "options.sequence_used_ratio");
        assert!(LintConfig::from_toml("[lint]\ncolour = 1\n").is_err());
        assert!(LintConfig::from_toml("[[server]]\nname = 1\n").is_ok());
    }

    #[test]
    fn rules_off_by_default_are_turned_on_by_a_level() {
        assert_eq!(LintConfig::default().level(RuleId::RequireComment), None);
        let c = LintConfig::from_toml(
            "[lint]\nrules = { require-comment = \"warning\" }\n[lint.options]\n\
             comment_columns = true\ncomment_coverage = 0.8\n",
        )
        .unwrap();
        assert_eq!(c.level(RuleId::RequireComment), Some(Severity::Warning));
        assert!(c.options.comment_columns);
        assert_eq!(c.options.comment_coverage, Some(0.8));
        let e = LintConfig::from_toml("[lint.options]\ncomment_coverage = 80\n").unwrap_err();
        assert_eq!(e.key, "options.comment_coverage");
    }

    #[test]
    fn name_patterns_match_globs() {
        let p = vec!["*_id".to_string()];
        assert!(name_matches(&p, "customer_id") && !name_matches(&p, "id"));
    }
}
