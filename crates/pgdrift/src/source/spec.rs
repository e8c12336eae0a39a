//! The source grammar every command that takes a schema understands:
//! `postgres://...` / `postgresql://...` (or libpq `key=value` pairs) for a live database,
//! `env:NAME` for a URL kept in an environment variable, and `.sql` files.

use crate::pg::{ConnInfo, ConnInfoError};
use std::fmt;
use std::path::PathBuf;

/// A source as the user wrote it, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSpec {
    /// A live database.
    Database(Box<ConnInfo>),
    /// SQL files, applied in order to a shadow database.
    SqlFiles(Vec<PathBuf>),
}

/// Why a source argument could not be understood. Never contains a password.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SourceError {
    #[error("environment variable {name} (from env:{name}) is not set")]
    MissingEnv { name: String },
    #[error("cannot read {source_name}: {error}")]
    BadUrl {
        source_name: String,
        error: ConnInfoError,
    },
    #[error("cannot tell what {0:?} is: expected a postgres:// URL, env:NAME or a .sql file")]
    Unknown(String),
    #[error("{path}: no such file")]
    NoSuchFile { path: String },
}

impl SourceSpec {
    /// Parses `arg`, reading environment variables through `env`.
    pub fn parse(
        arg: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<SourceSpec, SourceError> {
        if let Some(name) = arg.strip_prefix("env:") {
            let value =
                env(name)
                    .filter(|v| !v.is_empty())
                    .ok_or_else(|| SourceError::MissingEnv {
                        name: name.to_string(),
                    })?;
            return Self::database(&value, &format!("the URL in env:{name}"), env);
        }
        if ConnInfo::looks_like(arg)
            || (arg.contains('=') && !arg.contains('/'))
            || arg.contains("host=")
        {
            return Self::database(arg, &crate::pg::mask_urls(arg), env);
        }
        if arg.ends_with(".sql") {
            let path = PathBuf::from(arg);
            if !path.is_file() {
                return Err(SourceError::NoSuchFile {
                    path: arg.to_string(),
                });
            }
            return Ok(SourceSpec::SqlFiles(vec![path]));
        }
        Err(SourceError::Unknown(crate::pg::mask_urls(arg)))
    }

    fn database(
        text: &str,
        what: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<SourceSpec, SourceError> {
        ConnInfo::parse(text)
            .and_then(|c| c.resolve(env))
            .map(|info| SourceSpec::Database(Box::new(info)))
            .map_err(|error| SourceError::BadUrl {
                source_name: what.to_string(),
                error,
            })
    }
}

/// The masked form, safe to print.
impl fmt::Display for SourceSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceSpec::Database(info) => write!(f, "{info}"),
            SourceSpec::SqlFiles(paths) => {
                let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                f.write_str(&names.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_source_reads_the_variable() {
        let env = |k: &str| (k == "PROD_URL").then(|| "postgresql://u:pw@h/db".to_string());
        let spec = SourceSpec::parse("env:PROD_URL", &env).unwrap();
        assert_eq!(spec.to_string(), "postgresql://u:***@h:5432/db");
        assert_eq!(
            SourceSpec::parse("env:NOPE", &env).unwrap_err(),
            SourceError::MissingEnv {
                name: "NOPE".into()
            }
        );
    }

    #[test]
    fn unknown_sources_are_named_without_secrets() {
        let err = SourceSpec::parse("mysql://u:secret@h/db", &|_| None).unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");
    }
}
