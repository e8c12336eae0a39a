//! Full text search objects the user creates: dictionaries, configurations, templates and
//! parsers (`CREATE TEXT SEARCH ...`); not PostgreSQL's own in `pg_catalog`, nor those an
//! extension brings. What they name (templates, parsers, dictionaries, functions) is kept
//! schema-qualified, `pg_catalog`'s included. A dictionary option whose name looks like a
//! secret's is compared as it is but written masked in JSON, with a digest that changes
//! when it does.

use super::kind::{Kind, Place, Placed};
use super::names::{Object, QualName};
use super::setting::{is_secret_name, secret_digest as value_digest, MASKED};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// A dictionary: a template and the options it passes to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextSearchDictionary {
    pub schema: String,
    pub name: String,
    pub template: QualName,
    /// The template's options, sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<DictionaryOption>,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// One `name = value` option of a dictionary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DictionaryOption {
    pub name: String,
    /// The value as stored; [`MASKED`] when read from JSON that masked it.
    pub value: String,
    /// The digest of a masked value read from JSON (`None` when the value is known).
    pub masked_digest: Option<String>,
}

impl DictionaryOption {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        DictionaryOption {
            name: name.into(),
            value: value.into(),
            masked_digest: None,
        }
    }

    /// True when the name looks like it holds a secret: its value is never shown.
    pub fn is_secret(&self) -> bool {
        is_secret_name(&self.name) || self.masked_digest.is_some()
    }

    /// The value when it is known and may be shown (not a secret's).
    pub fn shown_value(&self) -> Option<&str> {
        (!self.is_secret()).then_some(self.value.as_str())
    }
}

/// The JSON form of an option: a secret's value masked, with its digest.
#[derive(Serialize, Deserialize)]
struct WrittenOption {
    name: String,
    value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value_digest: Option<String>,
}

impl Serialize for DictionaryOption {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let secret = self.is_secret();
        let digest = match &self.masked_digest {
            Some(d) => d.clone(),
            None => value_digest(&self.name, &self.value),
        };
        WrittenOption {
            name: self.name.clone(),
            value: if secret { MASKED } else { &self.value }.to_string(),
            value_digest: secret.then_some(digest),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for DictionaryOption {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = WrittenOption::deserialize(d)?;
        let masked = w.value == MASKED && w.value_digest.is_some();
        Ok(DictionaryOption {
            name: w.name,
            value: w.value,
            masked_digest: if masked { w.value_digest } else { None },
        })
    }
}

impl Object for TextSearchDictionary {
    type Key = QualName;
    fn key(&self) -> QualName {
        QualName::new(&self.schema, &self.name)
    }
}

impl Placed for TextSearchDictionary {
    fn place(&self) -> Place<'_> {
        Place::top(Kind::TextSearchDictionary, &self.schema, &self.name)
    }
}

/// A configuration: a parser, and for each of its token types the dictionaries that
/// consult tokens of that type, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextSearchConfiguration {
    pub schema: String,
    pub name: String,
    pub parser: QualName,
    /// Token type (the parser's alias for it, `asciiword`) -> dictionaries, in order.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mappings: BTreeMap<String, Vec<QualName>>,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Object for TextSearchConfiguration {
    type Key = QualName;
    fn key(&self) -> QualName {
        QualName::new(&self.schema, &self.name)
    }
}

impl Placed for TextSearchConfiguration {
    fn place(&self) -> Place<'_> {
        Place::top(Kind::TextSearchConfiguration, &self.schema, &self.name)
    }
}

/// A template: the functions behind dictionaries (`pg_ts_template` has no owner).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextSearchTemplate {
    pub schema: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init: Option<QualName>,
    pub lexize: QualName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Object for TextSearchTemplate {
    type Key = QualName;
    fn key(&self) -> QualName {
        QualName::new(&self.schema, &self.name)
    }
}

impl Placed for TextSearchTemplate {
    fn place(&self) -> Place<'_> {
        Place::top(Kind::TextSearchTemplate, &self.schema, &self.name)
    }
}

/// A parser: the functions that split text into tokens (`pg_ts_parser` has no owner).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextSearchParser {
    pub schema: String,
    pub name: String,
    pub start: QualName,
    pub gettoken: QualName,
    pub end: QualName,
    pub lextypes: QualName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline: Option<QualName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Object for TextSearchParser {
    type Key = QualName;
    fn key(&self) -> QualName {
        QualName::new(&self.schema, &self.name)
    }
}

impl Placed for TextSearchParser {
    fn place(&self) -> Place<'_> {
        Place::top(Kind::TextSearchParser, &self.schema, &self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_options_are_masked_in_json_and_compare_by_digest() {
        let secret = DictionaryOption::new("api_key", "hunter2");
        let json = serde_json::to_string(&secret).unwrap();
        assert!(!json.contains("hunter2"), "{json}");
        let back: DictionaryOption = serde_json::from_str(&json).unwrap();
        assert!(back.is_secret() && back.shown_value().is_none());
        let other: DictionaryOption = serde_json::from_str(
            &serde_json::to_string(&DictionaryOption::new("api_key", "x")).unwrap(),
        )
        .unwrap();
        assert_ne!(back, other);
        let plain = DictionaryOption::new("language", "english");
        let json = serde_json::to_string(&plain).unwrap();
        assert_eq!(json, r#"{"name":"language","value":"english"}"#);
        assert_eq!(
            serde_json::from_str::<DictionaryOption>(&json).unwrap(),
            plain
        );
    }
}
