//! How the server names what an expression refers to, as `ruleutils.c` does with
//! `search_path` holding only `pg_catalog`: operators and functions bare when an unqualified
//! lookup finds them, else qualified; types as `format_type` writes them.

use super::deparse::{unsupported, Unsupported};
use super::names::{Names, OperInfo};

const RECORD: u32 = 2249;
const ANYARRAY: u32 = 2277;
const ANYENUM: u32 = 3500;

impl Names {
    /// `generate_operator_name`: bare when an unqualified lookup with these operand types
    /// finds this very operator, else `OPERATOR(schema.name)`.
    pub(super) fn operator_name(
        &self,
        opno: u32,
        left: u32,
        right: u32,
    ) -> Result<String, Unsupported> {
        let names = self;
        let op = names
            .operators
            .get(&opno)
            .ok_or_else(|| Unsupported(format!("operator {opno}")))?;
        let bare = match names.catalog_operator(&op.name, left, right) {
            Some(found) => found == opno,
            None if op.schema != "pg_catalog" => false,
            None => self.polymorphic_match(op, left, right)?,
        };
        if bare {
            return Ok(op.name.clone());
        }
        let mut out = String::from("OPERATOR(");
        names.quote_ident(&op.schema, &mut out);
        out.push('.');
        out.push_str(&op.name);
        out.push(')');
        Ok(out)
    }

    /// Whether a `pg_catalog` operator on `anyenum` or `anyarray` operands is what the
    /// server's operator resolution picks for these operand types (no other candidate
    /// accepts two enums, or two arrays, of one type).
    fn polymorphic_match(&self, op: &OperInfo, left: u32, right: u32) -> Result<bool, Unsupported> {
        let kind = |t: u32| self.types.get(&t);
        let ok = left == right
            && op.left == op.right
            && !self.operator_added_to_catalog(&op.name)
            && match op.left {
                ANYENUM => kind(left).is_some_and(|t| t.kind == 'e'),
                ANYARRAY => kind(left).is_some_and(|t| t.element != 0),
                _ => false,
            };
        match ok {
            true => Ok(true),
            false => unsupported(format!("operator {} resolved by coercion", op.name)),
        }
    }

    /// `generate_function_name`: bare for a `pg_catalog` function these argument types
    /// match exactly, qualified for any other schema's.
    pub(super) fn function_name(&self, funcid: u32, types: &[u32]) -> Result<String, Unsupported> {
        let names = self;
        let f = names
            .functions
            .get(&funcid)
            .ok_or_else(|| Unsupported(format!("function {funcid}")))?;
        let mut out = String::new();
        if f.schema == "pg_catalog" {
            if f.variadic || names.function_overloaded(&f.name) || f.args.as_deref() != Some(types)
            {
                return unsupported(format!("function {} resolved by coercion", f.name));
            }
        } else {
            names.quote_ident(&f.schema, &mut out);
            out.push('.');
        }
        names.quote_ident(&f.name, &mut out);
        Ok(out)
    }

    pub(super) fn base_element_type(&self, ty: u32) -> Result<u32, Unsupported> {
        let info = self
            .types
            .get(&ty)
            .ok_or_else(|| Unsupported(format!("type {ty}")))?;
        let info = match info.kind {
            'd' => self
                .types
                .get(&info.base)
                .ok_or_else(|| Unsupported("domain base".into()))?,
            _ => info,
        };
        match info.element {
            0 => unsupported("ANY over a non-array"),
            e => Ok(e),
        }
    }

    pub(super) fn is_row_type(&self, ty: u32) -> Result<bool, Unsupported> {
        if ty == RECORD {
            return Ok(true);
        }
        let info = self
            .types
            .get(&ty)
            .ok_or_else(|| Unsupported(format!("type {ty}")))?;
        Ok(match info.kind {
            'c' => true,
            'd' => self.types.get(&info.base).is_none_or(|b| b.kind == 'c'),
            _ => false,
        })
    }

    /// `format_type_with_typemod`.
    pub(super) fn format_type(&self, ty: u32, typmod: i64) -> Result<String, Unsupported> {
        let info = self
            .types
            .get(&ty)
            .ok_or_else(|| Unsupported(format!("type {ty}")))?;
        if info.shown_as_array {
            return Ok(format!("{}[]", self.format_type(info.element, typmod)?));
        }
        let with = typmod >= 0;
        let precision = |base: &str, suffix: &str| match with {
            true => format!("{base}({typmod}){suffix}"),
            false => format!("{base}{suffix}"),
        };
        let length = |base: &str| match with {
            true => format!("{base}({})", typmod - 4),
            false => base.to_string(),
        };
        Ok(match ty {
            1560 if with => format!("bit({typmod})"),
            1560 => "\"bit\"".into(),
            16 => "boolean".into(),
            1042 if with => length("character"),
            1042 => "bpchar".into(),
            700 => "real".into(),
            701 => "double precision".into(),
            21 => "smallint".into(),
            23 => "integer".into(),
            20 => "bigint".into(),
            1700 if with => numeric_typmod(typmod),
            1700 => "numeric".into(),
            1186 if with => return unsupported("interval with a typmod"),
            1186 => "interval".into(),
            1083 => precision("time", " without time zone"),
            1266 => precision("time", " with time zone"),
            1114 => precision("timestamp", " without time zone"),
            1184 => precision("timestamp", " with time zone"),
            1562 if with => format!("bit varying({typmod})"),
            1562 => "bit varying".into(),
            1043 => length("character varying"),
            // A keyword from PostgreSQL 17 on, which format_type still writes bare.
            114 if !with => "json".into(),
            _ => {
                let mut out = String::new();
                if info.schema != "pg_catalog" {
                    self.quote_ident(&info.schema, &mut out);
                    out.push('.');
                }
                self.quote_ident(&info.name, &mut out);
                if with {
                    if info.has_typmod_out {
                        return unsupported("type with a typmod output function");
                    }
                    out.push_str(&format!("({typmod})"));
                }
                out
            }
        })
    }
}

/// `numeric(p,s)` from a numeric typmod.
fn numeric_typmod(typmod: i64) -> String {
    if typmod < 4 {
        return "numeric".into();
    }
    let t = typmod - 4;
    let precision = (t >> 16) & 0xffff;
    let scale = ((t & 0x7ff) ^ 1024) - 1024;
    format!("numeric({precision},{scale})")
}
