//! DDL text of publications: `CREATE PUBLICATION` with what it publishes and its options,
//! and the `ALTER PUBLICATION` pieces that add or drop tables and schemas and set options.
//! Tables are named with `ONLY`, so that a parent's inheritance children, which
//! PostgreSQL lists on their own, are never added twice.

use crate::model::{Publication, PublishedTable, PUBLISH_OPERATIONS};
use crate::sql::{Ident, Literal, QualIdent, Verbatim};

/// `ONLY schema.table (columns) WHERE (filter)`.
pub fn published_table(t: &PublishedTable) -> String {
    let mut out = format!("ONLY {}", QualIdent(&t.table.schema, &t.table.name));
    if !t.columns.is_empty() {
        out.push_str(&format!(" ({})", super::ident_list(&t.columns)));
    }
    if let Some(f) = &t.row_filter {
        out.push_str(&format!(" WHERE ({})", Verbatim(f)));
    }
    out
}

/// `TABLE a, b` and `TABLES IN SCHEMA s, t`, joined; empty when there is nothing.
fn objects(tables: &[&PublishedTable], schemas: &[&String]) -> String {
    let mut parts = Vec::new();
    if !tables.is_empty() {
        let list: Vec<String> = tables.iter().map(|t| published_table(t)).collect();
        parts.push(format!("TABLE {}", list.join(", ")));
    }
    if !schemas.is_empty() {
        let list: Vec<String> = schemas.iter().map(|s| Ident(s).to_string()).collect();
        parts.push(format!("TABLES IN SCHEMA {}", list.join(", ")));
    }
    parts.join(", ")
}

/// The `publish` option's value: `'insert, update'`.
fn publish_value(p: &Publication) -> String {
    Literal(&p.publish.join(", ")).to_string()
}

/// `CREATE PUBLICATION`, with the options that differ from PostgreSQL's defaults.
pub fn create_publication(p: &Publication) -> String {
    let mut out = format!("CREATE PUBLICATION {}", Ident(&p.name));
    let tables: Vec<&PublishedTable> = p.tables.iter().collect();
    let schemas: Vec<&String> = p.schemas.iter().collect();
    if p.all_tables {
        out.push_str(" FOR ALL TABLES");
    } else if !tables.is_empty() || !schemas.is_empty() {
        out.push_str(&format!(" FOR {}", objects(&tables, &schemas)));
    }
    let mut options = Vec::new();
    if p.publish.len() != PUBLISH_OPERATIONS.len() {
        options.push(format!("publish = {}", publish_value(p)));
    }
    if p.via_root {
        options.push("publish_via_partition_root = true".to_string());
    }
    if let Some(g) = &p.generated_columns {
        options.push(format!("publish_generated_columns = {}", Ident(g)));
    }
    if !options.is_empty() {
        out.push_str(&format!(" WITH ({})", options.join(", ")));
    }
    out
}

pub fn drop_publication(p: &Publication) -> String {
    format!("DROP PUBLICATION {}", Ident(&p.name))
}

/// `ALTER PUBLICATION p DROP ...` for the tables and schemas `to` no longer publishes as
/// `from` did (a table whose column list or row filter changes is dropped here and added
/// back by [`publication_additions`]).
pub fn publication_removals(from: &Publication, to: &Publication) -> Option<String> {
    let tables: Vec<&PublishedTable> = (from.tables.iter())
        .filter(|t| !to.tables.contains(t))
        .collect();
    let schemas: Vec<&String> = (from.schemas.iter())
        .filter(|s| !to.schemas.contains(s))
        .collect();
    // Dropped tables are named without their column list and row filter.
    let bare: Vec<PublishedTable> = tables
        .iter()
        .map(|t| PublishedTable {
            table: t.table.clone(),
            columns: Vec::new(),
            row_filter: None,
        })
        .collect();
    let bare: Vec<&PublishedTable> = bare.iter().collect();
    let what = objects(&bare, &schemas);
    (!what.is_empty()).then(|| format!("ALTER PUBLICATION {} DROP {what}", Ident(&to.name)))
}

