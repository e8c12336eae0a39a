//! Column defaults and generation expressions, which `columns::group` puts on their columns.

use super::super::nodes::Cache;
use super::super::rows::{col, get};
use super::super::InspectError;
use super::columns::{expression, ExprColumn};
use super::lookup::Lookups;
use tokio_postgres::Row;

pub(super) const QUERY: &str = "defaults";
pub(super) const COLS: &[&str] = &["relid", "num", "expression"];

const EXPRESSION: ExprColumn = (QUERY, "expression", col(COLS, "expression"));

/// A column's default or generation expression as read.
#[derive(Debug)]
pub(crate) struct Raw {
    pub(super) rel: u32,
    pub(super) num: i16,
    pub(super) expression: String,
    /// The expression is for the server to deparse.
    pub(super) server_expr: bool,
}

impl Raw {
    pub(super) fn key(&self) -> (u32, i16) {
        (self.rel, self.num)
    }

    /// Sets the expression the server deparsed.
    pub(super) fn set_expression(&mut self, text: String) {
        self.expression = text;
        self.server_expr = false;
    }
}

pub(super) fn decode(row: &Row, lookups: &Lookups, cache: &mut Cache) -> Result<Raw, InspectError> {
    let (text, server_expr) = expression(row, EXPRESSION, lookups, cache)?;
    Ok(Raw {
        rel: get!(row, "relid"),
        num: get!(row, "num"),
        expression: text.unwrap_or_default(),
        server_expr,
    })
}
