//! The page of a table or view: what it is, its comment, sizes or the file that created it,
//! the notes region, then columns, keys and checks, foreign keys out and in, indexes,
//! triggers, policies, grants, partitions and its neighbourhood diagram.

use super::{code, comment, facts, page, qualified, section, text, title, Builder};
use crate::docs::{diagram, Block, Cell, Inline, Page, PageKind};
use crate::model::{
    Column, Constraint, ConstraintKind, FkAction, IdentityGeneration, Privileges, QualName, Table,
    TableKind, TriggerTiming, View,
};
use crate::plan::ddl;

pub(crate) fn table_page(b: &Builder<'_>, t: &Table) -> Page {
    let name = QualName::new(&t.schema, &t.name);
    let kind = match (t.kind, &t.partition_of) {
        (TableKind::Partitioned, _) => "Partitioned table",
        (TableKind::Foreign, _) => "Foreign table",
        (_, Some(_)) => "Partition",
        _ => "Table",
    };
    let mut blocks = vec![title(format!("{kind} {}", qualified(&name)))];
    blocks.push(comment(t.comment.as_deref()));
    blocks.extend(about_table(b, t));
    blocks.extend(volatile(b, &name, true));
    blocks.push(Block::Notes {
        key: format!("table {}", qualified(&name)),
    });
    blocks.extend(columns(b, &t.columns));
    let constraints = b.constraints.get(&name).map(Vec::as_slice).unwrap_or(&[]);
    blocks.extend(keys(constraints));
    blocks.extend(foreign_keys(b, constraints));
    blocks.extend(referenced_by(b, &name));
    blocks.extend(indexes(b, &name));
    blocks.extend(triggers(b, &name));
    blocks.extend(policies(b, &name, t));
    blocks.extend(grants(&t.owner, &t.privileges));
    blocks.extend(partitions(b, &name));
    if let Some(d) = diagram::neighbourhood(b, &name) {
        blocks.push(section("Diagram"));
        blocks.push(Block::Diagram(d));
    }
    let path = b.path(PageKind::Table, &name).unwrap_or_default();
    page(PageKind::Table, path, &name, blocks)
}

pub(crate) fn view_page(b: &Builder<'_>, v: &View) -> Page {
    let name = QualName::new(&v.schema, &v.name);
    let kind = if v.materialized {
        "Materialized view"
    } else {
        "View"
    };
    let mut blocks = vec![title(format!("{kind} {}", qualified(&name)))];
    blocks.push(comment(v.comment.as_deref()));
    blocks.extend(volatile(b, &name, v.materialized));
    blocks.push(Block::Notes {
        key: format!("view {}", qualified(&name)),
    });
    blocks.extend(columns(b, &v.columns));
    blocks.extend(indexes(b, &name));
    blocks.extend(triggers(b, &name));
    blocks.extend(grants(&v.owner, &v.privileges));
    blocks.push(section("Definition"));
    blocks.push(Block::Code {
        language: "sql".into(),
        text: v.definition.trim().to_string(),
    });
    let path = b.path(PageKind::View, &name).unwrap_or_default();
    page(PageKind::View, path, &name, blocks)
}

/// Partition key, parent, inheritance, typed table, foreign server, RLS: a line each.
fn about_table(b: &Builder<'_>, t: &Table) -> Vec<Block> {
    let mut lines: Vec<Vec<Inline>> = Vec::new();
    if let Some(key) = &t.partition_key {
        lines.push(vec![Inline::text("Partitioned by "), Inline::code(key)]);
    }
    if let Some(parent) = &t.partition_of {
        let bound = t.partition_bound.clone().unwrap_or_default();
        lines.push(vec![
            Inline::text("Partition of "),
            b.link(PageKind::Table, parent),
            Inline::text(" "),
            Inline::code(bound),
        ]);
    }
    for parent in &t.inherits {
        lines.push(vec![
            Inline::text("Inherits from "),
            b.link(PageKind::Table, parent),
        ]);
    }
    if let Some(of) = &t.of_type {
        lines.push(vec![Inline::text("Of type "), b.link(PageKind::Type, of)]);
    }
    if let Some(server) = &t.foreign_server {
        lines.push(vec![
            Inline::text("On foreign server "),
            Inline::code(server),
        ]);
    }
    if t.rls_enabled {
        let forced = if t.rls_forced {
            " (forced for the owner too)"
        } else {
            ""
        };
        lines.push(vec![Inline::text(format!(
            "Row-level security enabled{forced}"
        ))]);
    }
    if t.unlogged {
        lines.push(vec![Inline::text("Unlogged")]);
    }
    lines
        .into_iter()
        .map(|content| Block::Paragraph { content })
        .collect()
}