/// `ALTER PUBLICATION p ADD ...` for what `to` publishes that `from` did not.
pub fn publication_additions(from: &Publication, to: &Publication) -> Option<String> {
    let tables: Vec<&PublishedTable> = (to.tables.iter())
        .filter(|t| !from.tables.contains(t))
        .collect();
    let schemas: Vec<&String> = (to.schemas.iter())
        .filter(|s| !from.schemas.contains(s))
        .collect();
    let what = objects(&tables, &schemas);
    (!what.is_empty()).then(|| format!("ALTER PUBLICATION {} ADD {what}", Ident(&to.name)))
}

/// `ALTER PUBLICATION p SET (...)` with the options that change, at their `to` values.
pub fn publication_options(from: &Publication, to: &Publication) -> Option<String> {
    let mut options = Vec::new();
    if from.publish != to.publish {
        options.push(format!("publish = {}", publish_value(to)));
    }
    if from.via_root != to.via_root {
        options.push(format!("publish_via_partition_root = {}", to.via_root));
    }
    if from.generated_columns != to.generated_columns {
        let g = to.generated_columns.as_deref().unwrap_or("none");
        options.push(format!("publish_generated_columns = {}", Ident(g)));
    }
    (!options.is_empty()).then(|| {
        format!(
            "ALTER PUBLICATION {} SET ({})",
            Ident(&to.name),
            options.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::QualName;

    fn table(name: &str, columns: &[&str], filter: Option<&str>) -> PublishedTable {
        PublishedTable {
            table: QualName::new("app", name),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            row_filter: filter.map(str::to_string),
        }
    }

    fn publication() -> Publication {
        Publication {
            name: "Feed".into(),
            all_tables: false,
            tables: vec![
                table("a", &["id", "Note"], Some("(id > 10)")),
                table("b", &[], None),
            ],
            schemas: vec!["sales".into()],
            publish: vec!["insert".into(), "update".into()],
            via_root: true,
            generated_columns: None,
            owner: "postgres".into(),
            comment: None,
        }
    }

    #[test]
    fn create_names_tables_schemas_and_options() {
        let mut p = publication();
        assert_eq!(
            create_publication(&p),
            "CREATE PUBLICATION \"Feed\" FOR TABLE ONLY app.a (id, \"Note\") WHERE ((id > 10)), \
             ONLY app.b, TABLES IN SCHEMA sales \
             WITH (publish = 'insert, update', publish_via_partition_root = true)"
        );
        p.all_tables = true;
        p.publish = PUBLISH_OPERATIONS.iter().map(|o| o.to_string()).collect();
        p.via_root = false;
        assert_eq!(
            create_publication(&p),
            "CREATE PUBLICATION \"Feed\" FOR ALL TABLES"
        );
        assert_eq!(drop_publication(&p), "DROP PUBLICATION \"Feed\"");
    }

    #[test]
    fn alters_drop_then_add_what_changes() {
        let from = publication();
        let mut to = publication();
        to.tables = vec![table("a", &["id"], None), table("c", &[], None)];
        to.schemas.clear();
        to.publish.push("delete".into());
        assert_eq!(
            publication_removals(&from, &to).unwrap(),
            "ALTER PUBLICATION \"Feed\" DROP TABLE ONLY app.a, ONLY app.b, TABLES IN SCHEMA sales"
        );
        assert_eq!(
            publication_additions(&from, &to).unwrap(),
            "ALTER PUBLICATION \"Feed\" ADD TABLE ONLY app.a (id), ONLY app.c"
        );
        assert_eq!(
            publication_options(&from, &to).unwrap(),
            "ALTER PUBLICATION \"Feed\" SET (publish = 'insert, update, delete')"
        );
        assert_eq!(publication_options(&from, &from), None);
        assert_eq!(publication_additions(&from, &from), None);
    }
}
