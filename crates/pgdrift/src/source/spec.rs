//! The source grammar every command that takes a schema understands:
//!
//! - `postgres://...` / `postgresql://...` (or libpq `key=value` pairs): a live database;
//! - `env:NAME`: a database URL kept in environment variable NAME; `env:NAME/DB`: the
//!   database DB on the server that URL reaches;
//! - a directory: a migrations directory, its format detected (or given);
//! - a `.sql` file, or several separated by commas, applied in order;
//! - a `.json` file written by `pgdrift inspect --format json`: a snapshot;
//! - `cmd:<shell command>`: its standard output is SQL (the bridge to ORM exports).

use super::dir::DirFormat;
use super::dir::Ignore;
use crate::pg::{ConnInfo, ConnInfoError};
use std::fmt;
use std::path::{Path, PathBuf};

/// A source as the user wrote it, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSpec {
    /// A live database.
    Database(Box<ConnInfo>),
    /// A migrations directory; its format is detected unless given; entries `ignore`
    /// matches are left out.
    Directory {
        path: PathBuf,
        format: Option<DirFormat>,
        ignore: Ignore,
    },
    /// SQL files, applied in order.
    SqlFiles(Vec<PathBuf>),
    /// A catalog snapshot written by `pgdrift inspect --format json`.
    Snapshot(PathBuf),
    /// A shell command whose standard output is SQL.
    Command(String),
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
    #[error("{path}: no such file or directory")]
    NoSuchPath { path: String },
    #[error(
        "{path}: not a source pgdrift reads (a .sql or .json file, or a migrations directory)"
    )]
    UnknownFile { path: String },
    #[error("cmd: needs a command after it (cmd:\"drizzle-kit export\")")]
    EmptyCommand,
    #[error("cannot tell what {0:?} is: expected a postgres:// URL, env:NAME, cmd:COMMAND, a directory, or a .sql or .json file")]
    Unknown(String),
    #[error("{0} is not a URL pgdrift reads, nor a file: write postgres://user@host:port/dbname (a password after the user name and a colon, with any @ / ? # in it written %40 %2F %3F %23)")]
    MistypedUrl(String),
}

