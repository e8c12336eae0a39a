//! The finding every check reports — lint rules now, with audit findings convertible to it —
//! so that text, JSON, Markdown, SARIF and GitHub annotations are each written once: a rule
//! code and slug, a severity, the object at fault, where it is (a file and line, or a
//! database), a message, the fix, and a fingerprint that stays the same from run to run.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// How much a finding matters; `--fail-on` compares against it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Info, Severity::Warning, Severity::Error];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn from_name(name: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// The object a finding is about: its kind as people say it (`table`, `column`, `index`,
/// `foreign key`) and its qualified name (`public.orders`, `public.orders.status`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectRef {
    pub kind: &'static str,
    pub name: String,
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.kind, self.name)
    }
}

/// Where a finding is: a file and line (a migration, or the migration that created the
/// object), and the database it was found in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub slug: &'static str,
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<ObjectRef>,
    pub message: String,
    /// What to do: a statement or a command, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    pub location: Location,
    /// Stable across runs: the rule and the object (or, for a statement of a migration, the
    /// file and the statement's text), so that a code-scanning service does not open the
    /// same alert twice.
    pub fingerprint: String,
}

impl Finding {
    /// Orders findings worst first, then by file and line, then by object.
    pub fn sort(findings: &mut [Finding]) {
        findings.sort_by(|a, b| {
            (b.severity.cmp(&a.severity))
                .then_with(|| a.location.file.cmp(&b.location.file))
                .then_with(|| a.location.line.cmp(&b.location.line))
                .then_with(|| a.code.cmp(b.code))
                .then_with(|| a.object.cmp(&b.object))
                .then_with(|| a.message.cmp(&b.message))
        });
    }

    /// The object, or else the file and line, for one-line listings.
    pub fn place(&self) -> String {
        match (&self.object, &self.location.file) {
            (Some(o), _) => o.to_string(),
            (None, Some(f)) => match self.location.line {
                Some(l) => format!("{f}:{l}"),
                None => f.clone(),
            },
            (None, None) => String::new(),
        }
    }
}

/// A fingerprint from its parts: the first 16 bytes of their SHA-256, in hex.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// How many findings of each severity, worst first.
pub fn counts(findings: &[Finding]) -> [(Severity, usize); 3] {
    let n = |s| findings.iter().filter(|f| f.severity == s).count();
    [
        (Severity::Error, n(Severity::Error)),
        (Severity::Warning, n(Severity::Warning)),
        (Severity::Info, n(Severity::Info)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_separate_parts() {
        assert_eq!(fingerprint(&["PL101", "a"]), fingerprint(&["PL101", "a"]));
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(fingerprint(&["x"]).len(), 32);
    }

    #[test]
    fn severities_order_and_parse() {
        assert!(Severity::Error > Severity::Warning && Severity::Warning > Severity::Info);
        assert_eq!(Severity::from_name("warning"), Some(Severity::Warning));
        assert_eq!(Severity::from_name("fatal"), None);
    }
}
