use super::*;
use serde_json::json;

fn catalog(v: serde_json::Value) -> Catalog {
    serde_json::from_value(v).expect("a valid catalog")
}

fn users(owner: &str, columns: serde_json::Value) -> serde_json::Value {
    json!({
        "schemas": [{"schema": "app", "name": "app", "owner": owner}],
        "extensions": [], "types": [], "sequences": [], "constraints": [], "indexes": [],
        "views": [], "functions": [], "triggers": [], "policies": [], "operators": [],
        "default_privileges": [], "database_settings": [],
        "rules": [], "extended_statistics": [], "collations": [], "event_triggers": [],
        "foreign_data_wrappers": [], "foreign_servers": [], "user_mappings": [], "casts": [],
        "text_search_dictionaries": [], "text_search_configurations": [],
        "text_search_templates": [], "text_search_parsers": [],
        "publications": [], "subscriptions": [], "languages": [], "transforms": [], "conversions": [],
        "access_methods": [], "operator_families": [], "operator_classes": [],
        "tables": [{"schema": "app", "name": "users", "kind": "table", "owner": owner,
                    "columns": columns}]
    })
}

#[test]
fn equal_catalogs_have_no_changes_even_with_other_owners_and_positions() {
    let a = catalog(users(
        "alice",
        json!([{"name": "id", "position": 1, "type": "integer"},
               {"name": "email", "position": 2, "type": "text"}]),
    ));
    let b = catalog(users(
        "bob",
        json!([{"name": "id", "position": 1, "type": "integer"},
               {"name": "email", "position": 3, "type": "text"}]),
    ));
    assert!(diff(&a, &b, &DiffOptions::default()).is_empty());
    let owners = diff(
        &a,
        &b,
        &DiffOptions {
            compare_owners: true,
        },
    );
    assert_eq!(
        owners
            .changes
            .iter()
            .map(|c| (c.kind, c.op, c.name.as_str()))
            .collect::<Vec<_>>(),
        [
            (Kind::Schema, Op::Alter, "app"),
            (Kind::Table, Op::Alter, "app.users")
        ]
    );
}

#[test]
fn column_changes_are_field_level() {
    let a = catalog(users(
        "o",
        json!([{"name": "id", "position": 1, "type": "integer"},
               {"name": "old", "position": 2, "type": "text"}]),
    ));
    let b = catalog(users(
        "o",
        json!([{"name": "id", "position": 1, "type": "bigint", "not_null": true},
               {"name": "new", "position": 2, "type": "text"}]),
    ));
    let d = diff(&a, &b, &DiffOptions::default());
    let summary: Vec<_> = d
        .changes
        .iter()
        .map(|c| (c.kind, c.op, c.name.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (Kind::Column, Op::Alter, "app.users.id"),
            (Kind::Column, Op::Create, "app.users.new"),
            (Kind::Column, Op::Drop, "app.users.old"),
        ]
    );
    let alter = &d.changes[0];
    assert_eq!(
        alter
            .fields
            .iter()
            .map(|f| f.field.as_str())
            .collect::<Vec<_>>(),
        ["not_null", "type"]
    );
    assert!(alter.changed("type"));
    let json = serde_json::to_value(alter).unwrap();
    assert_eq!(json["fields"][1]["from"], "integer");
    assert_eq!(json["fields"][1]["to"], "bigint");
    let created = serde_json::to_value(&d.changes[1]).unwrap();
    assert_eq!(created["object"]["name"], "new");
}

#[test]
fn creates_and_drops_of_whole_objects() {
    let a = catalog(users("o", json!([])));
    let mut b = a.clone();
    b.tables.clear();
    b.schemas.clear();
    let d = diff(&a, &b, &DiffOptions::default());
    assert_eq!(
        d.changes.iter().map(|c| c.op).collect::<Vec<_>>(),
        [Op::Drop, Op::Drop]
    );
    let r = diff(&b, &a, &DiffOptions::default());
    assert_eq!(
        r.changes.iter().map(|c| c.op).collect::<Vec<_>>(),
        [Op::Create, Op::Create]
    );
    assert_eq!(r.counts()[&(Kind::Table, Op::Create)], 1);
}
