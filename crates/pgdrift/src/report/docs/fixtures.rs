//! Hand-built sites and diagrams for the renderers' tests: a small site with hostile names,
//! links, notes and diagrams, and a large synthetic one shaped like the 10,000-table
//! benchmark database (a neighbourhood diagram on every table page, a capped diagram per
//! schema).

use crate::docs::{Attribute, Block, Diagram, Entity, FactTable, Inline, Page, PageKind, Relation};
use crate::model::QualName;

pub fn attribute(name: &str, type_name: &str, primary_key: bool, foreign_key: bool) -> Attribute {
    Attribute {
        name: name.into(),
        type_name: type_name.into(),
        primary_key,
        foreign_key,
        unique: false,
        not_null: primary_key,
    }
}

/// The page path of a table.
pub fn table_path(schema: &str, name: &str) -> String {
    format!("tables/{schema}.{name}.md")
}

/// A table entity with an `id` key, `fks` reference columns and a few plain columns.
pub fn entity(schema: &str, name: &str, fks: usize) -> Entity {
    let mut attributes = vec![attribute("id", "bigint", true, false)];
    for i in 0..fks {
        attributes.push(attribute(&format!("ref_{i}_id"), "bigint", false, true));
    }
    attributes.push(attribute("name", "text", false, false));
    attributes.push(attribute(
        "created_at",
        "timestamp with time zone",
        false,
        false,
    ));
    Entity {
        name: QualName::new(schema, name),
        path: table_path(schema, name),
        attributes,
        focus: false,
        view: false,
    }
}

pub fn relation(from: &QualName, to: &QualName, name: &str) -> Relation {
    Relation {
        from: from.clone(),
        to: to.clone(),
        name: name.into(),
        columns: vec!["ref_id".into()],
        referenced_columns: vec!["id".into()],
        optional: false,
        one_to_one: false,
    }
}

/// A focus table referencing `n` neighbours.
pub fn neighbourhood(n: usize) -> Diagram {
    let mut focus = entity("public", "focus_table", n);
    focus.focus = true;
    let mut entities = vec![focus];
    let mut relations = Vec::new();
    for i in 0..n {
        let other = entity("public", &format!("neighbour_{i}"), 1);
        relations.push(relation(&entities[0].name, &other.name, &format!("fk_{i}")));
        entities.push(other);
    }
    Diagram {
        title: "public.focus_table and its neighbours".into(),
        entities,
        relations,
        omitted: None,
    }
}

/// A chain-and-fan schema diagram of `n` tables: table i references i-1 and i/2.
pub fn schema_diagram(schema: &str, n: usize) -> Diagram {
    let entities: Vec<Entity> = (0..n)
        .map(|i| entity(schema, &format!("t{i:04}"), 2))
        .collect();
    let mut relations = Vec::new();
    for i in 1..n {
        let name = &entities[i].name;
        relations.push(relation(
            name,
            &entities[i - 1].name,
            &format!("t{i}_prev_fk"),
        ));
        relations.push(relation(
            name,
            &entities[i / 2].name,
            &format!("t{i}_half_fk"),
        ));
    }
    Diagram {
        title: format!("schema {schema}"),
        entities,
        relations,
        omitted: Some(format!("{schema}: only the first {n} tables are drawn")),
    }
}

fn page(
    kind: PageKind,
    schema: Option<&str>,
    name: &str,
    path: String,
    blocks: Vec<Block>,
) -> Page {
    Page {
        key: format!("{} {}", kind.word(), name),
        path,
        kind,
        schema: schema.map(str::to_string),
        name: name.into(),
        blocks,
    }
}

pub fn heading(level: u8, text: &str, anchor: &str) -> Block {
    Block::Heading {
        level,
        text: text.into(),
        anchor: anchor.into(),
    }
}

pub fn link(text: &str, path: &str, anchor: Option<&str>) -> Inline {
    Inline::Link {
        text: text.into(),
        path: path.into(),
        anchor: anchor.map(str::to_string),
        code: true,
    }
}

/// A table page: title, columns, the neighbourhood diagram and the notes.
pub fn table_page(schema: &str, name: &str, diagram: Diagram) -> Page {
    let columns = FactTable {
        item: "column".into(),
        headers: vec!["Column".into(), "Type".into(), "Rows".into()],
        volatile: vec!["Rows".into()],
        rows: vec![vec![
            vec![Inline::code("id")],
            vec![Inline::text("bigint")],
            vec![Inline::text("12")],
        ]],
    };
    let blocks = vec![
        heading(1, &format!("{schema}.{name}"), "title"),
        Block::Volatile {
            content: vec![Inline::text("about 12 rows, 8 kB")],
        },
        heading(2, "Columns", "columns"),
        Block::Table(columns),
        Block::Diagram(diagram),
        Block::Notes {
            key: format!("table {schema}.{name}"),
        },
    ];
    let path = table_path(schema, name);
    page(PageKind::Table, Some(schema), name, path, blocks)
}

pub fn readme(title: &str, blocks: Vec<Block>) -> Page {
    let mut all = vec![heading(1, title, "title")];
    all.extend(blocks);
    page(PageKind::Readme, None, title, "README.md".into(), all)
}
