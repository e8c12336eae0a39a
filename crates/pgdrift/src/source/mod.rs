//! Where a catalog comes from: a live database's system catalogs (`catalog/`); SQL — files,
//! migrations directories in each tool's layout (`dir`), a command's output (`command`) —
//! replayed into a shadow database (`replay`, each unit run by `execute`, roles only
//! production has made as placeholders by `roles`, results kept in `cache`); or a snapshot. Sources are named by the grammar in
//! `spec` and loaded by `load`; their files are opened by `file`, regular files only.

mod cache;
pub mod catalog;
mod command;
pub mod dir;
mod execute;
pub mod file;
pub mod load;
pub mod replay;
pub mod roles;
pub mod spec;

pub use catalog::{
    inspect, inspect_in_transaction, inspect_small_in_transaction, Deparse, InspectError,
    InspectOptions, Inspected, QueryTiming,
};
pub use load::{LoadError, LoadOptions, Loaded, Loader};
pub use spec::{SourceError, SourceSpec};
