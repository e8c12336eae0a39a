//! Privileges on an object, normalized against PostgreSQL's built-in defaults so that an
//! object with no ACL and one whose ACL spells out the defaults compare equal.

use serde::{Deserialize, Serialize};

/// One privilege held by one grantee (`PUBLIC` for everyone).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Grant {
    pub grantee: String,
    /// The privilege's SQL name: `SELECT`, `INSERT`, `USAGE`, `EXECUTE`, ...
    pub privilege: String,
    #[serde(default, skip_serializing_if = "crate::model::serde_util::is_false")]
    pub grantable: bool,
}

/// An object's privileges as the difference from the defaults PostgreSQL gives its kind
/// (owner has everything; `PUBLIC` has `EXECUTE` on functions and `USAGE` on types).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Privileges {
    /// Granted beyond the defaults, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub granted: Vec<Grant>,
    /// Defaults that were revoked, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revoked: Vec<Grant>,
}

impl Privileges {
    /// True when the object carries exactly the default privileges of its kind.
    pub fn is_default(&self) -> bool {
        self.granted.is_empty() && self.revoked.is_empty()
    }
}

/// The SQL name of a privilege from its one-letter ACL code, or `None` for an unknown code.
pub fn privilege_name(code: char) -> Option<&'static str> {
    Some(match code {
        'r' => "SELECT",
        'w' => "UPDATE",
        'a' => "INSERT",
        'd' => "DELETE",
        'D' => "TRUNCATE",
        'x' => "REFERENCES",
        't' => "TRIGGER",
        'X' => "EXECUTE",
        'U' => "USAGE",
        'C' => "CREATE",
        'c' => "CONNECT",
        'T' => "TEMPORARY",
        'm' => "MAINTAIN",
        's' => "SET",
        'A' => "ALTER SYSTEM",
        _ => return None,
    })
}
