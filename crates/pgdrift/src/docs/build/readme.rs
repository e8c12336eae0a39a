//! The README: the database at a glance — extensions, then per schema its comment, notes,
//! tables (with rows and size for a live database), views, functions, types and sequences,
//! each linked to its page, and the schema's diagram; then the viewpoints and the tables left
//! to migration tools.

use super::{code, comment, facts, human_bytes, human_rows, section, text, Builder};
use crate::docs::{diagram, paths, Block, Cell, FactTable, Inline, Page, PageKind};
use crate::model::{QualName, TableKind, TypeKind};
use std::collections::BTreeSet;

pub(crate) fn page(b: &Builder<'_>) -> Page {
    let title = format!("Database {}", b.inputs.title);
    let mut blocks = vec![super::title(title)];
    blocks.push(summary(b));
    blocks.push(Block::Notes {
        key: "database".into(),
    });
    blocks.extend(extensions(b));
    let mut schemas: BTreeSet<&str> = b.cat.schemas.values().map(|s| s.name.as_str()).collect();
    schemas.extend(b.cat.tables.values().map(|t| t.schema.as_str()));
    schemas.extend(b.cat.views.values().map(|t| t.schema.as_str()));
    for schema in schemas {
        blocks.extend(schema_section(b, schema));
    }
    blocks.extend(viewpoints(b));
    if !b.inputs.tool_owned.is_empty() {
        blocks.push(section("Left to migration tools"));
        let names: Vec<Inline> = b.inputs.tool_owned.iter().map(Inline::code).collect();
        let mut content = vec![Inline::text("Tracking tables, not documented here: ")];
        for (i, n) in names.into_iter().enumerate() {
            if i > 0 {
                content.push(Inline::text(", "));
            }
            content.push(n);
        }
        blocks.push(Block::Paragraph { content });
    }
    Page {
        path: paths::README.into(),
        key: "database".into(),
        kind: PageKind::Readme,
        schema: None,
        name: b.inputs.title.to_string(),
        blocks,
    }
}

fn summary(b: &Builder<'_>) -> Block {
    let c = b.cat;
    let line = format!(
        "{} tables, {} views, {} functions, {} types, {} sequences.",
        c.tables.len(),
        c.views.len(),
        c.functions.len(),
        c.types.len(),
        c.sequences.len()
    );
    Block::Paragraph {
        content: vec![Inline::text(line)],
    }
}

fn extensions(b: &Builder<'_>) -> Vec<Block> {
    if b.cat.extensions.is_empty() {
        return Vec::new();
    }
    let rows = b
        .cat
        .extensions
        .values()
        .map(|e| vec![code(&e.name), code(&e.schema), text(&e.version)]);
    vec![
        section("Extensions"),
        facts(
            "extension",
            &["Extension", "Schema", "Version"],
            rows.collect(),
        ),
    ]
}

