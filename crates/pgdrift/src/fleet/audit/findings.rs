//! What an audit can find: one table of finding kinds (stable code, slug, severity, title),
//! and the findings themselves — each naming its database, object and the command that
//! fixes it.

pub use crate::report::finding::Severity;

/// A kind of finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct FindingKind {
    pub code: &'static str,
    pub slug: &'static str,
    pub severity: Severity,
    pub title: &'static str,
}

macro_rules! kinds {
    ($($name:ident = $code:literal, $slug:literal, $sev:ident, $title:literal;)*) => {
        $(pub const $name: FindingKind = FindingKind {
            code: $code, slug: $slug, severity: Severity::$sev, title: $title,
        };)*
        /// Every kind of finding, by code.
        pub const FINDINGS: &[FindingKind] = &[$($name),*];
    };
}

kinds! {
    SERVER_UNREACHABLE = "PA001", "server-unreachable", Error, "the server could not be reached";
    DATABASE_UNREACHABLE = "PA002", "database-unreachable", Error, "the database could not be connected to";
    ROLE_SOURCE_FAILED = "PA003", "role-source-failed", Error, "the role's desired schema could not be loaded";
    READ_FAILED = "PA004", "read-failed", Error, "the database was reached but its catalog could not be read";
    LINT_FAILED = "PA005", "lint-failed", Error, "the lint rules could not run on the database";
    UNKNOWN_DATABASE = "PA010", "unknown-database", Warning, "the database matches no role";
    MISSING_OBJECT = "PA020", "missing-object", Error, "an object of the desired schema is missing";
    EXTRA_OBJECT = "PA021", "extra-object", Warning, "an object no desired schema has";
    CHANGED_OBJECT = "PA022", "changed-object", Warning, "an object differs from the desired schema";
    LEAKED_OBJECT = "PA023", "leaked-object", Error, "an object that belongs to another role's schema";
    PENDING_MIGRATIONS = "PA030", "pending-migrations", Warning, "migrations of the role's directory are not applied";
    FAILED_MIGRATION = "PA031", "failed-migration", Error, "a migration tool recorded a failed or half-applied migration";
    SEVERAL_TOOLS = "PA032", "several-migration-tools", Warning, "more than one migration tool has recorded migrations";
    UNTRACKED = "PA033", "untracked", Info, "no migration tool has recorded anything";
    TRACKER_UNREADABLE = "PA034", "tracker-unreadable", Warning, "a migration tracking table the audit's role may not read";
    REGISTRY_FAILED = "PA040", "registry-failed", Error, "the role's registry of databases could not be read";
    REGISTERED_MISSING = "PA041", "registered-missing", Error, "a database the role's registry lists does not exist";
    UNREGISTERED = "PA042", "unregistered-database", Warning, "a database of the role is not in its registry";
    REGISTERED_ELSEWHERE = "PA043", "registered-elsewhere", Warning, "a registered database lives on another server than the registry says";
}

/// A code or slug: one of the constants (read back from JSON by [`static_str`]). A name of
/// its own so that deriving `Deserialize` does not ask the input to live forever.
pub type StaticStr = &'static str;

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    #[serde(deserialize_with = "static_str")]
    pub code: StaticStr,
    #[serde(deserialize_with = "static_str")]
    pub slug: StaticStr,
    pub severity: Severity,
    pub server: String,
    /// `None` for a finding about a whole server.
    pub database: Option<String>,
    /// The object at fault (`table public.tenants`), when there is one.
    pub object: Option<String>,
    pub message: String,
    /// One line: the command that fixes it.
    pub fix: String,
    /// For an object no desired schema has, or another role's: who uses it, in brief.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<crate::evidence::object::Brief>,
}

impl Finding {
    pub fn new(kind: FindingKind, server: &str, database: Option<&str>) -> Finding {
        Finding {
            code: kind.code,
            slug: kind.slug,
            severity: kind.severity,
            server: server.to_string(),
            database: database.map(str::to_string),
            object: None,
            message: kind.title.to_string(),
            fix: String::new(),
            evidence: None,
        }
    }

    pub fn object(mut self, object: impl Into<String>) -> Finding {
        self.object = Some(object.into());
        self
    }

    pub fn message(mut self, message: impl Into<String>) -> Finding {
        self.message = message.into();
        self
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Finding {
        self.fix = fix.into();
        self
    }
}

/// A finding's code or slug read back from a JSON report (`pgdrift report merge`): the
/// constant of that name when the audit or the lint rules define it, else the text kept for
/// the life of the process (a report holds a few dozen distinct codes at most).
fn static_str<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static KEPT: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let text = <String as serde::Deserialize>::deserialize(d)?;
    let known = FINDINGS
        .iter()
        .flat_map(|k| [k.code, k.slug])
        .find(|k| *k == text);
    if let Some(k) = known {
        return Ok(k);
    }
    let mut kept = KEPT
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(k) = kept.get(text.as_str()) {
        return Ok(k);
    }
    let leaked: &'static str = Box::leak(text.into_boxed_str());
    kept.insert(leaked);
    Ok(leaked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_slugs_are_unique() {
        let mut codes: Vec<&str> = FINDINGS.iter().map(|k| k.code).collect();
        let mut slugs: Vec<&str> = FINDINGS.iter().map(|k| k.slug).collect();
        codes.sort_unstable();
        slugs.sort_unstable();
        codes.dedup();
        slugs.dedup();
        assert_eq!(codes.len(), FINDINGS.len());
        assert_eq!(slugs.len(), FINDINGS.len());
        assert_eq!(Severity::from_name("warning"), Some(Severity::Warning));
        assert!(Severity::Error > Severity::Warning);
    }
}
