//! Telling an object's definition from the one the plan gives it, for kinds whose
//! definition PostgreSQL prints (`pg_get_indexdef`, `pg_get_constraintdef`, ...): true
//! while the printed definition is not the one in the statement that creates the object as
//! TO has it. Spacing and parentheses are left out of the comparison (the server prints
//! them its own way). Such a test says when a transaction that drops and creates the
//! object again is still to do; it decides no step on its own.

use super::{exists, lit};
use crate::plan::graph::Node;
use crate::sql::Ident;

/// The function that prints the definition of `node`'s kind.
fn printer(node: &Node) -> Option<&'static str> {
    Some(match node {
        Node::Index(_) => "pg_get_indexdef",
        Node::Constraint(_) => "pg_get_constraintdef",
        Node::Trigger(_) => "pg_get_triggerdef",
        Node::Rule(_) => "pg_get_ruledef",
        _ => return None,
    })
}

/// Text without spacing and parentheses.
fn bare(expr: &str) -> String {
    format!("pg_catalog.regexp_replace({expr}, '[[:space:]()]', '', 'g')")
}

/// The part of `create` that the server prints for `node`'s object: the whole statement
/// for indexes, triggers and rules; what follows `ADD CONSTRAINT name` for constraints
/// (without a trailing `NOT VALID` when a later step validates it: `altered`). Views are left out:
/// their options and columns change without their query.
fn printed_part<'a>(node: &Node, create: &'a str, altered: bool) -> Option<&'a str> {
    match node {
        Node::Constraint(k) => {
            let head = format!(" ADD CONSTRAINT {} ", Ident(&k.name));
            let at = create.find(&head)? + head.len();
            let def = &create[at..];
            Some(match altered {
                true => def.trim_end_matches(" NOT VALID"),
                false => def,
            })
        }
        _ => Some(create),
    }
}

/// True while `node`'s object exists with another definition than the one `create`
/// gives it, and the steps that alter it after (`altered`) (`None` for kinds without a
/// printer).
pub fn differs(node: &Node, create: &str, altered: bool) -> Option<String> {
    let printer = printer(node)?;
    let (oid, _) = exists::oid(node)?;
    let expected = printed_part(node, create, altered)?;
    let printed = format!("pg_catalog.rtrim(pg_catalog.{printer}({oid}), ';')");
    Some(format!(
        "{} IS DISTINCT FROM {}",
        bare(&printed),
        bare(&lit(expected.trim_end_matches(';')))
    ))
}
