//! Functions, procedures, aggregates and window functions.

use super::super::acl::privileges;
use super::super::rows::get;
use super::super::InspectError;
use super::sorted;
use crate::model::{Aggregate, Function, FunctionKind, Parallel, Volatility};
use tokio_postgres::Row;

pub(super) const QUERY: &str = "functions";
pub(super) const COLS: &[&str] = &[
    "schema",
    "name",
    "arguments",
    "kind",
    "signature",
    "returns",
    "language",
    "transforms",
    "volatility",
    "strict",
    "security_definer",
    "leakproof",
    "parallel",
    "cost",
    "rows",
    "config",
    "body",
    "agg_kind",
    "agg_direct_args",
    "agg_transfn",
    "agg_transtype",
    "agg_finalfn",
    "agg_combinefn",
    "agg_serialfn",
    "agg_deserialfn",
    "agg_mtransfn",
    "agg_minvtransfn",
    "agg_mtranstype",
    "agg_mfinalfn",
    "agg_initval",
    "agg_minitval",
    "agg_sortop",
    "agg_finalextra",
    "agg_mfinalextra",
    "agg_finalmodify",
    "owner",
    "comment",
    "acl",
    "acl_default",
];

pub(super) fn decode(row: &Row) -> Result<Function, InspectError> {
    let agg_kind: Option<String> = get!(row, "agg_kind");
    let aggregate = match agg_kind {
        None => None,
        Some(kind) => Some(Aggregate {
            kind: match kind.as_str() {
                "o" => "ordered_set",
                "h" => "hypothetical",
                _ => "normal",
            }
            .to_string(),
            transition_function: get!(row, "agg_transfn", Option<String>).unwrap_or_default(),
            state_type: get!(row, "agg_transtype", Option<String>).unwrap_or_default(),
            final_function: get!(row, "agg_finalfn"),
            combine_function: get!(row, "agg_combinefn"),
            serial_function: get!(row, "agg_serialfn"),
            deserial_function: get!(row, "agg_deserialfn"),
            moving_transition_function: get!(row, "agg_mtransfn"),
            moving_inverse_function: get!(row, "agg_minvtransfn"),
            moving_state_type: get!(row, "agg_mtranstype"),
            moving_final_function: get!(row, "agg_mfinalfn"),
            initial_value: get!(row, "agg_initval"),
            moving_initial_value: get!(row, "agg_minitval"),
            sort_operator: get!(row, "agg_sortop"),
            final_extra: get!(row, "agg_finalextra", Option<bool>).unwrap_or(false),
            moving_final_extra: get!(row, "agg_mfinalextra", Option<bool>).unwrap_or(false),
            final_modify: match get!(row, "agg_finalmodify", Option<String>).as_deref() {
                Some("s") => "shareable",
                Some("w") => "read_write",
                _ => "read_only",
            }
            .to_string(),
            direct_arguments: get!(row, "agg_direct_args", Option<i32>).unwrap_or(0),
        }),
    };
    let function = Function {
        schema: get!(row, "schema"),
        name: get!(row, "name"),
        arguments: get!(row, "arguments"),
        kind: match get!(row, "kind", String).as_str() {
            "p" => FunctionKind::Procedure,
            "a" => FunctionKind::Aggregate,
            "w" => FunctionKind::Window,
            _ => FunctionKind::Function,
        },
        signature: get!(row, "signature"),
        returns: get!(row, "returns"),
        language: get!(row, "language"),
        transforms: get!(row, "transforms"),
        volatility: match get!(row, "volatility", String).as_str() {
            "i" => Volatility::Immutable,
            "s" => Volatility::Stable,
            _ => Volatility::Volatile,
        },
        strict: get!(row, "strict"),
        security_definer: get!(row, "security_definer"),
        leakproof: get!(row, "leakproof"),
        parallel: match get!(row, "parallel", String).as_str() {
            "s" => Parallel::Safe,
            "r" => Parallel::Restricted,
            _ => Parallel::Unsafe,
        },
        cost: get!(row, "cost"),
        rows: get!(row, "rows"),
        config: sorted(get!(row, "config")),
        body: get!(row, "body", Option<String>).unwrap_or_default(),
        aggregate,
        owner: get!(row, "owner"),
        comment: get!(row, "comment"),
        privileges: privileges(get!(row, "acl"), get!(row, "acl_default")),
    };
    Ok(function)
}
