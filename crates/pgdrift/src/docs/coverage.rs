//! Comment coverage: how much of a schema its `COMMENT ON` texts document — tables, their
//! columns and views, in all and per schema — and which tables and columns have none. The
//! same numbers serve `pgdrift docs --comment-coverage` and the lint rule `require-comment`.
//!
//! A comment counts when it holds text besides lint suppressions (`pgdrift:ignore ...` up to
//! the end of its line): a comment that only silences rules documents nothing.

use crate::lint::suppress::MARKER;
use crate::model::{Catalog, Column, QualName, Table};
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;
use std::collections::BTreeMap;

/// How many of some objects are commented.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Share {
    pub commented: usize,
    pub total: usize,
}

impl Share {
    /// The commented share, from 0 to 1; 1 when there is nothing to comment.
    pub fn ratio(&self) -> f64 {
        match self.total {
            0 => 1.0,
            total => self.commented as f64 / total as f64,
        }
    }

    /// The commented share as a percentage with one decimal (`30.0%`), rounded down so that
    /// `100.0%` means every one.
    pub fn percent(&self) -> String {
        let tenths = match self.total {
            0 => 1000,
            total => self.commented.min(total) * 1000 / total,
        };
        format!("{}.{}%", tenths / 10, tenths % 10)
    }

    fn count(&mut self, commented: bool) {
        self.total += 1;
        self.commented += usize::from(commented);
    }
}

impl Serialize for Share {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_struct("Share", 3)?;
        out.serialize_field("commented", &self.commented)?;
        out.serialize_field("total", &self.total)?;
        out.serialize_field("ratio", &self.ratio())?;
        out.end()
    }
}

/// The comment coverage of a catalog.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Coverage {
    pub tables: Share,
    /// The columns of those tables, less the ones inherited from a parent.
    pub columns: Share,
    /// Views and materialized views.
    pub views: Share,
    /// Per schema that holds tables, in name order: its tables and their columns.
    #[serde(serialize_with = "per_schema")]
    pub per_schema: Vec<(String, Share, Share)>,
    /// In name order.
    pub uncommented_tables: Vec<QualName>,
    /// Each column's table and name, in table order then column position.
    pub uncommented_columns: Vec<(QualName, String)>,
}

/// `per_schema` as objects (`{"schema", "tables", "columns"}`) rather than bare arrays.
fn per_schema<S: Serializer>(rows: &[(String, Share, Share)], s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Row<'a> {
        schema: &'a str,
        tables: Share,
        columns: Share,
    }
    s.collect_seq(rows.iter().map(|(schema, tables, columns)| Row {
        schema,
        tables: *tables,
        columns: *columns,
    }))
}

/// True when `comment` documents its object: it holds text besides suppression markers.
pub fn documents(comment: Option<&str>) -> bool {
    comment.is_some_and(|text| {
        text.lines().any(|line| {
            let prose = line.find(MARKER).map_or(line, |at| &line[..at]);
            !prose.trim().is_empty()
        })
    })
}

/// The tables that count: ordinary, partitioned and foreign tables, but not partitions — a
/// partition inherits its parent's documentation, and is documented on its parent's page.
fn counted(table: &Table) -> bool {
    table.partition_of.is_none()
}

/// The columns a table declares itself (inherited ones are documented on the parent).
fn own_columns(table: &Table) -> impl Iterator<Item = &Column> {
    table.columns.iter().filter(|c| !c.inherited)
}

