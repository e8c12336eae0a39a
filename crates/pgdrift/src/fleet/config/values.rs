//! Pure checks and rewrites of single values: glob patterns, passwords kept out of messages
//! about connection strings, and paths resolved against the configuration's directory.

use std::path::{Path, PathBuf};

/// What is wrong with a glob pattern, and the byte offset of the fault.
pub(super) fn glob_fault(pattern: &str) -> Option<(usize, &'static str)> {
    if pattern.trim().is_empty() {
        return Some((0, "is empty: write \"*\" for every database"));
    }
    pattern.find(['[', ']']).map(|at| {
        (
            at,
            "uses [ ]: character classes are not supported, only * (any characters) and ? (one character)",
        )
    })
}

/// `reason` with the passwords of the connection string `value` masked, whole and in
/// pieces: a message about a string that did not parse may quote pieces of it.
pub(super) fn scrub(reason: &str, value: &str) -> String {
    crate::pg::mask_quoting(reason, value)
}

/// `path` against `base` unless it is absolute.
pub(super) fn resolve(base: &Path, path: &str) -> PathBuf {
    match Path::new(path).is_absolute() {
        true => PathBuf::from(path),
        false => base.join(path),
    }
}

/// A source string with its file paths resolved against `base`: a directory, a `.json`
/// snapshot, `.sql` files separated by commas. Databases (URLs, `key=value` strings,
/// `env:NAME`) and `cmd:` commands are left as they are.
pub(super) fn resolve_source(base: &Path, source: &str) -> String {
    let is_database = source.contains("://")
        || source.contains("host=")
        || (source.contains('=') && !source.contains('/'));
    if source.starts_with("cmd:") || source.starts_with("env:") || is_database {
        return source.to_string();
    }
    let parts: Vec<&str> = match source.split(',').all(|p| p.ends_with(".sql")) {
        true => source.split(',').collect(),
        false => vec![source],
    };
    let resolved: Vec<String> = parts
        .iter()
        .map(|p| resolve(base, p).to_string_lossy().into_owned())
        .collect();
    resolved.join(",")
}