impl SourceSpec {
    /// Parses `arg`, reading environment variables through `env`.
    pub fn parse(
        arg: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<SourceSpec, SourceError> {
        if let Some(rest) = arg.strip_prefix("env:") {
            return Self::from_env(rest, env);
        }
        if let Some(command) = arg.strip_prefix("cmd:") {
            let command = command.trim();
            if command.is_empty() {
                return Err(SourceError::EmptyCommand);
            }
            return Ok(SourceSpec::Command(command.to_string()));
        }
        if ConnInfo::looks_like(arg) {
            return Self::database(arg, &crate::pg::mask_value(arg), env);
        }
        if arg.contains("://") {
            return Err(SourceError::Unknown(crate::pg::mask_value(arg)));
        }
        let path = Path::new(arg);
        if mistyped_url(arg) && !path.exists() {
            return Err(SourceError::MistypedUrl(crate::pg::mask_value(arg)));
        }
        if path.is_dir() {
            return Ok(SourceSpec::Directory {
                path: path.to_path_buf(),
                format: None,
                ignore: Ignore::none(),
            });
        }
        // Whatever exists under the name is taken at its word; reading it refuses anything
        // but a regular file (a FIFO would block) with a message that says so.
        if arg.ends_with(".json") {
            return match path.exists() {
                true => Ok(SourceSpec::Snapshot(path.to_path_buf())),
                false => Err(SourceError::NoSuchPath {
                    path: crate::pg::mask_value(arg),
                }),
            };
        }
        if arg.split(',').all(|p| p.ends_with(".sql")) {
            let paths: Vec<PathBuf> = arg.split(',').map(PathBuf::from).collect();
            if let Some(missing) = paths.iter().find(|p| !p.exists()) {
                return Err(SourceError::NoSuchPath {
                    path: crate::pg::mask_value(&missing.display().to_string()),
                });
            }
            return Ok(SourceSpec::SqlFiles(paths));
        }
        if path.is_file() {
            return Err(SourceError::UnknownFile {
                path: crate::pg::mask_value(arg),
            });
        }
        if arg.contains('=') && !arg.contains('/') || arg.contains("host=") {
            return Self::database(arg, &crate::pg::mask_value(arg), env);
        }
        if arg.contains('/') || arg.starts_with('.') {
            return Err(SourceError::NoSuchPath {
                path: crate::pg::mask_value(arg),
            });
        }
        Err(SourceError::Unknown(crate::pg::mask_value(arg)))
    }

    /// `env:NAME`, or `env:NAME/DB`: the database DB on the server NAME's URL reaches.
    fn from_env(
        rest: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<SourceSpec, SourceError> {
        let (name, db) = match rest.split_once('/') {
            Some((name, db)) if !db.is_empty() => (name, Some(db)),
            _ => (rest.trim_end_matches('/'), None),
        };
        let value = env(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| SourceError::MissingEnv {
                name: name.to_string(),
            })?;
        match (
            Self::database(&value, &format!("the URL in env:{name}"), env)?,
            db,
        ) {
            (SourceSpec::Database(info), Some(db)) => {
                Ok(SourceSpec::Database(Box::new(info.with_dbname(db))))
            }
            (spec, _) => Ok(spec),
        }
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

    /// This source with its directory format forced (other sources are unchanged).
    pub fn with_dir_format(self, format: Option<DirFormat>) -> SourceSpec {
        match (self, format) {
            (SourceSpec::Directory { path, ignore, .. }, Some(f)) => SourceSpec::Directory {
                path,
                format: Some(f),
                ignore,
            },
            (other, _) => other,
        }
    }

    /// This source with `ignore` as its directory's ignore globs (other sources are
    /// unchanged).
    pub fn with_dir_ignore(self, ignore: &Ignore) -> SourceSpec {
        match self {
            SourceSpec::Directory { path, format, .. } => SourceSpec::Directory {
                path,
                format,
                ignore: ignore.clone(),
            },
            other => other,
        }
    }

    /// True for sources that are replayed into a shadow database.
    pub fn is_replayed(&self) -> bool {
        matches!(
            self,
            SourceSpec::Directory { .. } | SourceSpec::SqlFiles(_) | SourceSpec::Command(_)
        )
    }
}

/// `postgres` or `postgresql` (any case) followed by `:` or `//`: a URL whose `://` was
/// mistyped (`postgres:/…`, `postgres//…`, `postgresql:user:password@…`).
fn mistyped_url(arg: &str) -> bool {
    let lower = arg.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("postgresql")
        .or_else(|| lower.strip_prefix("postgres"));
    rest.is_some_and(|r| r.starts_with(':') || r.starts_with("//"))
}

/// The masked form, safe to print.
impl fmt::Display for SourceSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceSpec::Database(info) => write!(f, "{info}"),
            SourceSpec::Directory { path, .. } | SourceSpec::Snapshot(path) => {
                f.write_str(&crate::pg::mask_value(&path.display().to_string()))
            }
            SourceSpec::SqlFiles(paths) => {
                let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                f.write_str(&crate::pg::mask_value(&names.join(",")))
            }
            SourceSpec::Command(command) => write!(f, "cmd:{}", crate::pg::mask_value(command)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(arg: &str) -> Result<SourceSpec, SourceError> {
        SourceSpec::parse(arg, &|k| {
            (k == "PROD_URL").then(|| "postgresql://u:pw@h/db".to_string())
        })
    }

    #[test]
    fn every_kind_of_source() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, snap) = (
            dir.path().join("a.sql"),
            dir.path().join("b.sql"),
            dir.path().join("s.json"),
        );
        for p in [&a, &b, &snap] {
            std::fs::write(p, "").unwrap();
        }
        assert!(matches!(
            parse("postgres://h/db").unwrap(),
            SourceSpec::Database(_)
        ));
        assert_eq!(
            parse("env:PROD_URL").unwrap().to_string(),
            "postgresql://u:***@h:5432/db"
        );
        assert_eq!(
            parse(dir.path().to_str().unwrap()).unwrap(),
            SourceSpec::Directory {
                path: dir.path().to_path_buf(),
                format: None,
                ignore: Ignore::none(),
            }
        );
        assert_eq!(
            parse(a.to_str().unwrap()).unwrap(),
            SourceSpec::SqlFiles(vec![a.clone()])
        );
        let both = format!("{},{}", a.display(), b.display());
        assert_eq!(
            parse(&both).unwrap(),
            SourceSpec::SqlFiles(vec![a.clone(), b.clone()])
        );
        assert_eq!(
            parse(snap.to_str().unwrap()).unwrap(),
            SourceSpec::Snapshot(snap.clone())
        );
        assert_eq!(
            parse("cmd: sh -c 'cat x.sql'").unwrap(),
            SourceSpec::Command("sh -c 'cat x.sql'".into())
        );
        assert!(matches!(
            parse("host=/tmp dbname=x").unwrap(),
            SourceSpec::Database(_)
        ));
    }

    #[test]
    fn mistakes_are_named_without_secrets() {
        assert_eq!(
            parse("env:NOPE").unwrap_err(),
            SourceError::MissingEnv {
                name: "NOPE".into()
            }
        );
        assert!(matches!(
            parse("./missing/dir").unwrap_err(),
            SourceError::NoSuchPath { .. }
        ));
        assert!(matches!(
            parse("missing.sql").unwrap_err(),
            SourceError::NoSuchPath { .. }
        ));
        assert_eq!(parse("cmd:").unwrap_err(), SourceError::EmptyCommand);
        let err = parse("mysql://u:secret@h/db").unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");
        for typo in [
            "postgres:/u:se cr/et@h/db",
            "postgres//u:se cr/et@h/db",
            "postgresql:u:se cr/et@h/db",
            "./postgres:u:se cr/et@h/db",
            "postgres:/u:x@h/db?password=se cr/et",
        ] {
            let err = parse(typo).unwrap_err().to_string();
            assert!(!err.contains("se cr/et") && !err.contains("cr/et"), "{err}");
        }
        assert!(matches!(
            parse("postgres:/u:x@h/db").unwrap_err(),
            SourceError::MistypedUrl(_)
        ));
    }

    #[test]
    fn env_name_slash_db_is_another_database_on_that_server() {
        let SourceSpec::Database(info) = parse("env:PROD_URL/tenant_3").unwrap() else {
            panic!("not a database");
        };
        assert_eq!(info.database(), "tenant_3");
        assert_eq!(info.user.as_deref(), Some("u"));
        assert_eq!(
            parse("env:NOPE/tenant_3").unwrap_err(),
            SourceError::MissingEnv {
                name: "NOPE".into()
            }
        );
    }
}
