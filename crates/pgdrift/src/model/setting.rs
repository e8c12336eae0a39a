//! Database-level settings: `ALTER DATABASE <db> SET name = value` and `ALTER ROLE r IN
//! DATABASE <db> SET …` (`pg_db_role_setting` rows of the database read). Values are kept as
//! PostgreSQL stores them (`8MB` stays `8MB`, `8192` stays `8192`). A value whose setting's
//! name looks like a secret's is compared as it is but written masked in JSON and text,
//! with a digest that changes when it does; a plan never sets one (it would print the value
//! in its SQL) but says to set it by hand.

use super::kind::{Kind, Place, Placed};
use super::names::Object;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::fmt;

/// What a masked value is written as.
pub const MASKED: &str = "***";

/// A setting of the database, for every role or for one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseSetting {
    /// `ALTER ROLE role IN DATABASE`: `None` for `ALTER DATABASE` (every role).
    pub role: Option<String>,
    /// The setting's name, as stored (`work_mem`, `app.tenant`).
    pub name: String,
    /// The value as stored; [`MASKED`] when read from JSON that masked it.
    pub value: String,
    /// The digest of a masked value read from JSON (`None` when the value is known).
    pub masked_digest: Option<String>,
}

impl DatabaseSetting {
    /// True when the name looks like it holds a secret (`password`, `secret`, `key`,
    /// `token`), so that its value is never shown.
    pub fn is_secret(&self) -> bool {
        is_secret_name(&self.name)
    }

    /// The value's digest: what JSON shows of a secret's value.
    pub fn digest(&self) -> String {
        match &self.masked_digest {
            Some(d) => d.clone(),
            None => value_digest(&self.name, &self.value),
        }
    }

    /// The value when it is known (not a masked one read from JSON).
    pub fn known_value(&self) -> Option<&str> {
        self.masked_digest.is_none().then_some(self.value.as_str())
    }
}

/// True when an option or setting named `name` looks like it holds a secret (`password`,
/// `secret`, `key`, `token`), so that its value is never shown.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["password", "secret", "key", "token"]
        .iter()
        .any(|w| name.contains(w))
}

/// The digest of a secret's value: what JSON shows of it (it changes when the value does).
pub(crate) fn value_digest(name: &str, value: &str) -> String {
    let hash = Sha256::digest(format!("{name}={value}").as_bytes());
    hash.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The JSON form: a secret's value masked, with its digest.
#[derive(Serialize, Deserialize)]
struct Written {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    role: Option<String>,
    name: String,
    value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value_digest: Option<String>,
}

impl Serialize for DatabaseSetting {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let secret = self.is_secret() || self.masked_digest.is_some();
        Written {
            role: self.role.clone(),
            name: self.name.clone(),
            value: if secret { MASKED } else { &self.value }.to_string(),
            value_digest: secret.then(|| self.digest()),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for DatabaseSetting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = Written::deserialize(d)?;
        let masked = w.value == MASKED && w.value_digest.is_some();
        Ok(DatabaseSetting {
            role: w.role,
            name: w.name,
            value: w.value,
            masked_digest: if masked { w.value_digest } else { None },
        })
    }
}

/// What identifies a [`DatabaseSetting`]: the role (or none) and the setting's name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SettingKey {
    pub role: Option<String>,
    pub name: String,
}

impl fmt::Display for SettingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.role {
            Some(r) => write!(f, "{} for role {r}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

impl Object for DatabaseSetting {
    type Key = SettingKey;
    fn key(&self) -> SettingKey {
        SettingKey {
            role: self.role.clone(),
            name: self.name.clone(),
        }
    }
}

impl Placed for DatabaseSetting {
    /// In no schema (`""`), by the setting's name.
    fn place(&self) -> Place<'_> {
        Place::top(Kind::DatabaseSetting, "", &self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(name: &str, value: &str) -> DatabaseSetting {
        DatabaseSetting {
            role: None,
            name: name.into(),
            value: value.into(),
            masked_digest: None,
        }
    }

    #[test]
    fn secrets_are_written_masked_and_still_differ() {
        let a = setting("app.jwt_secret", "hunter2");
        let json = serde_json::to_string(&a).unwrap();
        assert!(!json.contains("hunter2"), "{json}");
        assert!(json.contains(MASKED));
        let b = setting("app.jwt_secret", "hunter3");
        assert_ne!(json, serde_json::to_string(&b).unwrap());
        let back: DatabaseSetting = serde_json::from_str(&json).unwrap();
        assert_eq!(back.known_value(), None);
        assert_eq!(back.digest(), a.digest());
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
    }

    #[test]
    fn plain_values_are_written_as_they_are() {
        let a = setting("work_mem", "8MB");
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, r#"{"name":"work_mem","value":"8MB"}"#);
        let back: DatabaseSetting = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
    }
}
