//! What the expression deparser needs to know about the server, read once before the catalog
//! queries: types, operators, functions and enum labels by OID, the keywords that force
//! quoting, and the settings that change how literals and identifiers print.

use super::super::rows::{check_columns, get};
use super::super::InspectError;
use crate::pg::Connection;
use rustc_hash::{FxHashMap, FxHashSet};
use tokio_postgres::Row;

const TYPES: &str = include_str!("../queries/names_types.sql");
const OPERATORS: &str = include_str!("../queries/names_operators.sql");
const FUNCTIONS: &str = include_str!("../queries/names_functions.sql");
const SERVER: &str = include_str!("../queries/names_server.sql");

/// A type as `format_type` and the deparser see it.
#[derive(Debug, Clone)]
pub(crate) struct TypeInfo {
    pub schema: String,
    pub name: String,
    /// `typtype`: `b`, `e`, `d`, `r`, `m`, `p`, `c`.
    pub kind: char,
    /// The element type of a true array type (0 for others).
    pub element: u32,
    /// Whether `format_type` shows it as its element type with `[]`.
    pub shown_as_array: bool,
    pub collation: u32,
    /// A domain's base type (0 for others).
    pub base: u32,
    /// Whether it has a type-modifier output function.
    pub has_typmod_out: bool,
}

/// An operator: where it lives and its declared operand types.
#[derive(Debug, Clone)]
pub(crate) struct OperInfo {
    pub schema: String,
    pub name: String,
    pub left: u32,
    pub right: u32,
}

/// A function: where it lives; for `pg_catalog` ones, the argument types.
#[derive(Debug, Clone)]
pub(crate) struct FuncInfo {
    pub schema: String,
    pub name: String,
    pub args: Option<Vec<u32>>,
    pub variadic: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Names {
    /// Whether node-tree datums can be decoded here: a little-endian server storing text in
    /// UTF-8.
    pub datums_readable: bool,
    /// The server's major version.
    pub major: u32,
    pub standard_strings: bool,
    pub quote_all: bool,
    keywords: FxHashSet<String>,
    pub types: FxHashMap<u32, TypeInfo>,
    pub operators: FxHashMap<u32, OperInfo>,
    /// `pg_catalog` operators by name and operand types.
    catalog_operators: FxHashMap<(String, u32, u32), u32>,
    /// Names of `pg_catalog` operators added by extensions.
    added_operator_names: FxHashSet<String>,
    pub functions: FxHashMap<u32, FuncInfo>,
    /// Names of `pg_catalog` functions of which some variant has defaults or is variadic
    /// (a call to any of them is resolved in ways not reproduced here).
    overloaded_functions: FxHashSet<String>,
    pub enum_labels: FxHashMap<u32, String>,
}

impl Names {
    /// Reads what deparsing needs, on `conn` (inside the read's transaction).
    pub(crate) async fn read(conn: &Connection) -> Result<Names, InspectError> {
        let c = &conn.client;
        let (types, operators, functions, server) = tokio::join!(
            c.query(TYPES, &[]),
            c.query(OPERATORS, &[]),
            c.query(FUNCTIONS, &[]),
            c.query(SERVER, &[])
        );
        let fail = |what: &str, e: tokio_postgres::Error| InspectError::query(conn, what, &e);
        // In the order sent: after a failure, the later ones only say the transaction failed.
        let types = types.map_err(|e| fail("type names", e))?;
        let operators = operators.map_err(|e| fail("operator names", e))?;
        let functions = functions.map_err(|e| fail("function names", e))?;
        let server = server.map_err(|e| fail("server settings", e))?;
        let mut names = Names {
            major: conn.version.major(),
            ..Names::default()
        };
        names.read_server(&server)?;
        names.read_types(&types)?;
        names.read_operators(&operators)?;
        names.read_functions(&functions)?;
        Ok(names)
    }

    fn read_server(&mut self, rows: &[Row]) -> Result<(), InspectError> {
        const QUERY: &str = "server settings";
        const COLS: &[&str] = &[
            "standard_strings",
            "utf8",
            "quote_all",
            "probe",
            "keywords",
            "enums",
        ];
        let Some(row) = rows.first() else {
            return Err(InspectError::Internal("no server settings row".into()));
        };
        check_columns(QUERY, row, COLS)?;
        self.standard_strings = get!(row, "standard_strings");
        self.quote_all = get!(row, "quote_all");
        let probe: Option<String> = get!(row, "probe");
        // jsonb_set's last argument defaults to true: one byte, first of eight when the
        // server stores values little-endian.
        let little_endian = probe.is_some_and(|p| p.contains(":constvalue 1 [ 1 0 0 0 0 0 0 0 ]"));
        let utf8: bool = get!(row, "utf8");
        self.datums_readable = little_endian && utf8;
        let keywords: Vec<String> = get!(row, "keywords");
        self.keywords = keywords.into_iter().collect();
        let enums: Vec<String> = get!(row, "enums");
        for pair in enums {
            if let Some((oid, label)) = pair.split_once(' ') {
                if let Ok(oid) = oid.parse() {
                    self.enum_labels.insert(oid, label.to_string());
                }
            }
        }
        Ok(())
    }

