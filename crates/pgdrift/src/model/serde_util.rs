//! Serde helpers shared by the model: maps written as JSON arrays, and the predicates that
//! keep default values out of snapshots.

use super::names::Object;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

pub(crate) fn is_false(b: &bool) -> bool {
    !*b
}

pub(crate) fn is_true(b: &bool) -> bool {
    *b
}

pub(crate) fn yes() -> bool {
    true
}

/// A keyed map written as an array of its values, in key order, and read back by keying each
/// element; a duplicate key is an error that names it.
pub(crate) mod as_list {
    use super::*;

    pub fn serialize<S, T>(map: &BTreeMap<T::Key, T>, s: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        T: Object + Serialize,
    {
        s.collect_seq(map.values())
    }

    pub fn deserialize<'de, D, T>(d: D) -> Result<BTreeMap<T::Key, T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Object + Deserialize<'de>,
    {
        let items = Vec::<T>::deserialize(d)?;
        let mut map = BTreeMap::new();
        for item in items {
            let key = item.key();
            if map.contains_key(&key) {
                return Err(D::Error::custom(format!("duplicate object {key}")));
            }
            map.insert(key, item);
        }
        Ok(map)
    }
}
