//! Catalog → [`Site`]: the README, a page per table, view, function name, type and sequence,
//! and one per viewpoint. The catalog is regrouped once by table (keys, indexes, triggers,
//! policies, references in and out, partitions), so 10,000 tables take one pass each, and
//! every object's page path is known before any page is written, so pages link to each other.

mod objects;
mod readme;
mod table;

use super::config::DocsConfig;
use super::paths::{self, Paths};
use super::{Block, Cell, FactTable, Inline, Page, PageKind, Site};
use crate::lint::locate::Locations;
use crate::model::{
    Catalog, Constraint, ConstraintKind, Function, Index, Policy, QualName, Table, Trigger,
};
use std::collections::{BTreeMap, HashMap};

/// One table's size, from a live database's statistics.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TableSize {
    /// The planner's estimate; `None` when never analyzed.
    pub rows: Option<f64>,
    /// Heap, TOAST and indexes.
    pub bytes: Option<i64>,
}

/// Sizes by table, for live databases.
pub type TableStats = HashMap<QualName, TableSize>;

/// What the docs are made from.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The schema, tool-owned tables already left out.
    pub catalog: &'a Catalog,
    /// The site's title: the database's name, or the directory's.
    pub title: &'a str,
    pub stats: Option<&'a TableStats>,
    /// Where each object was created, for a migrations directory or SQL files.
    pub locations: Option<&'a Locations>,
    pub config: &'a DocsConfig,
    /// Tables left out because a migration tool owns them, to be named in the README.
    pub tool_owned: &'a [String],
}

/// The documentation of `inputs`.
pub fn build(inputs: &Inputs<'_>) -> Site {
    let b = Builder::new(inputs);
    let mut pages = vec![readme::page(&b)];
    for t in b.cat.tables.values() {
        pages.push(table::table_page(&b, t));
    }
    for v in b.cat.views.values() {
        pages.push(table::view_page(&b, v));
    }
    for (name, overloads) in &b.functions {
        pages.push(objects::function_page(&b, name, overloads));
    }
    for t in b.cat.types.values() {
        pages.push(objects::type_page(&b, t));
    }
    for s in b.cat.sequences.values() {
        pages.push(objects::sequence_page(&b, s));
    }
    for v in &inputs.config.viewpoints {
        pages.push(objects::viewpoint_page(&b, v));
    }
    Site {
        title: inputs.title.to_string(),
        pages,
    }
}

/// The catalog regrouped for the pages, with every page's path.
pub(crate) struct Builder<'a> {
    pub cat: &'a Catalog,
    pub inputs: Inputs<'a>,
    /// Page path by kind and name.
    pub pages: HashMap<(PageKind, QualName), String>,
    pub constraints: HashMap<QualName, Vec<&'a Constraint>>,
    /// Foreign keys referencing each table.
    pub referenced_by: HashMap<QualName, Vec<&'a Constraint>>,
    pub indexes: HashMap<QualName, Vec<&'a Index>>,
    pub triggers: HashMap<QualName, Vec<&'a Trigger>>,
    pub policies: HashMap<QualName, Vec<&'a Policy>>,
    pub partitions: HashMap<QualName, Vec<&'a Table>>,
    /// Routines by schema-qualified name, overloads together.
    pub functions: BTreeMap<QualName, Vec<&'a Function>>,
    /// Columns by their type's name as written (arrays as their element type).
    pub type_users: HashMap<String, Vec<(QualName, String)>>,
}

