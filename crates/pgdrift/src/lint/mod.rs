//! Lint: rules over a schema (any source), over a live database's statistics, and over
//! migration files (their text and their effect replayed in a shadow database), each
//! reporting [`Finding`]s through the one rule table ([`rules`]). Read-only: lint never
//! writes to a database, and renders nothing (`report::lint` does).

pub mod config;
pub mod locate;
mod lookup;
pub mod migration;
pub mod rules;
mod schema;
pub mod stats;
pub mod suppress;

pub use config::{LintConfig, LintConfigError, LintOptions};
pub use rules::{Input, RuleId, RuleInfo, RULES};

use crate::model::{Catalog, QualName};
use crate::report::finding::{fingerprint, Finding, Location, ObjectRef, Severity};
use locate::Locations;
use serde::Serialize;
use stats::Statistics;

/// The version of the JSON layout of a lint report.
pub const FORMAT_VERSION: u32 = 1;

/// What a lint run found.
#[derive(Debug, Clone, Serialize)]
pub struct LintReport {
    pub format_version: u32,
    /// What was linted, passwords masked: a database, a directory, a file.
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_version: Option<String>,
    /// Worst first.
    pub findings: Vec<Finding>,
    /// Rules that did not run, and why.
    pub skipped: Vec<Skipped>,
    /// How many rules ran.
    pub rules_run: usize,
    /// For a migrations directory: the files linted as new, and why those.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_files: Option<NewFiles>,
}

/// The files of a migrations directory a lint took as new.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewFiles {
    /// Their paths, in the directory's order.
    pub files: Vec<String>,
    /// How many files the directory has.
    pub of: usize,
    /// Why these: `changed since origin/main`, `not applied (dbmate, schema_migrations)`,
    /// `every file`.
    pub because: String,
}

impl LintReport {
    /// The worst severity found, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// True when a finding reaches `fail_on`.
    pub fn fails(&self, fail_on: Severity) -> bool {
        self.worst().is_some_and(|w| w >= fail_on)
    }
}

/// A rule left out of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub code: &'static str,
    pub slug: &'static str,
    pub reason: String,
}

/// Why a lint run could not finish: a suppression that names no rule (where it is, and
/// what is wrong).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {message}")]
pub struct LintError {
    /// `comment on table public.orders`, or `db/migrations/0004.sql:12`.
    pub place: String,
    pub message: String,
}

/// What the schema rules read.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub catalog: &'a Catalog,
    /// The live database's statistics; `None` for files and snapshots.
    pub statistics: Option<&'a Statistics>,
    /// Where each object was created, when the source is a migrations directory.
    pub locations: Option<&'a Locations>,
    /// The database's name, for findings' locations.
    pub database: Option<&'a str>,
}

/// Runs every schema and statistics rule `config` leaves on over `inputs`: the findings,
/// worst first, and the rules that could not run.
pub fn lint_schema(
    inputs: &Inputs<'_>,
    config: &LintConfig,
) -> Result<(Vec<Finding>, Vec<Skipped>), LintError> {
    // Tracking tables and pgdrift's own schemas are the tools' business, not the design's.
    let owned = crate::migrate::owned::ToolOwned::of(inputs.catalog);
    let trimmed;
    let mut inputs = *inputs;
    if !owned.is_empty() {
        let mut copy = inputs.catalog.clone();
        owned.remove_from(&mut copy);
        trimmed = copy;
        inputs.catalog = &trimmed;
    }
    let inputs = &inputs;
    let mut checker = Checker::new(inputs, config);
    checker.check_comments()?;
    schema::run(&mut checker);
    let mut skipped = Vec::new();
    match inputs.statistics {
        Some(s) => {
            stats::run(&mut checker, s);
            if let Some(reason) = &s.sequences_unread {
                skipped.extend(
                    [RuleId::SequenceNearMax, RuleId::IntegerKeyNearLimit]
                        .map(RuleId::info)
                        .iter()
                        .filter(|r| config.level(r.id).is_some())
                        .map(|r| Skipped {
                            code: r.code,
                            slug: r.slug,
                            reason: reason.clone(),
                        }),
                );
            }
        }
        None => skipped.extend(
            (RULES.iter())
                .filter(|r| r.input == Input::Statistics && config.level(r.id).is_some())
                .map(|r| Skipped {
                    code: r.code,
                    slug: r.slug,
                    reason: "statistics rules run only on a live database".into(),
                }),
        ),
    }
    let mut findings = checker.findings;
    Finding::sort(&mut findings);
    Ok((findings, skipped))
}

