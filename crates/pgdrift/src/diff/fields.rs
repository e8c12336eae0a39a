//! Field-level differences between two versions of an object, read off their serialized
//! form so that every field of the model takes part without a list to keep in step.

use serde::Serialize;
use serde_json::{Map, Value};

/// The name a field change carries for field `$field` of model type `$model`
/// (`field!(Index, comment)` is `"comment"`). It fails to build when the type has no such
/// field, so renaming a model field cannot silently turn a check of its changes off.
macro_rules! field {
    ($model:ty, $field:ident) => {{
        const _: fn(&$model) = |o| {
            let _ = &o.$field;
        };
        stringify!($field)
    }};
}
pub(crate) use field;

/// One field that differs; a side is absent when the field has its default value there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<Value>,
}

/// The top-level fields that differ between `a` and `b`, in alphabetical order, leaving
/// out those named in `ignored`. The positions of nested columns (a view's) are not compared.
pub fn changes<T: Serialize>(a: &T, b: &T, ignored: &[&str]) -> Vec<FieldChange> {
    let (a, b) = (object(a), object(b));
    let mut out = Vec::new();
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for key in keys {
        if ignored.contains(&key.as_str()) {
            continue;
        }
        let (x, y) = (a.get(key), b.get(key));
        if x != y {
            out.push(FieldChange {
                field: key.clone(),
                from: x.cloned(),
                to: y.cloned(),
            });
        }
    }
    out
}

fn object<T: Serialize>(v: &T) -> Map<String, Value> {
    match serde_json::to_value(v) {
        Ok(Value::Object(mut map)) => {
            if let Some(Value::Array(columns)) = map.get_mut("columns") {
                for c in columns {
                    if let Value::Object(c) = c {
                        c.remove("position");
                    }
                }
            }
            map
        }
        Ok(other) => {
            let mut map = Map::new();
            map.insert("value".into(), other);
            map
        }
        // The model serializes infallibly (plain data, string keys).
        Err(e) => {
            let mut map = Map::new();
            map.insert("error".into(), Value::String(e.to_string()));
            map
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct T {
        a: i32,
        #[serde(skip_serializing_if = "Option::is_none")]
        b: Option<i32>,
        owner: &'static str,
    }

    #[test]
    fn lists_differing_fields_in_order_and_skips_ignored() {
        let x = T {
            a: 1,
            b: None,
            owner: "x",
        };
        let y = T {
            a: 2,
            b: Some(3),
            owner: "y",
        };
        let c = changes(&x, &y, &["owner"]);
        assert_eq!(
            c.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(c[1].from, None);
        assert_eq!(c[1].to, Some(Value::from(3)));
        assert!(changes(&x, &x, &[]).is_empty());
    }
}
