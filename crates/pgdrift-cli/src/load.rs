//! The source arguments every command shares: from `LoadArgs` and source strings to the
//! library's `LoadOptions` and `SourceSpec`s.

use crate::cli::{DeparseChoice, LoadArgs};
use crate::output::note;
use pgdrift::source::dir::DirFormat;
use pgdrift::source::dir::Ignore;
use pgdrift::source::{Deparse, InspectOptions, LoadOptions, SourceSpec};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

impl LoadArgs {
    /// The library's options for loading sources; `database_size` for summaries that show it.
    pub fn options(&self, database_size: bool) -> anyhow::Result<LoadOptions> {
        let dev_url = match &self.dev_url {
            Some(url) => match SourceSpec::parse(url, &env)? {
                SourceSpec::Database(info) => Some(*info),
                _ => anyhow::bail!(
                    "--dev-url must name a PostgreSQL server (postgres://...), not {}",
                    pgdrift::pg::mask_value(url)
                ),
            },
            None => None,
        };
        Ok(LoadOptions {
            inspect: InspectOptions {
                schemas: self.schemas.clone(),
                exclude_schemas: self.exclude_schemas.clone(),
                jobs: self
                    .jobs
                    .map_or_else(pgdrift::source::catalog::default_jobs, usize::from),
                statement_timeout: self.statement_timeout.0,
                database_size,
                deparse: match self.deparse {
                    DeparseChoice::Auto => Deparse::Auto,
                    DeparseChoice::Client => Deparse::Client,
                    DeparseChoice::Server => Deparse::Server,
                },
                ..InspectOptions::default()
            },
            dev_url,
            no_cache: self.no_cache,
            cache_dir: None,
            allow_empty_source: self.allow_empty_source,
            notes: Some(note),
        })
    }

    /// Parses a source argument, applying `--format-dir` and `--ignore` to a directory.
    pub fn spec(&self, arg: &str) -> anyhow::Result<SourceSpec> {
        let format = self.format_dir.as_deref().and_then(DirFormat::from_name);
        let ignore = Ignore::new(&self.ignore)?;
        Ok(SourceSpec::parse(arg, &env)?
            .with_dir_format(format)
            .with_dir_ignore(&ignore))
    }
}
