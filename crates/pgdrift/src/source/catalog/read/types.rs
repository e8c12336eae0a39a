//! Enums, domains, composite types and range types.

use super::super::acl::privileges;
use super::super::rows::get;
use super::super::InspectError;
use super::lookup::Lookups;
use crate::model::{Attribute, DomainCheck, TypeDef, TypeKind};
use tokio_postgres::Row;

pub(super) const QUERY: &str = "types";
pub(super) const COLS: &[&str] = &[
    "schema",
    "name",
    "kind",
    "owner",
    "comment",
    "acl",
    "acl_default",
    "labels",
    "base_type",
    "domain_collation",
    "not_null",
    "default_expr",
    "check_names",
    "check_exprs",
    "check_validated",
    "attr_names",
    "attr_types",
    "attr_collations",
    "range_subtype",
    "range_opclass",
    "range_collation",
    "range_canonical",
    "range_subdiff",
    "range_multirange",
];

pub(super) fn decode(row: &Row, lookups: &Lookups) -> Result<TypeDef, InspectError> {
    let kind = match get!(row, "kind", String).as_str() {
        "e" => TypeKind::Enum {
            labels: get!(row, "labels", Option<Vec<String>>).unwrap_or_default(),
        },
        "d" => {
            let names: Vec<String> =
                get!(row, "check_names", Option<Vec<String>>).unwrap_or_default();
            let exprs: Vec<String> =
                get!(row, "check_exprs", Option<Vec<String>>).unwrap_or_default();
            let valid: Vec<bool> =
                get!(row, "check_validated", Option<Vec<bool>>).unwrap_or_default();
            TypeKind::Domain {
                base_type: get!(row, "base_type", Option<String>).unwrap_or_default(),
                collation: get!(row, "domain_collation", Option<u32>)
                    .and_then(|c| lookups.collation(c)),
                default: get!(row, "default_expr"),
                not_null: get!(row, "not_null"),
                checks: names
                    .into_iter()
                    .zip(exprs)
                    .zip(valid)
                    .map(|((name, expression), validated)| DomainCheck {
                        name,
                        expression,
                        validated,
                    })
                    .collect(),
            }
        }
        "c" => {
            let names: Vec<String> =
                get!(row, "attr_names", Option<Vec<String>>).unwrap_or_default();
            let types: Vec<String> =
                get!(row, "attr_types", Option<Vec<String>>).unwrap_or_default();
            let colls: Vec<u32> =
                get!(row, "attr_collations", Option<Vec<u32>>).unwrap_or_default();
            TypeKind::Composite {
                attributes: names
                    .into_iter()
                    .zip(types)
                    .zip(colls)
                    .map(|((name, type_name), coll)| Attribute {
                        name,
                        type_name,
                        collation: lookups.collation(coll),
                    })
                    .collect(),
            }
        }
        _ => TypeKind::Range {
            subtype: get!(row, "range_subtype", Option<String>).unwrap_or_default(),
            subtype_opclass: get!(row, "range_opclass", Option<u32>)
                .and_then(|o| lookups.non_default_opclass(o)),
            collation: get!(row, "range_collation", Option<u32>).and_then(|c| lookups.collation(c)),
            canonical: get!(row, "range_canonical"),
            subtype_diff: get!(row, "range_subdiff"),
            multirange: get!(row, "range_multirange"),
        },
    };
    let def = TypeDef {
        schema: get!(row, "schema"),
        name: get!(row, "name"),
        kind,
        owner: get!(row, "owner"),
        comment: get!(row, "comment"),
        privileges: privileges(get!(row, "acl"), get!(row, "acl_default")),
    };
    Ok(def)
}
