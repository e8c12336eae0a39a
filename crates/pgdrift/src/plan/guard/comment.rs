//! Tests of an object's comment: whether it already is the one a step sets.

use super::{exists, lit};
use crate::plan::graph::Node;

/// True while the comment of `node`'s object is not `text` (none: has no comment);
/// `None` for nodes without a lookup.
pub fn differs(node: &Node, text: Option<&str>) -> Option<String> {
    let (oid, catalog) = exists::oid(node)?;
    let current = format!(
        "(SELECT d.description FROM pg_catalog.pg_description d \
         WHERE d.classoid = {}::pg_catalog.regclass AND d.objoid = {oid} AND d.objsubid = 0)",
        lit(&format!("pg_catalog.{catalog}"))
    );
    Some(match text {
        Some(t) => format!("{current} IS DISTINCT FROM {}", lit(t)),
        None => format!("{current} IS NOT NULL"),
    })
}