impl<'a> Builder<'a> {
    fn new(inputs: &Inputs<'a>) -> Builder<'a> {
        let cat = inputs.catalog;
        let mut b = Builder {
            cat,
            inputs: *inputs,
            pages: HashMap::new(),
            constraints: HashMap::new(),
            referenced_by: HashMap::new(),
            indexes: HashMap::new(),
            triggers: HashMap::new(),
            policies: HashMap::new(),
            partitions: HashMap::new(),
            functions: BTreeMap::new(),
            type_users: HashMap::new(),
        };
        for c in cat.constraints.values() {
            let table = QualName::new(&c.schema, &c.table);
            if let ConstraintKind::ForeignKey { references, .. } = &c.kind {
                b.referenced_by
                    .entry(references.clone())
                    .or_default()
                    .push(c);
            }
            b.constraints.entry(table).or_default().push(c);
        }
        for i in cat.indexes.values() {
            b.indexes
                .entry(QualName::new(&i.schema, &i.table))
                .or_default()
                .push(i);
        }
        for t in cat.triggers.values() {
            b.triggers
                .entry(QualName::new(&t.schema, &t.table))
                .or_default()
                .push(t);
        }
        for p in cat.policies.values() {
            b.policies
                .entry(QualName::new(&p.schema, &p.table))
                .or_default()
                .push(p);
        }
        for t in cat.tables.values() {
            if let Some(parent) = &t.partition_of {
                b.partitions.entry(parent.clone()).or_default().push(t);
            }
            for c in t.columns.iter().filter(|c| !c.inherited) {
                let ty = c.type_name.trim_end_matches("[]").to_string();
                let at = (QualName::new(&t.schema, &t.name), c.name.clone());
                b.type_users.entry(ty).or_default().push(at);
            }
        }
        for f in cat.functions.values() {
            b.functions
                .entry(QualName::new(&f.schema, &f.name))
                .or_default()
                .push(f);
        }
        b.assign_paths();
        b
    }

    fn assign_paths(&mut self) {
        let mut paths = Paths::default();
        let mut add = |kind: PageKind, dir: &str, name: QualName| {
            let path = paths.page(dir, Some(&name.schema), &name.name);
            self.pages.insert((kind, name), path);
        };
        for t in self.cat.tables.values() {
            add(PageKind::Table, "tables", QualName::new(&t.schema, &t.name));
        }
        for v in self.cat.views.values() {
            add(PageKind::View, "views", QualName::new(&v.schema, &v.name));
        }
        for name in self.functions.keys() {
            add(PageKind::Function, "functions", name.clone());
        }
        for t in self.cat.types.values() {
            add(PageKind::Type, "types", QualName::new(&t.schema, &t.name));
        }
        for s in self.cat.sequences.values() {
            add(
                PageKind::Sequence,
                "sequences",
                QualName::new(&s.schema, &s.name),
            );
        }
    }

    /// The page of `name` as `kind`.
    pub fn path(&self, kind: PageKind, name: &QualName) -> Option<&str> {
        self.pages.get(&(kind, name.clone())).map(String::as_str)
    }

    /// The page of a table or view called `name`.
    pub fn relation_path(&self, name: &QualName) -> Option<&str> {
        self.path(PageKind::Table, name)
            .or_else(|| self.path(PageKind::View, name))
    }

    /// A link to `name`'s page as `kind`, or the name in code when it has none.
    pub fn link(&self, kind: PageKind, name: &QualName) -> Inline {
        let found = match kind {
            PageKind::Table | PageKind::View => self.relation_path(name),
            _ => self.path(kind, name),
        };
        match found {
            Some(path) => Inline::Link {
                text: qualified(name),
                path: path.to_string(),
                anchor: None,
                code: true,
            },
            None => Inline::code(qualified(name)),
        }
    }

    /// A type name linked to its page when the catalog defines it.
    pub fn type_link(&self, type_name: &str) -> Inline {
        let bare = type_name.trim_end_matches("[]");
        let name = match bare.split_once('.') {
            Some((s, n)) => QualName::new(s.trim_matches('"'), n.trim_matches('"')),
            None => QualName::new("public", bare.trim_matches('"')),
        };
        match self.path(PageKind::Type, &name) {
            Some(path) => Inline::Link {
                text: type_name.to_string(),
                path: path.to_string(),
                anchor: None,
                code: true,
            },
            None => Inline::code(type_name),
        }
    }

    /// Where `name` was created, for a migrations directory.
    pub fn created_in(&self, name: &QualName) -> Option<Inline> {
        let (file, line) = self.inputs.locations?.of(name)?;
        Some(Inline::code(format!("{file}:{line}")))
    }
}

/// `schema.name`.
pub(crate) fn qualified(name: &QualName) -> String {
    format!("{}.{}", name.schema, name.name)
}

/// A page's title.
pub(crate) fn title(text: String) -> Block {
    Block::Heading {
        level: 1,
        anchor: paths::anchor(&text),
        text,
    }
}

/// A level-2 heading.
pub(crate) fn section(text: &str) -> Block {
    Block::Heading {
        level: 2,
        text: text.to_string(),
        anchor: paths::anchor(text),
    }
}

/// The object's comment as a paragraph, or a note that it has none.
pub(crate) fn comment(text: Option<&str>) -> Block {
    Block::Paragraph {
        content: vec![match text {
            Some(c) => Inline::text(c),
            None => Inline::em("No comment."),
        }],
    }
}

/// A fact table of `item`s.
pub(crate) fn facts(item: &str, headers: &[&str], rows: Vec<Vec<Cell>>) -> Block {
    Block::Table(FactTable {
        item: item.to_string(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        volatile: Vec::new(),
        rows,
    })
}

/// A cell of plain text (empty for none).
pub(crate) fn text(s: impl Into<String>) -> Cell {
    let s = s.into();
    match s.is_empty() {
        true => Vec::new(),
        false => vec![Inline::text(s)],
    }
}

/// A cell of code.
pub(crate) fn code(s: impl Into<String>) -> Cell {
    vec![Inline::code(s)]
}

/// A page.
pub(crate) fn page(kind: PageKind, path: &str, name: &QualName, blocks: Vec<Block>) -> Page {
    Page {
        path: path.to_string(),
        key: format!("{} {}", kind.word(), qualified(name)),
        kind,
        schema: Some(name.schema.clone()),
        name: name.name.clone(),
        blocks,
    }
}

pub(crate) use crate::lint::migration::weigh::{bytes as human_bytes, thousands as human_rows};
