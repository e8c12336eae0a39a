//! Generic options of foreign-data objects (`OPTIONS (name 'value', ...)` of wrappers,
//! servers and user mappings). An option whose name looks like a secret's (`password`,
//! `sslkey`, `token` ...) is compared as it is but written masked in JSON and text, with a
//! digest that changes when its value does; a plan never writes one.

use super::setting::{is_secret_name, secret_digest, MASKED};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One option of a foreign-data object.
#[derive(Debug, Clone, Eq)]
pub struct GenericOption {
    pub name: String,
    /// The value as stored; [`MASKED`] when read from JSON that masked it.
    pub value: String,
    /// The digest of a masked value read from JSON (`None` when the value is known).
    pub masked_digest: Option<String>,
}

impl GenericOption {
    /// An option from PostgreSQL's `name=value` text (`fdwoptions`, `srvoptions` ...).
    pub fn parse(item: &str) -> GenericOption {
        let (name, value) = item.split_once('=').unwrap_or((item, ""));
        GenericOption {
            name: name.to_string(),
            value: value.to_string(),
            masked_digest: None,
        }
    }

    /// True when the value is written masked: the name looks like a secret's, or the value
    /// came masked from JSON.
    pub fn is_secret(&self) -> bool {
        is_secret_name(&self.name) || self.masked_digest.is_some()
    }

    /// The value's digest: what JSON shows of a secret's value.
    pub fn digest(&self) -> String {
        match &self.masked_digest {
            Some(d) => d.clone(),
            None => secret_digest(&self.name, &self.value),
        }
    }

    /// The value a plan may write: `None` for a secret's (or one it does not know).
    pub fn plain_value(&self) -> Option<&str> {
        (!self.is_secret()).then_some(self.value.as_str())
    }

    /// The value as shown: masked for a secret.
    pub fn shown(&self) -> &str {
        match self.is_secret() {
            true => MASKED,
            false => &self.value,
        }
    }
}

/// Equal when the written forms are: secrets by their digests.
impl PartialEq for GenericOption {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && match self.is_secret() || other.is_secret() {
                true => self.digest() == other.digest(),
                false => self.value == other.value,
            }
    }
}

/// The JSON form: a secret's value masked, with its digest.
#[derive(Serialize, Deserialize)]
struct Written {
    name: String,
    value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value_digest: Option<String>,
}

impl Serialize for GenericOption {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let secret = self.is_secret();
        Written {
            name: self.name.clone(),
            value: self.shown().to_string(),
            value_digest: secret.then(|| self.digest()),
        }
        .serialize(s)
    }
}

/// What JSON may hold: the written form, or PostgreSQL's `name=value` text (which
/// snapshots wrote for foreign tables' options before they were masked).
#[derive(Deserialize)]
#[serde(untagged)]
enum Read {
    Written(Written),
    Text(String),
}

impl<'de> Deserialize<'de> for GenericOption {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = match Read::deserialize(d)? {
            Read::Written(w) => w,
            Read::Text(t) => return Ok(GenericOption::parse(&t)),
        };
        let masked = w.value == MASKED && w.value_digest.is_some();
        Ok(GenericOption {
            name: w.name,
            value: w.value,
            masked_digest: if masked { w.value_digest } else { None },
        })
    }
}

/// Options from PostgreSQL's `name=value` array, sorted by name.
pub fn parse_options(items: Option<Vec<String>>) -> Vec<GenericOption> {
    let mut out: Vec<GenericOption> = items
        .unwrap_or_default()
        .iter()
        .map(|i| GenericOption::parse(i))
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_options_are_masked_and_compared_by_digest() {
        let options = parse_options(Some(vec!["user=app".into(), "password=hunter2".into()]));
        assert_eq!(options[0].name, "password");
        let json = serde_json::to_string(&options).unwrap();
        assert!(!json.contains("hunter2"), "{json}");
        assert!(json.contains(r#"{"name":"user","value":"app"}"#), "{json}");
        let back: Vec<GenericOption> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, options);
        assert_eq!(back[0].plain_value(), None);
        let other = parse_options(Some(vec!["password=hunter3".into()]));
        assert_ne!(other[0], options[0]);
        assert_eq!(GenericOption::parse("a=b=c").value, "b=c");
        let text: Vec<GenericOption> = serde_json::from_str(r#"["format=csv"]"#).unwrap();
        assert_eq!(
            (text[0].name.as_str(), text[0].value.as_str()),
            ("format", "csv")
        );
    }
}
