//! Reading result rows by column name at the cost of an index: each reader lists its query's
//! columns once (`COLS`), positions are resolved at compile time, and the list is checked
//! against the server's result on its first row, so query and reader cannot drift apart.

use super::InspectError;
use tokio_postgres::Row;

/// Position of `name` in `cols`, at compile time (a typo fails the build).
pub(crate) const fn col(cols: &[&str], name: &str) -> usize {
    let mut i = 0;
    while i < cols.len() {
        if str_eq(cols[i], name) {
            return i;
        }
        i += 1;
    }
    panic!("column not in COLS");
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Checks that a result's columns (seen on its first row) are exactly `cols`, in order.
pub(crate) fn check_columns(
    query: &'static str,
    first: &Row,
    cols: &[&str],
) -> Result<(), InspectError> {
    let got: Vec<&str> = first.columns().iter().map(|c| c.name()).collect();
    if got != cols {
        return Err(InspectError::Internal(format!(
            "query {query} returned columns {got:?}, the reader expects {cols:?}"
        )));
    }
    Ok(())
}

/// Gets a column by name through `COLS` in scope: `get!(row, "name")`.
macro_rules! get {
    ($row:expr, $name:literal, $ty:ty) => {{
        let value: $ty = $crate::source::catalog::rows::get!($row, $name);
        value
    }};
    ($row:expr, $name:literal) => {
        $row.try_get(const { $crate::source::catalog::rows::col(COLS, $name) })
            .map_err(|e| $crate::source::catalog::InspectError::Decode {
                query: QUERY,
                column: $name,
                reason: e.to_string(),
            })?
    };
}
pub(crate) use get;
