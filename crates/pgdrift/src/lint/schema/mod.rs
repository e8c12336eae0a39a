//! The schema rules: each reads the catalog alone, so they run on every source.

use super::Checker;

/// Runs every schema rule.
pub(crate) fn run(c: &mut Checker<'_>) {
    let _ = c;
}
