use super::*;
use crate::diff::{diff, DiffOptions};
use crate::model::Catalog;
use serde_json::json;

fn catalog(v: serde_json::Value) -> Catalog {
    let mut base = json!({
        "schemas": [], "extensions": [], "types": [], "sequences": [], "tables": [],
        "constraints": [], "indexes": [], "views": [], "functions": [], "triggers": [],
        "policies": [], "operators": [], "default_privileges": [],
        "database_settings": [], "rules": [], "extended_statistics": [],
        "collations": [], "event_triggers": [],
        "foreign_data_wrappers": [], "foreign_servers": [], "user_mappings": [], "casts": [],
        "text_search_dictionaries": [], "text_search_configurations": [],
        "text_search_templates": [], "text_search_parsers": [],
        "publications": [], "subscriptions": [], "languages": [], "transforms": [], "conversions": [],
        "access_methods": [], "operator_families": [], "operator_classes": []
    });
    for (k, val) in v.as_object().expect("an object") {
        base[k] = val.clone();
    }
    serde_json::from_value(base).expect("a valid catalog")
}

fn sql(from: &Catalog, to: &Catalog) -> Vec<String> {
    let d = diff(from, to, &DiffOptions::default());
    plan(&d, &PlanOptions::default())
        .steps
        .into_iter()
        .map(|s| s.sql)
        .collect()
}

#[test]
fn creates_in_dependency_order_and_drops_in_reverse() {
    let to = catalog(json!({
        "schemas": [{"schema": "app", "name": "app", "owner": "o"}],
        "types": [{"schema": "app", "name": "mood", "kind": "enum", "labels": ["ok"], "owner": "o"}],
        "tables": [{"schema": "app", "name": "t", "kind": "table", "owner": "o", "columns": [
            {"name": "m", "position": 1, "type": "app.mood"}
        ]}],
        "views": [{"schema": "app", "name": "v", "definition": " SELECT m FROM app.t;", "owner": "o",
                   "columns": [{"name": "m", "position": 1, "type": "app.mood"}]}]
    }));
    let empty = catalog(json!({}));
    assert_eq!(
        sql(&empty, &to),
        [
            "CREATE SCHEMA app",
            "CREATE TYPE app.mood AS ENUM ('ok')",
            "CREATE TABLE app.t (\n    m app.mood\n)",
            "CREATE VIEW app.v AS\nSELECT m FROM app.t",
        ]
    );
    let back = sql(&to, &empty);
    assert_eq!(
        back,
        [
            "DROP VIEW app.v",
            "DROP TABLE app.t",
            "DROP TYPE app.mood",
            "DROP SCHEMA app",
        ]
    );
    let d = diff(&to, &empty, &DiffOptions::default());
    let p = plan(&d, &PlanOptions::default());
    assert!(p.is_destructive());
    assert_eq!(p.runnable(false).count(), 2);
}

#[test]
fn roles_named_by_the_plan_alone_are_checked_first() {
    let base = json!({
        "foreign_data_wrappers": [{"name": "w", "owner": "o"}],
        "foreign_servers": [{"name": "s", "wrapper": "w", "owner": "o"}],
    });
    let mut with = base.clone();
    with["user_mappings"] = json!([
        {"role": "carol", "server": "s"},
        {"role": "public", "server": "s"}
    ]);
    let steps = sql(&catalog(base.clone()), &catalog(with.clone()));
    assert!(
        steps[0].starts_with("DO ") && steps[0].contains("rolname = 'carol'"),
        "{steps:#?}"
    );
    assert!(!steps[0].contains("'public'"), "{steps:#?}");
    // A role FROM names already exists where FROM was read: no check.
    let steps = sql(&catalog(with.clone()), &catalog(with));
    assert!(steps.is_empty(), "{steps:#?}");
}