/// How many rules of `inputs` a run uses: those on, less the skipped.
pub fn rules_on(config: &LintConfig, input: &[Input]) -> usize {
    (RULES.iter())
        .filter(|r| input.contains(&r.input) && config.level(r.id).is_some())
        .count()
}

/// Collects the findings of one run, applying the configuration and the suppressions.
pub(crate) struct Checker<'a> {
    pub cat: &'a Catalog,
    pub config: &'a LintConfig,
    pub options: &'a LintOptions,
    pub by: lookup::Lookup<'a>,
    locations: Option<&'a Locations>,
    database: Option<&'a str>,
    findings: Vec<Finding>,
}

/// What a finding is about, as a rule reports it.
pub(crate) struct Subject<'s> {
    pub object: ObjectRef,
    /// The comments that may silence it: the object's, then its table's.
    pub comments: Vec<Option<&'s str>>,
    /// The relation or routine whose creation locates it.
    pub anchor: Option<&'s QualName>,
}

impl<'a> Checker<'a> {
    fn new(inputs: &Inputs<'a>, config: &'a LintConfig) -> Checker<'a> {
        Checker {
            cat: inputs.catalog,
            config,
            options: &config.options,
            by: lookup::Lookup::new(inputs.catalog),
            locations: inputs.locations,
            database: inputs.database,
            findings: Vec::new(),
        }
    }

    /// True when `rule` runs.
    pub fn on(&self, rule: RuleId) -> bool {
        self.config.level(rule).is_some()
    }

    /// Reports `rule` on `subject`, unless it is off, the object is ignored or a comment
    /// silences it.
    pub fn report(
        &mut self,
        rule: RuleId,
        subject: Subject<'_>,
        message: String,
        fix: Option<String>,
    ) {
        let Some(severity) = self.config.level(rule) else {
            return;
        };
        if self.config.ignored(&subject.object.name)
            || subject
                .anchor
                .is_some_and(|a| self.config.ignored(&a.to_string()))
        {
            return;
        }
        let silenced = subject
            .comments
            .iter()
            .flatten()
            .any(|c| suppress::markers(c).is_ok_and(|m| suppress::silences(&m, rule)));
        if silenced {
            return;
        }
        let info = rule.info();
        let (file, line) = match (self.locations, subject.anchor) {
            (Some(l), Some(a)) => l.of(a).map_or((None, None), |(f, n)| (Some(f), Some(n))),
            _ => (None, None),
        };
        self.findings.push(Finding {
            code: info.code,
            slug: info.slug,
            severity,
            fingerprint: fingerprint(&[info.code, subject.object.kind, &subject.object.name]),
            object: Some(subject.object),
            message,
            fix,
            location: Location {
                file,
                line,
                database: self.database.map(str::to_string),
            },
        });
    }

    /// Every comment of the catalog that holds a marker must name known rules.
    fn check_comments(&self) -> Result<(), LintError> {
        let c = self.cat;
        let mut comments: Vec<(String, &str)> = Vec::new();
        let mut add = |place: String, comment: &'a Option<String>| {
            if let Some(text) = comment.as_deref().filter(|t| t.contains(suppress::MARKER)) {
                comments.push((place, text));
            }
        };
        for t in c.tables.values() {
            add(
                format!("comment on table {}.{}", t.schema, t.name),
                &t.comment,
            );
            for col in &t.columns {
                add(
                    format!("comment on column {}.{}.{}", t.schema, t.name, col.name),
                    &col.comment,
                );
            }
        }
        for i in c.indexes.values() {
            add(
                format!("comment on index {}.{}", i.schema, i.name),
                &i.comment,
            );
        }
        for k in c.constraints.values() {
            add(
                format!(
                    "comment on constraint {} on {}.{}",
                    k.name, k.schema, k.table
                ),
                &k.comment,
            );
        }
        for f in c.functions.values() {
            add(
                format!(
                    "comment on function {}.{}({})",
                    f.schema, f.name, f.arguments
                ),
                &f.comment,
            );
        }
        for s in c.sequences.values() {
            add(
                format!("comment on sequence {}.{}", s.schema, s.name),
                &s.comment,
            );
        }
        for p in c.policies.values() {
            add(
                format!("comment on policy {} on {}.{}", p.name, p.schema, p.table),
                &p.comment,
            );
        }
        for (place, text) in comments {
            if let Err(e) = suppress::markers(text) {
                return Err(LintError {
                    place,
                    message: format!("{e}; correct the comment"),
                });
            }
        }
        Ok(())
    }
}