fn schema_section(b: &Builder<'_>, schema: &str) -> Vec<Block> {
    let heading = format!("Schema {schema}");
    let mut out = vec![Block::Heading {
        level: 2,
        anchor: paths::anchor(&heading),
        text: heading,
    }];
    let info = b.cat.schemas.values().find(|s| s.name == schema);
    out.push(comment(info.and_then(|s| s.comment.as_deref())));
    out.push(Block::Notes {
        key: format!("schema {schema}"),
    });
    out.extend(tables(b, schema));
    let views = b
        .cat
        .views
        .values()
        .filter(|v| v.schema == schema)
        .map(|v| {
            let name = QualName::new(&v.schema, &v.name);
            let kind = if v.materialized {
                "materialized view"
            } else {
                "view"
            };
            vec![
                vec![b.link(PageKind::View, &name)],
                text(kind),
                first_line(v.comment.as_deref()),
            ]
        });
    out.extend(listing(
        "Views",
        "view",
        &["View", "Kind", "Comment"],
        views.collect(),
    ));
    let functions = b
        .functions
        .iter()
        .filter(|(n, _)| n.schema == schema)
        .map(|(n, fs)| {
            let comment = fs.iter().find_map(|f| f.comment.as_deref());
            vec![
                vec![b.link(PageKind::Function, n)],
                text(fs.len().to_string()),
                first_line(comment),
            ]
        });
    let headers = ["Function", "Overloads", "Comment"];
    out.extend(listing(
        "Functions",
        "function",
        &headers,
        functions.collect(),
    ));
    let types = b
        .cat
        .types
        .values()
        .filter(|t| t.schema == schema)
        .map(|t| {
            let name = QualName::new(&t.schema, &t.name);
            let kind = match &t.kind {
                TypeKind::Enum { labels } => format!("enum: {}", labels.join(", ")),
                TypeKind::Domain { base_type, .. } => format!("domain over {base_type}"),
                TypeKind::Composite { .. } => "composite".into(),
                TypeKind::Range { subtype, .. } => format!("range of {subtype}"),
            };
            vec![
                vec![b.link(PageKind::Type, &name)],
                text(kind),
                first_line(t.comment.as_deref()),
            ]
        });
    out.extend(listing(
        "Types",
        "type",
        &["Type", "Kind", "Comment"],
        types.collect(),
    ));
    let sequences = b
        .cat
        .sequences
        .values()
        .filter(|s| s.schema == schema)
        .map(|s| {
            let name = QualName::new(&s.schema, &s.name);
            let owner = s
                .owned_by
                .as_ref()
                .map(|c| format!("{}.{}.{}", c.schema, c.table, c.column));
            vec![
                vec![b.link(PageKind::Sequence, &name)],
                owner.map(code).unwrap_or_default(),
            ]
        });
    out.extend(listing(
        "Sequences",
        "sequence",
        &["Sequence", "Owned by"],
        sequences.collect(),
    ));
    let names: Vec<QualName> = (b.cat.tables.values())
        .filter(|t| t.schema == schema && t.partition_of.is_none())
        .map(|t| QualName::new(&t.schema, &t.name))
        .collect();
    if !names.is_empty() {
        out.push(Block::Heading {
            level: 3,
            text: format!("Diagram of {schema}"),
            anchor: paths::anchor(&format!("Diagram of {schema}")),
        });
        out.push(Block::Diagram(diagram::of_tables(
            b,
            &format!("schema {schema}"),
            &names,
        )));
    }
    out
}

fn tables(b: &Builder<'_>, schema: &str) -> Vec<Block> {
    let stats = b.inputs.stats;
    let rows: Vec<Vec<Cell>> = (b.cat.tables.values())
        .filter(|t| t.schema == schema)
        .map(|t| {
            let name = QualName::new(&t.schema, &t.name);
            let kind = match (t.kind, &t.partition_of) {
                (TableKind::Partitioned, _) => "partitioned",
                (TableKind::Foreign, _) => "foreign",
                (_, Some(_)) => "partition",
                _ => "table",
            };
            let mut row = vec![
                vec![b.link(PageKind::Table, &name)],
                text(kind),
                first_line(t.comment.as_deref()),
            ];
            if let Some(stats) = stats {
                let size = stats.get(&name);
                row.push(text(
                    size.and_then(|s| s.rows)
                        .map(human_rows)
                        .unwrap_or_default(),
                ));
                row.push(text(
                    size.and_then(|s| s.bytes)
                        .map(human_bytes)
                        .unwrap_or_default(),
                ));
            }
            row
        })
        .collect();
    if rows.is_empty() {
        return Vec::new();
    }
    let mut headers = vec!["Table", "Kind", "Comment"];
    if stats.is_some() {
        headers.extend(["Rows", "Size"]);
    }
    let block = Block::Table(FactTable {
        item: "table".into(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        volatile: vec!["Rows".into(), "Size".into()],
        rows,
    });
    vec![heading3("Tables"), block]
}

fn heading3(text: &str) -> Block {
    Block::Heading {
        level: 3,
        text: text.to_string(),
        anchor: paths::anchor(text),
    }
}

fn listing(title: &str, item: &str, headers: &[&str], rows: Vec<Vec<Cell>>) -> Vec<Block> {
    if rows.is_empty() {
        return Vec::new();
    }
    vec![heading3(title), facts(item, headers, rows)]
}

/// The first line of a comment, for listings.
fn first_line(comment: Option<&str>) -> Cell {
    text(comment.and_then(|c| c.lines().next()).unwrap_or_default())
}

fn viewpoints(b: &Builder<'_>) -> Vec<Block> {
    let vs = &b.inputs.config.viewpoints;
    if vs.is_empty() {
        return Vec::new();
    }
    let rows = vs.iter().map(|v| {
        let mut paths = paths::Paths::default();
        let link = Inline::Link {
            text: v.name.clone(),
            path: paths.page("viewpoints", None, &v.name),
            anchor: None,
            code: false,
        };
        vec![vec![link], text(v.description.clone().unwrap_or_default())]
    });
    vec![
        section("Viewpoints"),
        facts("viewpoint", &["Viewpoint", "Description"], rows.collect()),
    ]
}