    fn read_types(&mut self, rows: &[Row]) -> Result<(), InspectError> {
        const QUERY: &str = "type names";
        const COLS: &[&str] = &[
            "oid",
            "schema",
            "name",
            "kind",
            "element",
            "shown_as_array",
            "collation",
            "base",
            "has_typmod_out",
            "array",
        ];
        if let Some(first) = rows.first() {
            check_columns(QUERY, first, COLS)?;
        }
        for row in rows {
            let kind: String = get!(row, "kind");
            let oid: u32 = get!(row, "oid");
            let array: u32 = get!(row, "array");
            let info = TypeInfo {
                schema: get!(row, "schema"),
                name: get!(row, "name"),
                kind: kind.chars().next().unwrap_or('?'),
                element: get!(row, "element"),
                shown_as_array: get!(row, "shown_as_array"),
                collation: get!(row, "collation"),
                base: get!(row, "base"),
                has_typmod_out: get!(row, "has_typmod_out"),
            };
            // The arrays of other schemas' types are not read; each is its element's.
            if oid >= FIRST_NORMAL_OID && array != 0 {
                let shown = TypeInfo {
                    kind: 'b',
                    element: oid,
                    shown_as_array: true,
                    base: 0,
                    has_typmod_out: false,
                    ..info.clone()
                };
                self.types.insert(array, shown);
            }
            self.types.insert(oid, info);
        }
        Ok(())
    }

    fn read_operators(&mut self, rows: &[Row]) -> Result<(), InspectError> {
        const QUERY: &str = "operator names";
        const COLS: &[&str] = &["oid", "schema", "name", "left", "right"];
        if let Some(first) = rows.first() {
            check_columns(QUERY, first, COLS)?;
        }
        for row in rows {
            let oid: u32 = get!(row, "oid");
            let info = OperInfo {
                schema: get!(row, "schema"),
                name: get!(row, "name"),
                left: get!(row, "left"),
                right: get!(row, "right"),
            };
            if info.schema == "pg_catalog" {
                if oid >= FIRST_NORMAL_OID {
                    self.added_operator_names.insert(info.name.clone());
                }
                self.catalog_operators
                    .insert((info.name.clone(), info.left, info.right), oid);
            }
            self.operators.insert(oid, info);
        }
        Ok(())
    }

    fn read_functions(&mut self, rows: &[Row]) -> Result<(), InspectError> {
        const QUERY: &str = "function names";
        const COLS: &[&str] = &["oid", "schema", "name", "args", "variadic", "has_defaults"];
        if let Some(first) = rows.first() {
            check_columns(QUERY, first, COLS)?;
        }
        for row in rows {
            let args: Option<String> = get!(row, "args");
            let info = FuncInfo {
                schema: get!(row, "schema"),
                name: get!(row, "name"),
                args: args.map(|a| {
                    a.split_ascii_whitespace()
                        .map(|t| t.parse().unwrap_or(0))
                        .collect()
                }),
                variadic: get!(row, "variadic"),
            };
            let has_defaults: bool = get!(row, "has_defaults");
            if info.schema == "pg_catalog" && (info.variadic || has_defaults) {
                self.overloaded_functions.insert(info.name.clone());
            }
            self.functions.insert(get!(row, "oid"), info);
        }
        Ok(())
    }

    /// The `pg_catalog` operator an unqualified `name` with these operand types finds by
    /// exact match, if any.
    pub(crate) fn catalog_operator(&self, name: &str, left: u32, right: u32) -> Option<u32> {
        self.catalog_operators
            .get(&(name.to_string(), left, right))
            .copied()
    }

    pub(crate) fn operator_added_to_catalog(&self, name: &str) -> bool {
        self.added_operator_names.contains(name)
    }

    pub(crate) fn function_overloaded(&self, name: &str) -> bool {
        self.overloaded_functions.contains(name)
    }

    /// `ident` as the server's `quote_identifier` writes it.
    pub(crate) fn quote_ident(&self, ident: &str, out: &mut String) {
        let b = ident.as_bytes();
        let safe = !self.quote_all
            && b.first()
                .is_some_and(|c| c.is_ascii_lowercase() || *c == b'_')
            && b.iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
            && !self.keywords.contains(ident);
        if safe {
            out.push_str(ident);
        } else {
            out.push('"');
            for ch in ident.chars() {
                if ch == '"' {
                    out.push('"');
                }
                out.push(ch);
            }
            out.push('"');
        }
    }
}

/// OIDs below this one are the server's own.
const FIRST_NORMAL_OID: u32 = 16384;