/// Rows and size of a live database's table, and the file that created it.
fn volatile(b: &Builder<'_>, name: &QualName, sized: bool) -> Option<Block> {
    let mut content = Vec::new();
    if let Some(size) = b.inputs.stats.and_then(|s| s.get(name)).filter(|_| sized) {
        let rows = size.rows.map_or("not analyzed".into(), super::human_rows);
        content.push(Inline::text(format!("Rows (estimate): {rows}")));
        if let Some(bytes) = size.bytes {
            content.push(Inline::text(format!(
                " · Size: {}",
                super::human_bytes(bytes)
            )));
        }
    }
    if let Some(file) = b.created_in(name) {
        if !content.is_empty() {
            content.push(Inline::text(" · "));
        }
        content.push(Inline::text("Created in "));
        content.push(file);
    }
    (!content.is_empty()).then_some(Block::Volatile { content })
}

fn columns(b: &Builder<'_>, columns: &[Column]) -> Vec<Block> {
    let rows = columns
        .iter()
        .map(|c| {
            vec![
                code(&c.name),
                vec![b.type_link(&c.type_name)],
                text(if c.not_null { "not null" } else { "null" }),
                default_of(c),
                text(c.comment.clone().unwrap_or_default()),
            ]
        })
        .collect::<Vec<_>>();
    if rows.is_empty() {
        return Vec::new();
    }
    vec![
        section("Columns"),
        facts(
            "column",
            &["Column", "Type", "Nullable", "Default", "Comment"],
            rows,
        ),
    ]
}

/// The default, identity or generation expression of a column.
fn default_of(c: &Column) -> Cell {
    if let Some(identity) = &c.identity {
        let how = match identity.generation {
            IdentityGeneration::Always => "identity always",
            IdentityGeneration::ByDefault => "identity by default",
        };
        return text(how);
    }
    if let Some(g) = &c.generated {
        let how = if g.stored { "stored" } else { "virtual" };
        return vec![
            Inline::text(format!("generated ({how}) ")),
            Inline::code(&g.expression),
        ];
    }
    match &c.default {
        Some(d) => code(d),
        None => Vec::new(),
    }
}

/// Primary key, unique, check and exclusion constraints.
fn keys(constraints: &[&Constraint]) -> Vec<Block> {
    let rows: Vec<Vec<Cell>> = constraints
        .iter()
        .filter_map(|c| {
            let kind = match &c.kind {
                ConstraintKind::PrimaryKey { .. } => "primary key",
                ConstraintKind::Unique { .. } => "unique",
                ConstraintKind::Check { .. } => "check",
                ConstraintKind::Exclusion { .. } => "exclusion",
                ConstraintKind::ForeignKey { .. } => return None,
            };
            Some(vec![
                code(&c.name),
                text(kind),
                code(ddl::constraint_definition(c)),
            ])
        })
        .collect();
    if rows.is_empty() {
        return Vec::new();
    }
    vec![
        section("Constraints"),
        facts("constraint", &["Constraint", "Kind", "Definition"], rows),
    ]
}

fn action(a: &FkAction) -> &'static str {
    match a {
        FkAction::NoAction => "no action",
        FkAction::Restrict => "restrict",
        FkAction::Cascade => "cascade",
        FkAction::SetNull => "set null",
        FkAction::SetDefault => "set default",
    }
}

fn foreign_keys(b: &Builder<'_>, constraints: &[&Constraint]) -> Vec<Block> {
    let rows: Vec<Vec<Cell>> = constraints
        .iter()
        .filter_map(|c| match &c.kind {
            ConstraintKind::ForeignKey {
                columns,
                references,
                referenced_columns,
                on_update,
                on_delete,
                ..
            } => Some(vec![
                code(&c.name),
                code(columns.join(", ")),
                vec![
                    b.link(PageKind::Table, references),
                    Inline::text(format!(" ({})", referenced_columns.join(", "))),
                ],
                text(action(on_delete)),
                text(action(on_update)),
            ]),
            _ => None,
        })
        .collect();
    if rows.is_empty() {
        return Vec::new();
    }
    let headers = [
        "Foreign key",
        "Columns",
        "References",
        "On delete",
        "On update",
    ];
    vec![
        section("Foreign keys"),
        facts("foreign key", &headers, rows),
    ]
}

fn referenced_by(b: &Builder<'_>, name: &QualName) -> Vec<Block> {
    let Some(fks) = b.referenced_by.get(name) else {
        return Vec::new();
    };
    let rows: Vec<Vec<Cell>> = fks
        .iter()
        .map(|c| {
            let from = QualName::new(&c.schema, &c.table);
            let columns = match &c.kind {
                ConstraintKind::ForeignKey { columns, .. } => columns.join(", "),
                _ => String::new(),
            };
            vec![
                vec![b.link(PageKind::Table, &from)],
                code(&c.name),
                code(columns),
            ]
        })
        .collect();
    let headers = ["Referencing table", "Foreign key", "Columns"];
    vec![
        section("Referenced by"),
        facts("reference from", &headers, rows),
    ]
}

