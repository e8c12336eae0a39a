//! The user's operator families and classes, their members decoded from the JSON lists the
//! queries return and sorted (by number, then operand types).

use super::super::rows::get;
use super::super::InspectError;
use crate::model::{OpFunction, OpOperator, OperatorClass, OperatorFamily, QualName};
use serde::Deserialize;
use tokio_postgres::Row;

/// One operator of a JSON list.
#[derive(Deserialize)]
struct RawOperator {
    strategy: i16,
    left: String,
    right: String,
    schema: String,
    name: String,
    arguments: String,
    purpose: String,
    sort_schema: Option<String>,
    sort_name: Option<String>,
}

/// The operators of a JSON list (`None`: no members), sorted.
fn operators(query: &'static str, text: Option<String>) -> Result<Vec<OpOperator>, InspectError> {
    let raw: Vec<RawOperator> = parse(query, "operators", text)?;
    let mut out: Vec<OpOperator> = raw
        .into_iter()
        .map(|r| OpOperator {
            strategy: r.strategy,
            left: r.left,
            right: r.right,
            schema: r.schema,
            name: r.name,
            arguments: r.arguments,
            purpose: r.purpose,
            sort_family: match (r.sort_schema, r.sort_name) {
                (Some(s), Some(n)) => Some(QualName::new(s, n)),
                _ => None,
            },
        })
        .collect();
    out.sort();
    Ok(out)
}

/// The support functions of a JSON list (`None`: no members), sorted.
fn functions(query: &'static str, text: Option<String>) -> Result<Vec<OpFunction>, InspectError> {
    let mut out: Vec<OpFunction> = parse(query, "functions", text)?;
    out.sort();
    Ok(out)
}

fn parse<T: serde::de::DeserializeOwned>(
    query: &'static str,
    column: &'static str,
    text: Option<String>,
) -> Result<Vec<T>, InspectError> {
    match text {
        None => Ok(Vec::new()),
        Some(t) => serde_json::from_str(&t).map_err(|e| InspectError::Decode {
            query,
            column,
            reason: e.to_string(),
        }),
    }
}

pub(super) mod families {
    use super::*;

    pub(in super::super) const QUERY: &str = "operator_families";
    pub(in super::super) const COLS: &[&str] = &[
        "schema",
        "name",
        "method",
        "operators",
        "functions",
        "owner",
        "comment",
    ];

    pub(in super::super) fn decode(row: &Row) -> Result<OperatorFamily, InspectError> {
        Ok(OperatorFamily {
            schema: get!(row, "schema"),
            name: get!(row, "name"),
            method: get!(row, "method"),
            operators: operators(QUERY, get!(row, "operators"))?,
            functions: functions(QUERY, get!(row, "functions"))?,
            owner: get!(row, "owner"),
            comment: get!(row, "comment"),
        })
    }
}

pub(super) mod classes {
    use super::*;

    pub(in super::super) const QUERY: &str = "operator_classes";
    pub(in super::super) const COLS: &[&str] = &[
        "schema",
        "name",
        "method",
        "for_type",
        "is_default",
        "family_schema",
        "family_name",
        "storage",
        "operators",
        "functions",
        "owner",
        "comment",
    ];

    pub(in super::super) fn decode(row: &Row) -> Result<OperatorClass, InspectError> {
        Ok(OperatorClass {
            schema: get!(row, "schema"),
            name: get!(row, "name"),
            method: get!(row, "method"),
            for_type: get!(row, "for_type"),
            default: get!(row, "is_default"),
            family: QualName::new(
                get!(row, "family_schema", String),
                get!(row, "family_name", String),
            ),
            storage: get!(row, "storage"),
            operators: operators(QUERY, get!(row, "operators"))?,
            functions: functions(QUERY, get!(row, "functions"))?,
            owner: get!(row, "owner"),
            comment: get!(row, "comment"),
        })
    }
}