/// The comment coverage of `catalog`, leaving out the tables (and their columns) and views
/// for which `skip` is true: tool-owned tables, such as migration tools' tracking tables
/// (`ToolOwned::owns_table`), or names a configuration ignores.
pub fn coverage(catalog: &Catalog, skip: impl Fn(&QualName) -> bool) -> Coverage {
    let mut out = Coverage::default();
    let mut schemas: BTreeMap<&str, (Share, Share)> = BTreeMap::new();
    for (name, table) in &catalog.tables {
        if !counted(table) || skip(name) {
            continue;
        }
        let in_schema = schemas.entry(&table.schema).or_default();
        let commented = documents(table.comment.as_deref());
        out.tables.count(commented);
        in_schema.0.count(commented);
        if !commented {
            out.uncommented_tables.push(name.clone());
        }
        for column in own_columns(table) {
            let commented = documents(column.comment.as_deref());
            out.columns.count(commented);
            in_schema.1.count(commented);
            if !commented {
                out.uncommented_columns
                    .push((name.clone(), column.name.clone()));
            }
        }
    }
    for (name, view) in &catalog.views {
        if !skip(name) {
            out.views.count(documents(view.comment.as_deref()));
        }
    }
    out.per_schema = (schemas.into_iter())
        .map(|(schema, (tables, columns))| (schema.to_string(), tables, columns))
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn table(schema: &str, name: &str, comment: Option<&str>, columns: &[(&str, bool)]) -> Table {
        let columns: Vec<serde_json::Value> = (columns.iter().enumerate())
            .map(|(i, (col, commented))| {
                json!({"name": col, "position": i + 1, "type": "text",
                       "comment": commented.then_some("said")})
            })
            .collect();
        let t = json!({"schema": schema, "name": name, "kind": "table", "owner": "o",
                       "comment": comment, "columns": columns});
        serde_json::from_value(t).expect("a table")
    }

    fn catalog(tables: Vec<Table>) -> Catalog {
        let mut c = Catalog::default();
        for t in tables {
            c.tables.insert(QualName::new(&t.schema, &t.name), t);
        }
        c
    }

    fn view(name: &str, comment: Option<&str>) -> crate::model::View {
        let v = json!({"schema": "app", "name": name, "definition": "SELECT 1", "owner": "o",
                       "comment": comment, "columns": []});
        serde_json::from_value(v).expect("a view")
    }

    fn sample() -> Catalog {
        let mut events = table("app", "events", None, &[("id", true), ("at", false)]);
        events.kind = crate::model::TableKind::Partitioned;
        let mut part = table("app", "events_2024", None, &[("id", false)]);
        part.partition_of = Some(QualName::new("app", "events"));
        let mut child = table(
            "app",
            "admins",
            Some("People who run it."),
            &[("id", false), ("level", true)],
        );
        child.columns[0].inherited = true;
        let mut c = catalog(vec![
            table(
                "app",
                "orders",
                Some("One per checkout."),
                &[("id", true), ("total", true)],
            ),
            events,
            part,
            child,
            table(
                "audit",
                "log",
                Some("pgdrift:ignore PL101 append only"),
                &[("line", false)],
            ),
            table("public", "schema_migrations", None, &[("version", false)]),
        ]);
        for v in [view("totals", Some("Sums.")), view("recent", None)] {
            c.views.insert(QualName::new(&v.schema, &v.name), v);
        }
        c
    }

    #[test]
    fn counts_tables_and_own_columns_but_not_partitions() {
        let cov = coverage(&sample(), |n| n.name == "schema_migrations");
        assert_eq!(
            cov.tables,
            Share {
                commented: 2,
                total: 4
            }
        );
        assert_eq!(
            cov.columns,
            Share {
                commented: 4,
                total: 6
            }
        );
        assert_eq!(
            cov.views,
            Share {
                commented: 1,
                total: 2
            }
        );
        assert_eq!(Share::default().ratio(), 1.0);
        assert_eq!(
            cov.uncommented_tables,
            vec![
                QualName::new("app", "events"),
                QualName::new("audit", "log")
            ]
        );
        let cols: Vec<String> = (cov.uncommented_columns.iter())
            .map(|(t, c)| format!("{t}.{c}"))
            .collect();
        assert_eq!(cols, ["app.events.at", "audit.log.line"]);
        let schemas: Vec<(&str, usize, usize)> = (cov.per_schema.iter())
            .map(|(s, t, c)| (s.as_str(), t.commented, c.total))
            .collect();
        assert_eq!(schemas, [("app", 2, 5), ("audit", 0, 1)]);
        assert_eq!(cov.tables.ratio(), 0.5);
        assert_eq!(cov.tables.percent(), "50.0%");
        assert_eq!(
            Share {
                commented: 3999,
                total: 4000
            }
            .percent(),
            "99.9%"
        );
    }

    #[test]
    fn suppression_markers_alone_document_nothing() {
        assert!(!documents(None));
        assert!(!documents(Some("  \n")));
        assert!(!documents(Some("pgdrift:ignore PL107 generated")));
        assert!(documents(Some("Orders. pgdrift:ignore PL101")));
        assert!(documents(Some(
            "pgdrift:ignore PL101 legacy\nOne row per order."
        )));
    }

    #[test]
    fn json_has_ratios_and_named_schema_rows() {
        let cov = coverage(&sample(), |_| false);
        let v = serde_json::to_value(&cov).unwrap();
        assert_eq!(
            v["tables"],
            json!({"commented": 2, "total": 5, "ratio": 0.4})
        );
        assert_eq!(v["per_schema"][2]["schema"], "public");
        assert_eq!(v["per_schema"][2]["tables"]["total"], 1);
        assert_eq!(
            v["uncommented_tables"][2],
            json!({"schema": "public", "name": "schema_migrations"})
        );
        assert_eq!(
            v["uncommented_columns"][0],
            json!([{"schema": "app", "name": "events"}, "at"])
        );
    }
}