fn indexes(b: &Builder<'_>, name: &QualName) -> Vec<Block> {
    let Some(list) = b.indexes.get(name) else {
        return Vec::new();
    };
    let rows: Vec<Vec<Cell>> = list
        .iter()
        .map(|i| {
            let unique = if i.unique { "unique" } else { "" };
            let valid = if i.valid { "" } else { " (invalid)" };
            vec![
                code(&i.name),
                text(format!("{unique}{valid}").trim()),
                code(ddl::index_definition(i)),
                text(i.comment.clone().unwrap_or_default()),
            ]
        })
        .collect();
    let headers = ["Index", "Unique", "Definition", "Comment"];
    vec![section("Indexes"), facts("index", &headers, rows)]
}

fn triggers(b: &Builder<'_>, name: &QualName) -> Vec<Block> {
    let Some(list) = b.triggers.get(name) else {
        return Vec::new();
    };
    let rows: Vec<Vec<Cell>> = list
        .iter()
        .map(|t| {
            let timing = match t.timing {
                TriggerTiming::Before => "before",
                TriggerTiming::After => "after",
                TriggerTiming::InsteadOf => "instead of",
            };
            let when =
                format!("{timing} {} for each {}", t.events.join(" or "), t.level).to_lowercase();
            vec![
                code(&t.name),
                text(when),
                vec![b.link(PageKind::Function, &t.function)],
            ]
        })
        .collect();
    let headers = ["Trigger", "Fires", "Function"];
    vec![section("Triggers"), facts("trigger", &headers, rows)]
}

fn policies(b: &Builder<'_>, name: &QualName, t: &Table) -> Vec<Block> {
    let Some(list) = b.policies.get(name) else {
        return Vec::new();
    };
    let rows: Vec<Vec<Cell>> = list
        .iter()
        .map(|p| {
            let how = if p.permissive {
                "permissive"
            } else {
                "restrictive"
            };
            vec![
                code(&p.name),
                text(format!("{} ({how})", p.command.to_lowercase())),
                text(p.roles.join(", ")),
                p.using.clone().map(code).unwrap_or_default(),
                p.with_check.clone().map(code).unwrap_or_default(),
            ]
        })
        .collect();
    let mut out = vec![section("Policies")];
    if !t.rls_enabled {
        out.push(Block::Paragraph {
            content: vec![Inline::em(
                "Row-level security is not enabled: these policies do not apply.",
            )],
        });
    }
    let headers = ["Policy", "Command", "Roles", "Using", "With check"];
    out.push(facts("policy", &headers, rows));
    out
}

/// The owner and the privileges that differ from the defaults, by grantee.
pub(crate) fn grants(owner: &str, privileges: &Privileges) -> Vec<Block> {
    let mut by_grantee: std::collections::BTreeMap<&str, (Vec<String>, Vec<String>)> =
        Default::default();
    for g in &privileges.granted {
        let option = if g.grantable {
            " (with grant option)"
        } else {
            ""
        };
        by_grantee
            .entry(&g.grantee)
            .or_default()
            .0
            .push(format!("{}{option}", g.privilege));
    }
    for g in &privileges.revoked {
        by_grantee
            .entry(&g.grantee)
            .or_default()
            .1
            .push(g.privilege.clone());
    }
    let mut rows = vec![vec![code(owner), text("owner"), Vec::new()]];
    rows.extend(by_grantee.into_iter().map(|(grantee, (granted, revoked))| {
        vec![
            code(grantee),
            text(granted.join(", ")),
            text(revoked.join(", ")),
        ]
    }));
    vec![
        section("Grants"),
        facts(
            "grantee",
            &["Role", "Granted", "Revoked from the defaults"],
            rows,
        ),
    ]
}

fn partitions(b: &Builder<'_>, name: &QualName) -> Vec<Block> {
    let Some(list) = b.partitions.get(name) else {
        return Vec::new();
    };
    let rows: Vec<Vec<Cell>> = list
        .iter()
        .map(|p| {
            let child = QualName::new(&p.schema, &p.name);
            vec![
                vec![b.link(PageKind::Table, &child)],
                code(p.partition_bound.clone().unwrap_or_default()),
            ]
        })
        .collect();
    vec![
        section("Partitions"),
        facts("partition", &["Partition", "Bound"], rows),
    ]
}
