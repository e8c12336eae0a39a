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

/// `reason` with the password of the connection string `value` masked, and every word of
/// it: a message about a string that did not parse may quote pieces of it.
pub(super) fn scrub(reason: &str, value: &str) -> String {
    let mut out = crate::pg::mask_urls(reason);
    let mut secrets = Vec::new();
    if let Some((_, rest)) = value.split_once("://") {
        if let Some((userinfo, _)) = rest.rsplit_once('@') {
            secrets.extend(userinfo.split_once(':').map(|(_, password)| password));
        }
    }
    if let Some(pos) = value.find("password=") {
        secrets.push(&value[pos + "password=".len()..]);
    }
    let mut words: Vec<&str> = secrets
        .iter()
        .flat_map(|s| s.split(|c: char| c.is_whitespace() || "&'/:@?=,".contains(c)))
        .chain(secrets.iter().copied())
        .filter(|w| w.len() >= 2)
        .collect();
    // Longest first, so that a short word does not break the match of a longer one.
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    for word in words {
        out = out.replace(word, "***");
    }
    out
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
