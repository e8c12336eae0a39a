//! What can be wrong with a fleet configuration file, and where. Every error except an
//! unreadable file starts with `path:line:column`, computed from the byte spans TOML parsing
//! keeps; no message ever contains a value that came from an environment variable.

use std::fmt;
use std::path::{Path, PathBuf};

/// A position in the configuration file: 1-based line, 1-based column (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// The position of byte `offset` of `text`, the contents of `path`.
    pub(super) fn at(path: &Path, text: &str, offset: usize) -> Location {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Location {
            path: path.to_path_buf(),
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
    }
}

/// Why a fleet configuration could not be loaded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{path}: cannot read the fleet configuration: {reason}")]
    Read { path: String, reason: String },
    /// TOML syntax, an unknown key, a missing key or a value of the wrong type.
    #[error("{at}: {message}")]
    Toml { at: Location, message: String },
    #[error("{at}: {key} pattern {pattern} {reason}")]
    BadGlob {
        at: Location,
        key: String,
        /// The pattern quoted, or which variables it came from.
        pattern: String,
        reason: String,
    },
    #[error("{at}: unknown stage {value}: use one of {}", super::Stage::list())]
    UnknownStage { at: Location, value: String },
    #[error("{at}: environment variable {name} (${{{name}}} in {key}) is not set or empty: export it, or give a default with ${{{name}:-value}}")]
    UnsetVariable {
        at: Location,
        name: String,
        key: String,
    },
    #[error("{at}: {key}: {reason}")]
    BadInterpolation {
        at: Location,
        key: String,
        reason: String,
    },
    #[error("{at}: {what} is not a connection string pgdrift can use: {reason}; write a postgres://user@host:port/dbname URL (keep the password in a variable: url = \"${{NAME}}\")")]
    BadUrl {
        at: Location,
        /// `url`, or `url (from ${NAME})` when it came from a variable.
        what: String,
        reason: String,
    },
    #[error("{at}: a second server named {name} (the first is on line {first_line}): give every [[server]] its own name")]
    DuplicateServer {
        at: Location,
        /// The name quoted, or which variables it came from.
        name: String,
        first_line: usize,
    },
    #[error("{at}: role \"{role}\" lists no databases: add databases = [\"pattern\", ...], or databases_from = {{ server = \"NAME\", database = \"DB\", query = \"SELECT ...\" }} (a registry), to say which databases play it")]
    RoleWithoutDatabases { at: Location, role: String },
    #[error("{at}: no [[server]] table: add one with a name, a url and a stage (`pgdrift audit --init` writes an example)")]
    NoServers { at: Location },
    /// A value outside what its key accepts (the message says which and what to write).
    #[error("{at}: {message}")]
    Invalid { at: Location, message: String },
}

impl ConfigError {
    /// Where in the file the fault is (none for an unreadable file).
    pub fn location(&self) -> Option<&Location> {
        match self {
            ConfigError::Read { .. } => None,
            ConfigError::Toml { at, .. }
            | ConfigError::BadGlob { at, .. }
            | ConfigError::UnknownStage { at, .. }
            | ConfigError::UnsetVariable { at, .. }
            | ConfigError::BadInterpolation { at, .. }
            | ConfigError::BadUrl { at, .. }
            | ConfigError::DuplicateServer { at, .. }
            | ConfigError::RoleWithoutDatabases { at, .. }
            | ConfigError::NoServers { at }
            | ConfigError::Invalid { at, .. } => Some(at),
        }
    }

    /// A parse error from the `toml` crate, placed in the file; advice added for the common
    /// cases (a misspelt or unknown key, a missing one).
    pub(super) fn from_toml(path: &Path, text: &str, error: &toml::de::Error) -> ConfigError {
        let offset = error.span().map_or(0, |s| s.start);
        let message = error.message().trim_end();
        let advice = if message.starts_with("unknown field") {
            "; remove the key or correct its spelling"
        } else if message.starts_with("missing field") {
            "; add it"
        } else {
            ""
        };
        ConfigError::Toml {
            at: Location::at(path, text, offset),
            message: format!("{message}{advice}"),
        }
    }
}
