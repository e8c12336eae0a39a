//! The pages of functions (every overload of a name on one page), types, sequences and
//! viewpoints.

use super::table::grants;
use super::{code, comment, facts, page, qualified, section, text, title, Builder};
use crate::docs::{diagram, Block, Cell, Inline, Page, PageKind, Viewpoint};
use crate::model::{Function, FunctionKind, QualName, Sequence, TypeDef, TypeKind};
use crate::plan::ddl;

pub(crate) fn function_page(b: &Builder<'_>, name: &QualName, overloads: &[&Function]) -> Page {
    let word = match overloads.first().map(|f| f.kind) {
        Some(FunctionKind::Procedure) => "Procedure",
        Some(FunctionKind::Aggregate) => "Aggregate",
        _ => "Function",
    };
    let mut blocks = vec![title(format!("{word} {}", qualified(name)))];
    blocks.push(Block::Notes {
        key: format!("function {}", qualified(name)),
    });
    for f in overloads {
        let signature = format!("{}({})", f.name, f.arguments);
        blocks.push(section(&signature));
        blocks.push(comment(f.comment.as_deref()));
        let mut facts_rows: Vec<Vec<Cell>> = vec![
            vec![
                text("returns"),
                code(f.returns.clone().unwrap_or_else(|| "—".into())),
            ],
            vec![text("language"), code(&f.language)],
            vec![
                text("volatility"),
                text(format!("{:?}", f.volatility).to_lowercase()),
            ],
        ];
        if f.security_definer {
            facts_rows.push(vec![text("security"), text("definer")]);
        }
        facts_rows.push(vec![text("owner"), code(&f.owner)]);
        blocks.push(facts(
            &format!("property of {signature}"),
            &["Property", "Value"],
            facts_rows,
        ));
        blocks.push(Block::Code {
            language: "sql".into(),
            text: ddl::create_routine(f).trim().to_string(),
        });
    }
    if let Some(f) = overloads.first() {
        blocks.extend(grants(&f.owner, &f.privileges));
    }
    let path = b.path(PageKind::Function, name).unwrap_or_default();
    page(PageKind::Function, path, name, blocks)
}

pub(crate) fn type_page(b: &Builder<'_>, t: &TypeDef) -> Page {
    let name = QualName::new(&t.schema, &t.name);
    let word = match &t.kind {
        TypeKind::Enum { .. } => "Enum",
        TypeKind::Domain { .. } => "Domain",
        TypeKind::Composite { .. } => "Composite type",
        TypeKind::Range { .. } => "Range type",
    };
    let mut blocks = vec![title(format!("{word} {}", qualified(&name)))];
    blocks.push(comment(t.comment.as_deref()));
    blocks.push(Block::Notes {
        key: format!("type {}", qualified(&name)),
    });
    match &t.kind {
        TypeKind::Enum { labels } => {
            let rows = labels
                .iter()
                .enumerate()
                .map(|(i, l)| vec![code(l), text((i + 1).to_string())]);
            blocks.push(section("Values"));
            blocks.push(facts("value", &["Value", "Order"], rows.collect()));
        }
        TypeKind::Composite { attributes } => {
            let rows = attributes
                .iter()
                .map(|a| vec![code(&a.name), vec![b.type_link(&a.type_name)]]);
            blocks.push(section("Attributes"));
            blocks.push(facts("attribute", &["Attribute", "Type"], rows.collect()));
        }
        TypeKind::Domain {
            base_type,
            default,
            not_null,
            checks,
            ..
        } => {
            let mut rows = vec![vec![text("base type"), vec![b.type_link(base_type)]]];
            rows.push(vec![
                text("nullable"),
                text(if *not_null { "not null" } else { "null" }),
            ]);
            if let Some(d) = default {
                rows.push(vec![text("default"), code(d)]);
            }
            for c in checks {
                rows.push(vec![
                    code(&c.name),
                    code(format!("CHECK ({})", c.expression)),
                ]);
            }
            blocks.push(section("Definition"));
            blocks.push(facts("property", &["Property", "Value"], rows));
        }
        TypeKind::Range { subtype, .. } => {
            blocks.push(section("Definition"));
            let rows = vec![vec![text("subtype"), vec![b.type_link(subtype)]]];
            blocks.push(facts("property", &["Property", "Value"], rows));
        }
    }
    blocks.extend(users_of_type(b, &name));
    blocks.extend(grants(&t.owner, &t.privileges));
    let path = b.path(PageKind::Type, &name).unwrap_or_default();
    page(PageKind::Type, path, &name, blocks)
}

