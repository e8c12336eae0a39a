//! Stored expressions — column defaults and generation expressions, check constraints,
//! index expressions and predicates — read as raw `pg_node_tree` text and written back as
//! SQL here, byte for byte as the server's `pg_get_expr` writes them. Deparsing on the server
//! costs more than reading the whole catalog: each call opens the table (a relation-cache
//! build and a lock) to name its columns. What this deparser does not cover is left to the
//! server (`server.rs`), so nothing is ever guessed.

mod cache;
mod datum;
mod deparse;
mod names;
mod naming;
mod server;
mod tree;

pub(crate) use cache::Cache;
pub(crate) use names::Names;
pub(crate) use server::{server_expressions, ServerExpressions};

/// A stored expression read from its node tree: deparsed (column references still marked),
/// or `None` when the server must deparse it.
pub(crate) fn client_text(tree: &str, names: &Names) -> Option<String> {
    let parsed = tree::parse(tree).ok()?;
    deparse::deparse(&parsed, names).ok()
}

/// Whether `text` still names columns by number.
pub(crate) fn has_column_markers(text: &str) -> bool {
    text.contains('\0')
}

/// `text` with its column markers replaced by the columns' names, quoted as the server
/// quotes them (`None` when a column is unknown).
pub(crate) fn fill_columns<'c>(
    text: &str,
    names: &Names,
    column: impl Fn(i16) -> Option<&'c str>,
) -> Option<String> {
    deparse::fill_columns(text, names, column)
}
