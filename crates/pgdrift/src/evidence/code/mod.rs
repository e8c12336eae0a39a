//! Where a code tree references tables: `pgdrift usage`. Every file is searched once for
//! every name (see [`names`]) and for the patterns that name a table (see [`patterns`]);
//! the result is an [`Inventory`]: per table, per file, the tables referenced nowhere and
//! the names code uses that the schema lacks.

pub mod names;
pub mod patterns;
pub mod scan;
pub mod walk;

use names::Names;
use patterns::RefKind;
use scan::Named;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use walk::{Skipped, Walked};

/// The layout of the JSON form; raised when a field changes meaning or goes.
pub const FORMAT_VERSION: u32 = 1;

/// Why code could not be searched.
#[derive(Debug, thiserror::Error)]
pub enum CodeError {
    #[error("code directory {0} does not exist or is not a directory: give --code a directory of the application's source")]
    NotADirectory(PathBuf),
}

/// Where a reference is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub kind: RefKind,
    pub via: &'static str,
}

/// How code uses one table.
#[derive(Debug, Clone, Serialize)]
pub struct TableUsage {
    /// `schema.name`.
    pub table: String,
    pub references: u64,
    /// References by kind.
    pub kinds: BTreeMap<RefKind, u64>,
    /// What declares it (`drizzle`, `prisma` ...), when something does.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub declared_by: BTreeSet<&'static str>,
    /// The files that reference it.
    pub files: Vec<String>,
}

/// A name code uses as a table that the schema does not have.
#[derive(Debug, Clone, Serialize)]
pub struct Missing {
    pub name: String,
    pub references: Vec<Location>,
}

/// One table in one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileTable {
    pub table: String,
    pub kinds: BTreeSet<RefKind>,
    pub lines: Vec<u32>,
}

/// The tables one file references.
#[derive(Debug, Clone, Serialize)]
pub struct FileUsage {
    pub file: String,
    pub tables: Vec<FileTable>,
}

/// What `pgdrift usage` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Inventory {
    pub format_version: u32,
    /// The schema the names came from; `None` when only the code was read (then `tables`
    /// are the names the code itself declares or queries).
    pub schema: Option<String>,
    pub roots: Vec<String>,
    pub files_searched: u64,
    pub bytes_searched: u64,
    pub skipped: Skipped,
    pub tables: Vec<TableUsage>,
    /// Tables of the schema that no file references.
    pub unreferenced: Vec<String>,
    /// Names declared or queried in code that the schema lacks.
    pub missing: Vec<Missing>,
    pub files: Vec<FileUsage>,
}

impl Inventory {
    /// True when something needs a look: a table referenced nowhere, or one code needs
    /// and the schema lacks.
    pub fn has_findings(&self) -> bool {
        !self.unreferenced.is_empty() || !self.missing.is_empty()
    }
}

/// What to search and for which tables.
#[derive(Debug)]
pub struct Search<'a> {
    pub roots: &'a [PathBuf],
    /// The schema's tables (empty: inventory the names code uses).
    pub names: &'a Names,
    /// Shown in the report: where the names came from.
    pub schema: Option<String>,
    pub threads: usize,
    /// Counts files searched, for a progress bar.
    pub progress: &'a AtomicU64,
}

/// Searches the code and builds the inventory.
pub fn inventory(s: &Search<'_>) -> Result<Inventory, CodeError> {
    if let Some(bad) = s.roots.iter().find(|r| !r.is_dir()) {
        return Err(CodeError::NotADirectory(bad.clone()));
    }
    let walked = walk::walk(s.roots, s.names, s.threads, s.progress);
    Ok(build(s, walked))
}

fn build(s: &Search<'_>, walked: Walked) -> Inventory {
    let with_schema = !s.names.is_empty();
    let label = |n: &Named| match n {
        Named::Table(i) => s.names.tables()[*i as usize].to_string(),
        Named::Unknown(name) => name.clone(),
    };
    let mut tables: BTreeMap<String, TableUsage> = BTreeMap::new();
    if with_schema {
        for t in s.names.tables() {
            tables.insert(t.to_string(), usage(t.to_string()));
        }
    }
    let mut missing: BTreeMap<String, Vec<Location>> = BTreeMap::new();
    let mut files = Vec::new();
    for f in &walked.files {
        let mut per_file: BTreeMap<String, FileTable> = BTreeMap::new();
        for h in &f.hits {
            let unknown = matches!(h.named, Named::Unknown(_));
            if unknown && with_schema {
                missing.entry(label(&h.named)).or_default().push(Location {
                    file: f.path.clone(),
                    line: h.line,
                    kind: h.kind,
                    via: h.via,
                });
                continue;
            }
            let name = label(&h.named);
            let u = tables
                .entry(name.clone())
                .or_insert_with(|| usage(name.clone()));
            u.references += 1;
            *u.kinds.entry(h.kind).or_default() += 1;
            if h.kind == RefKind::Declaration {
                u.declared_by.insert(h.via);
            }
            if u.files.last() != Some(&f.path) {
                u.files.push(f.path.clone());
            }
            let ft = per_file.entry(name.clone()).or_insert_with(|| FileTable {
                table: name,
                kinds: BTreeSet::new(),
                lines: Vec::new(),
            });
            ft.kinds.insert(h.kind);
            if ft.lines.last() != Some(&h.line) {
                ft.lines.push(h.line);
            }
        }
        if !per_file.is_empty() {
            files.push(FileUsage {
                file: f.path.clone(),
                tables: per_file.into_values().collect(),
            });
        }
    }
    let unreferenced = (tables.values())
        .filter(|u| with_schema && u.references == 0)
        .map(|u| u.table.clone())
        .collect();
    Inventory {
        format_version: FORMAT_VERSION,
        schema: s.schema.clone(),
        roots: s.roots.iter().map(|r| r.display().to_string()).collect(),
        files_searched: walked.files_searched,
        bytes_searched: walked.bytes_searched,
        skipped: walked.skipped,
        tables: tables.into_values().collect(),
        unreferenced,
        missing: (missing.into_iter())
            .map(|(name, references)| Missing { name, references })
            .collect(),
        files,
    }
}

fn usage(table: String) -> TableUsage {
    TableUsage {
        table,
        references: 0,
        kinds: BTreeMap::new(),
        declared_by: BTreeSet::new(),
        files: Vec::new(),
    }
}
