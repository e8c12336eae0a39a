//! Documentation as one more view of the catalog: [`build`] turns a catalog (with a live
//! database's statistics, or the files that created each object) into a [`Site`] — pages made
//! of headings, paragraphs, tables, ER diagrams and the regions where people keep notes — and
//! the renderers in `report::docs` write it as Markdown files or one HTML page. `notes` keeps
//! the people's regions across regenerations, `check` compares a docs directory with the
//! schema it should describe, `coverage` counts comments.

mod build;
pub mod check;
pub mod config;
mod diagram;
pub mod notes;
pub mod paths;
pub mod write;

pub use build::{build, Inputs, TableSize, TableStats};
pub use config::{DocsConfig, Viewpoint};

use crate::model::QualName;
use serde::Serialize;

/// The documentation of one source: its pages, README first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Site {
    /// What the docs describe, for the title (`app` for a database, or the directory name).
    pub title: String,
    pub pages: Vec<Page>,
}

/// One page: a table, view, function (all overloads of a name), type, sequence, viewpoint or
/// the README.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    /// Relative path of the Markdown file, with `/` separators: `tables/public.orders.md`.
    pub path: String,
    /// The object in schema terms, stable across regenerations: `table public.orders`.
    pub key: String,
    pub kind: PageKind,
    /// The schema the object belongs to (none for the README and viewpoints).
    pub schema: Option<String>,
    /// The object's name, unqualified (the README's is the site title).
    pub name: String,
    pub blocks: Vec<Block>,
}

/// What a page documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    Readme,
    Table,
    View,
    Function,
    Type,
    Sequence,
    Viewpoint,
}

impl PageKind {
    /// The word used in stale lists and page titles: `table`, `view`, ...
    pub fn word(self) -> &'static str {
        match self {
            PageKind::Readme => "database",
            PageKind::Table => "table",
            PageKind::View => "view",
            PageKind::Function => "function",
            PageKind::Type => "type",
            PageKind::Sequence => "sequence",
            PageKind::Viewpoint => "viewpoint",
        }
    }
}

/// A piece of a page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "block", rename_all = "snake_case")]
pub enum Block {
    /// A heading; level 1 is the page title. `anchor` is the id links point at.
    Heading {
        level: u8,
        text: String,
        anchor: String,
    },
    Paragraph {
        content: Vec<Inline>,
    },
    /// Facts that change without the schema changing (row estimates, sizes, the file that
    /// created the object): shown, but not compared by `docs --check`.
    Volatile {
        content: Vec<Inline>,
    },
    /// A table of facts: each row is one object named by its first cell (`item` is that
    /// object's word: `column`, `index`, ...), so a difference can be said in schema terms.
    Table(FactTable),
    /// Source text (a view's query, a function's definition).
    Code {
        language: String,
        text: String,
    },
    Diagram(Diagram),
    /// Where people write prose about `key`; regeneration keeps what they wrote.
    Notes {
        key: String,
    },
}

/// A table of facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactTable {
    /// What one row is: `column`, `index`, `foreign key`, ...
    pub item: String,
    pub headers: Vec<String>,
    /// Headers whose values change without the schema changing (`Rows`, `Size`).
    pub volatile: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// One cell: inline pieces.
pub type Cell = Vec<Inline>;

/// Inline content.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "inline", rename_all = "snake_case")]
pub enum Inline {
    Text {
        text: String,
    },
    Code {
        text: String,
    },
    Emphasis {
        text: String,
    },
    /// A link to another page (`path`) and, optionally, an anchor on it.
    Link {
        text: String,
        path: String,
        anchor: Option<String>,
        code: bool,
    },
}

impl Inline {
    pub fn text(s: impl Into<String>) -> Inline {
        Inline::Text { text: s.into() }
    }
    pub fn code(s: impl Into<String>) -> Inline {
        Inline::Code { text: s.into() }
    }
    pub fn em(s: impl Into<String>) -> Inline {
        Inline::Emphasis { text: s.into() }
    }

    /// The plain text of the piece.
    pub fn plain(&self) -> &str {
        match self {
            Inline::Text { text } | Inline::Code { text } | Inline::Emphasis { text } => text,
            Inline::Link { text, .. } => text,
        }
    }
}

/// An entity-relationship diagram.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagram {
    /// What it shows: `schema public`, `viewpoint billing`, `public.orders and its neighbours`.
    pub title: String,
    pub entities: Vec<Entity>,
    pub relations: Vec<Relation>,
    /// Why some tables are left out (too many to draw), when some are.
    pub omitted: Option<String>,
}

/// One table or view in a diagram.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entity {
    pub name: QualName,
    /// The page that documents it.
    pub path: String,
    pub attributes: Vec<Attribute>,
    /// Drawn emphasised (the centre of a neighbourhood).
    pub focus: bool,
    pub view: bool,
}

/// One column of an entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribute {
    pub name: String,
    pub type_name: String,
    pub primary_key: bool,
    pub foreign_key: bool,
    pub unique: bool,
    pub not_null: bool,
}

/// A foreign key: `from` (the referencing table) points at `to`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Relation {
    pub from: QualName,
    pub to: QualName,
    /// The constraint's name.
    pub name: String,
    pub columns: Vec<String>,
    pub referenced_columns: Vec<String>,
    /// Some referencing column may be null: a row need not reference anything.
    pub optional: bool,
    /// The referencing columns are unique: at most one row references each.
    pub one_to_one: bool,
}
