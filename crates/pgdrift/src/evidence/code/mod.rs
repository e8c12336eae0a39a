//! Where a code tree references tables: `pgdrift usage`. Every file is searched once for
//! every name (see [`names`]) and for the patterns that name a table (see [`patterns`]);
//! the result is an [`Inventory`]: per table, per file, the tables referenced nowhere and
//! the names code uses that the schema lacks.

pub mod columns;
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
    /// Its columns named in files that reference it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<ColumnUsage>,
}

/// Where one column of a table is named.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnUsage {
    pub column: String,
    /// Files that reference the table and name the column.
    pub files: u64,
    /// The first few of them, `file:line`.
    pub places: Vec<String>,
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
    /// Columns (`schema.table.column`) of tables code references that no file referencing
    /// the table names.
    pub unreferenced_columns: Vec<String>,
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
        Named::Column(i) => s.names.columns().name(*i).to_string(),
    };
    let mut columns = ColumnTally::default();
    let mut tables: BTreeMap<String, TableUsage> = BTreeMap::new();
    if with_schema {
        for t in s.names.tables() {
            tables.insert(t.to_string(), usage(t.to_string()));
        }
    }
    let mut missing: BTreeMap<String, Vec<Location>> = BTreeMap::new();
    let mut files = Vec::new();
    for f in &walked.files {
        columns.file(s.names, f);
        let mut per_file: BTreeMap<String, FileTable> = BTreeMap::new();
        for h in f
            .hits
            .iter()
            .filter(|h| !matches!(h.named, Named::Column(_)))
        {
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
    let unreferenced_columns = columns.finish(s.names, &mut tables);
    Inventory {
        format_version: FORMAT_VERSION,
        schema: s.schema.clone(),
        roots: s.roots.iter().map(|r| r.display().to_string()).collect(),
        files_searched: walked.files_searched,
        bytes_searched: walked.bytes_searched,
        skipped: walked.skipped,
        tables: tables.into_values().collect(),
        unreferenced,
        unreferenced_columns,
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
        columns: Vec::new(),
    }
}

/// At most this many places are kept per column.
const PLACES: usize = 10;

/// Column references, by table and column: a column counts in a file that references its
/// table and names it.
#[derive(Default)]
struct ColumnTally {
    /// (table, column) to (files, first places).
    seen: BTreeMap<(u32, u32), (u64, Vec<String>)>,
}

impl ColumnTally {
    fn file(&mut self, names: &Names, f: &walk::FileHits) {
        let columns = names.columns();
        if columns.is_empty() {
            return;
        }
        let named: BTreeMap<u32, u32> = (f.hits.iter())
            .filter_map(|h| match h.named {
                Named::Column(c) => Some((c, h.line)),
                _ => None,
            })
            .collect();
        let mut tables: Vec<u32> = (f.hits.iter())
            .filter_map(|h| match h.named {
                Named::Table(t) => Some(t),
                _ => None,
            })
            .collect();
        tables.sort_unstable();
        tables.dedup();
        for t in tables {
            for &c in columns.of_table(t) {
                if let Some(line) = named.get(&c) {
                    let entry = self.seen.entry((t, c)).or_default();
                    entry.0 += 1;
                    if entry.1.len() < PLACES {
                        entry.1.push(format!("{}:{line}", f.path));
                    }
                }
            }
        }
    }

    /// Fills each table's columns in, and returns the columns of referenced tables that no
    /// file names.
    fn finish(self, names: &Names, tables: &mut BTreeMap<String, TableUsage>) -> Vec<String> {
        let columns = names.columns();
        let mut unreferenced = Vec::new();
        for (t, q) in names.tables().iter().enumerate() {
            let Some(u) = tables.get_mut(&q.to_string()) else {
                continue;
            };
            for &c in columns.of_table(t as u32) {
                match self.seen.get(&(t as u32, c)) {
                    Some((files, places)) => u.columns.push(ColumnUsage {
                        column: columns.name(c).to_string(),
                        files: *files,
                        places: places.clone(),
                    }),
                    None if u.references > 0 => {
                        unreferenced.push(format!("{q}.{}", columns.name(c)))
                    }
                    None => {}
                }
            }
        }
        unreferenced
    }
}