/// The columns of this type, linked.
fn users_of_type(b: &Builder<'_>, name: &QualName) -> Vec<Block> {
    let mut users: Vec<&(QualName, String)> = Vec::new();
    users.extend(b.type_users.get(&qualified(name)).into_iter().flatten());
    if name.schema == "public" {
        users.extend(b.type_users.get(&name.name).into_iter().flatten());
    }
    let rows: Vec<Vec<Cell>> = users
        .into_iter()
        .map(|(table, column)| vec![vec![b.link(PageKind::Table, table)], code(column)])
        .collect();
    if rows.is_empty() {
        return Vec::new();
    }
    vec![
        section("Used by"),
        facts("column using it", &["Table", "Column"], rows),
    ]
}

pub(crate) fn sequence_page(b: &Builder<'_>, s: &Sequence) -> Page {
    let name = QualName::new(&s.schema, &s.name);
    let mut blocks = vec![title(format!("Sequence {}", qualified(&name)))];
    blocks.push(comment(s.comment.as_deref()));
    blocks.push(Block::Notes {
        key: format!("sequence {}", qualified(&name)),
    });
    let o = &s.options;
    let mut rows: Vec<Vec<Cell>> = vec![
        vec![text("type"), code(&o.data_type)],
        vec![text("start"), code(o.start.to_string())],
        vec![text("increment"), code(o.increment.to_string())],
        vec![text("minimum"), code(o.min.to_string())],
        vec![text("maximum"), code(o.max.to_string())],
        vec![text("cache"), code(o.cache.to_string())],
        vec![text("cycle"), text(if o.cycle { "yes" } else { "no" })],
    ];
    if let Some(col) = &s.owned_by {
        let table = QualName::new(&col.schema, &col.table);
        rows.push(vec![
            text("owned by"),
            vec![
                b.link(PageKind::Table, &table),
                Inline::text(format!(".{}", col.column)),
            ],
        ]);
    }
    blocks.push(section("Options"));
    blocks.push(facts("option", &["Option", "Value"], rows));
    blocks.extend(grants(&s.owner, &s.privileges));
    let path = b.path(PageKind::Sequence, &name).unwrap_or_default();
    page(PageKind::Sequence, path, &name, blocks)
}

pub(crate) fn viewpoint_page(b: &Builder<'_>, v: &Viewpoint) -> Page {
    let mut blocks = vec![title(format!("Viewpoint {}", v.name))];
    if let Some(d) = &v.description {
        blocks.push(Block::Paragraph {
            content: vec![Inline::text(d)],
        });
    }
    let patterns = v
        .patterns
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>();
    blocks.push(Block::Paragraph {
        content: vec![Inline::text(format!(
            "Tables matching {}.",
            patterns.join(", ")
        ))],
    });
    blocks.push(Block::Notes {
        key: format!("viewpoint {}", v.name),
    });
    let tables: Vec<QualName> = (b.cat.tables.values())
        .map(|t| QualName::new(&t.schema, &t.name))
        .filter(|n| v.takes(n))
        .collect();
    let rows: Vec<Vec<Cell>> = tables
        .iter()
        .map(|n| {
            let comment = b.cat.tables.get(n).and_then(|t| t.comment.clone());
            vec![
                vec![b.link(PageKind::Table, n)],
                text(comment.unwrap_or_default()),
            ]
        })
        .collect();
    blocks.push(section("Tables"));
    blocks.push(facts("table", &["Table", "Comment"], rows));
    blocks.push(section("Diagram"));
    blocks.push(Block::Diagram(diagram::of_tables(
        b,
        &format!("viewpoint {}", v.name),
        &tables,
    )));
    let mut paths = crate::docs::paths::Paths::default();
    Page {
        path: paths.page("viewpoints", None, &v.name),
        key: format!("viewpoint {}", v.name),
        kind: PageKind::Viewpoint,
        schema: None,
        name: v.name.clone(),
        blocks,
    }
}
