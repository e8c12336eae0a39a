//! Stored expressions (`pg_node_tree`) written back as SQL exactly as the server's
//! `pg_get_expr(expr, relation)` writes them (not pretty-printed: every operator and boolean
//! expression in parentheses), for the node kinds that column defaults, check constraints
//! and index expressions commonly hold. Anything else is `Unsupported`, and the caller asks
//! the server instead: a text that differs from the server's is never produced on purpose.
//! Column references come out as markers (`\0` attnum `\0`) that `fill_columns` replaces
//! once the relation's column names are known.

use super::datum;
use super::names::Names;
use super::tree::{Node, Value};

/// The expression holds something this deparser does not reproduce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unsupported(pub String);

type Out = Result<(), Unsupported>;

pub(super) fn unsupported<T>(what: impl Into<String>) -> Result<T, Unsupported> {
    Err(Unsupported(what.into()))
}

const BOOL: u32 = 16;
const CHAR: u32 = 18;
const CHAR_ARRAY: u32 = 1002;
const INT4: u32 = 23;
const NUMERIC: u32 = 1700;
const UNKNOWN: u32 = 705;

/// `CoercionForm` values.
const EXPLICIT_CALL: i64 = 0;
const EXPLICIT_CAST: i64 = 1;
const IMPLICIT_CAST: i64 = 2;
const SQL_SYNTAX: i64 = 3;

/// Deparses `tree` (an expression or a list of them, as index expressions are stored).
pub(crate) fn deparse(tree: &Value<'_>, names: &Names) -> Result<String, Unsupported> {
    if !names.datums_readable {
        return unsupported("a server whose stored values are not little-endian UTF-8");
    }
    let mut d = Deparser {
        names,
        buf: String::with_capacity(64),
    };
    d.value(tree, false)?;
    Ok(d.buf)
}

/// Replaces the column markers in `text` by the columns' quoted names (`None` when a
/// column is unknown).
pub(crate) fn fill_columns<'c>(
    text: &str,
    names: &Names,
    column: impl Fn(i16) -> Option<&'c str>,
) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 16);
    let mut parts = text.split('\0');
    out.push_str(parts.next().unwrap_or(""));
    while let Some(num) = parts.next() {
        names.quote_ident(column(num.parse().ok()?)?, &mut out);
        out.push_str(parts.next()?);
    }
    Some(out)
}

struct Deparser<'n> {
    names: &'n Names,
    buf: String,
}

impl Deparser<'_> {
    fn value(&mut self, v: &Value<'_>, show_implicit: bool) -> Out {
        match v {
            Value::Node(n) => self.expr(n, show_implicit),
            Value::List(items) => self.list(items, show_implicit),
            _ => unsupported("a value that is not an expression"),
        }
    }

    fn list(&mut self, items: &[Value<'_>], show_implicit: bool) -> Out {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.buf.push_str(", ");
            }
            self.value(item, show_implicit)?;
        }
        Ok(())
    }

    fn expr(&mut self, n: &Node<'_>, show_implicit: bool) -> Out {
        match n.tag {
            "VAR" => self.var(n),
            "CONST" => self.constant(n, 0),
            "OPEXPR" => self.op_expr(n),
            "DISTINCTEXPR" => self.distinct(n),
            "SCALARARRAYOPEXPR" => self.scalar_array_op(n),
            "BOOLEXPR" => self.bool_expr(n),
            "FUNCEXPR" => self.func_expr(n, show_implicit),
            "RELABELTYPE" => self.coercion(n, "relabelformat", show_implicit),
            "COERCEVIAIO" | "ARRAYCOERCEEXPR" => self.coercion(n, "coerceformat", show_implicit),
            "COERCETODOMAIN" => self.coercion(n, "coercionformat", show_implicit),
            "COERCETODOMAINVALUE" => {
                self.buf.push_str("VALUE");
                Ok(())
            }
            "NULLTEST" => self.null_test(n),
            "BOOLEANTEST" => self.boolean_test(n),
            // PostgreSQL 14 writes some tags shorter.
            "ARRAYEXPR" | "ARRAY" => self.array_expr(n),
            "COALESCEEXPR" | "COALESCE" => self.call_like("COALESCE(", n, "args"),
            "MINMAXEXPR" | "MINMAX" => match n.int("op") {
                Some(0) => self.call_like("GREATEST(", n, "args"),
                Some(1) => self.call_like("LEAST(", n, "args"),
                _ => unsupported("MINMAXEXPR op"),
            },
            "SQLVALUEFUNCTION" => self.sql_value_function(n),
            other => unsupported(other),
        }
    }

    fn var(&mut self, n: &Node<'_>) -> Out {
        let (Some(1), Some(0), Some(attnum)) =
            (n.int("varno"), n.int("varlevelsup"), n.int("varattno"))
        else {
            return unsupported("VAR outside the relation");
        };
        if attnum <= 0 {
            return unsupported("system or whole-row column");
        }
        self.buf.push('\0');
        self.buf.push_str(&attnum.to_string());
        self.buf.push('\0');
        Ok(())
    }

    fn args<'t>(n: &'t Node<'t>) -> Result<&'t [Value<'t>], Unsupported> {
        n.list("args")
            .ok_or_else(|| Unsupported(format!("{} without args", n.tag)))
    }

    fn op_expr(&mut self, n: &Node<'_>) -> Out {
        let opno = n.oid("opno").unwrap_or(0);
        match Self::args(n)? {
            [left, right] => {
                let name = self
                    .names
                    .operator_name(opno, expr_type(left)?, expr_type(right)?)?;
                self.buf.push('(');
                self.value(left, true)?;
                self.buf.push(' ');
                self.buf.push_str(&name);
                self.buf.push(' ');
                self.value(right, true)?;
                self.buf.push(')');
            }
            [arg] => {
                let name = self.names.operator_name(opno, 0, expr_type(arg)?)?;
                self.buf.push('(');
                self.buf.push_str(&name);
                self.buf.push(' ');
                self.value(arg, true)?;
                self.buf.push(')');
            }
            _ => return unsupported("OPEXPR arity"),
        }
        Ok(())
    }

    fn distinct(&mut self, n: &Node<'_>) -> Out {
        let [left, right] = Self::args(n)? else {
            return unsupported("DISTINCTEXPR arity");
        };
        self.buf.push('(');
        self.value(left, true)?;
        self.buf.push_str(" IS DISTINCT FROM ");
        self.value(right, true)?;
        self.buf.push(')');
        Ok(())
    }

    fn scalar_array_op(&mut self, n: &Node<'_>) -> Out {
        let [left, right] = Self::args(n)? else {
            return unsupported("SCALARARRAYOPEXPR arity");
        };
        if matches!(right, Value::Node(r) if r.tag == "SUBLINK") {
            return unsupported("ANY over a sub-select");
        }
        let element = self.names.base_element_type(expr_type(right)?)?;
        let name =
            self.names
                .operator_name(n.oid("opno").unwrap_or(0), expr_type(left)?, element)?;
        let any = match n.flag("useOr") {
            Some(true) => "ANY",
            Some(false) => "ALL",
            None => return unsupported("SCALARARRAYOPEXPR useOr"),
        };
        self.buf.push('(');
        self.value(left, true)?;
        self.buf.push(' ');
        self.buf.push_str(&name);
        self.buf.push(' ');
        self.buf.push_str(any);
        self.buf.push_str(" (");
        self.value(right, true)?;
        self.buf.push_str("))");
        Ok(())
    }

    fn bool_expr(&mut self, n: &Node<'_>) -> Out {
        let args = Self::args(n)?;
        let sep = match n.token("boolop") {
            Some("and") => " AND ",
            Some("or") => " OR ",
            Some("not") => {
                let [arg] = args else {
                    return unsupported("NOT arity");
                };
                self.buf.push_str("(NOT ");
                self.value(arg, false)?;
                self.buf.push(')');
                return Ok(());
            }
            _ => return unsupported("BOOLEXPR boolop"),
        };
        self.buf.push('(');
        for (i, arg) in args.iter().enumerate() {
            if i > 0 {
                self.buf.push_str(sep);
            }
            self.value(arg, false)?;
        }
        self.buf.push(')');
        Ok(())
    }

    fn func_expr(&mut self, n: &Node<'_>, show_implicit: bool) -> Out {
        let args = Self::args(n)?;
        let format = n.int("funcformat");
        match format {
            Some(IMPLICIT_CAST) if !show_implicit => {
                let first = args
                    .first()
                    .ok_or_else(|| Unsupported("cast without arg".into()))?;
                return self.value(first, false);
            }
            Some(EXPLICIT_CAST | IMPLICIT_CAST) => {
                let first = args
                    .first()
                    .ok_or_else(|| Unsupported("cast without arg".into()))?;
                let typmod = length_coercion_typmod(args);
                let result = n.oid("funcresulttype").unwrap_or(0);
                return self.coercion_of(first, result, typmod);
            }
            Some(EXPLICIT_CALL) => {}
            Some(SQL_SYNTAX) => return self.sql_syntax_call(n, args),
            _ => return unsupported("function call format"),
        }
        if n.flag("funcvariadic") != Some(false) {
            return unsupported("VARIADIC call");
        }
        let types = args.iter().map(expr_type).collect::<Result<Vec<_>, _>>()?;
        let name = self
            .names
            .function_name(n.oid("funcid").unwrap_or(0), &types)?;
        self.buf.push_str(&name);
        self.buf.push('(');
        self.list(args, true)?;
        self.buf.push(')');
        Ok(())
    }

    /// The argument-less functions called in SQL syntax (`CURRENT_USER`, ...).
    fn sql_syntax_call(&mut self, n: &Node<'_>, args: &[Value<'_>]) -> Out {
        let f = self.names.functions.get(&n.oid("funcid").unwrap_or(0));
        let keyword = match f {
            Some(f) if args.is_empty() && f.schema == "pg_catalog" => match f.name.as_str() {
                "current_user" => "CURRENT_USER",
                "current_role" => "CURRENT_ROLE",
                "session_user" => "SESSION_USER",
                "user" => "USER",
                "system_user" => "SYSTEM_USER",
                "current_catalog" => "CURRENT_CATALOG",
                "current_schema" => "CURRENT_SCHEMA",
                _ => return unsupported("function called with special syntax"),
            },
            _ => return unsupported("function called with special syntax"),
        };
        self.buf.push_str(keyword);
        Ok(())
    }

    fn coercion(&mut self, n: &Node<'_>, format_field: &str, show_implicit: bool) -> Out {
        let arg = n
            .get("arg")
            .ok_or_else(|| Unsupported(format!("{} without arg", n.tag)))?;
        if n.int(format_field) == Some(IMPLICIT_CAST) && !show_implicit {
            return self.value(arg, false);
        }
        let result = n.oid("resulttype").unwrap_or(0);
        let typmod = n.int("resulttypmod").unwrap_or(-1);
        self.coercion_of(arg, result, typmod)
    }

    /// `(arg)::type`, or `'literal'::type` for a constant of that very type.
    fn coercion_of(&mut self, arg: &Value<'_>, result: u32, typmod: i64) -> Out {
        match arg {
            Value::Node(c)
                if c.tag == "CONST"
                    && c.oid("consttype") == Some(result)
                    && c.int("consttypmod") == Some(-1) =>
            {
                self.constant(c, -1)?;
            }
            _ => {
                self.buf.push('(');
                self.value(arg, false)?;
                self.buf.push(')');
            }
        }
        self.buf.push_str("::");
        let name = self.names.format_type(result, typmod)?;
        self.buf.push_str(&name);
        Ok(())
    }

    fn null_test(&mut self, n: &Node<'_>) -> Out {
        let arg = n
            .get("arg")
            .ok_or_else(|| Unsupported("NULLTEST without arg".into()))?;
        let scalar =
            n.flag("argisrow") == Some(true) || !self.names.is_row_type(expr_type(arg)?)?;
        let test = match (n.int("nulltesttype"), scalar) {
            (Some(0), true) => " IS NULL",
            (Some(1), true) => " IS NOT NULL",
            (Some(0), false) => " IS NOT DISTINCT FROM NULL",
            (Some(1), false) => " IS DISTINCT FROM NULL",
            _ => return unsupported("NULLTEST type"),
        };
        self.buf.push('(');
        self.value(arg, true)?;
        self.buf.push_str(test);
        self.buf.push(')');
        Ok(())
    }

    fn boolean_test(&mut self, n: &Node<'_>) -> Out {
        let arg = n
            .get("arg")
            .ok_or_else(|| Unsupported("BOOLEANTEST without arg".into()))?;
        const TESTS: [&str; 6] = [
            " IS TRUE",
            " IS NOT TRUE",
            " IS FALSE",
            " IS NOT FALSE",
            " IS UNKNOWN",
            " IS NOT UNKNOWN",
        ];
        let test = n
            .int("booltesttype")
            .and_then(|t| TESTS.get(usize::try_from(t).ok()?))
            .ok_or_else(|| Unsupported("BOOLEANTEST type".into()))?;
        self.buf.push('(');
        self.value(arg, false)?;
        self.buf.push_str(test);
        self.buf.push(')');
        Ok(())
    }

    fn array_expr(&mut self, n: &Node<'_>) -> Out {
        if n.flag("multidims") != Some(false) {
            return unsupported("multi-dimensional ARRAY[]");
        }
        let elements = n
            .list("elements")
            .ok_or_else(|| Unsupported("ARRAYEXPR elements".into()))?;
        self.buf.push_str("ARRAY[");
        self.list(elements, true)?;
        self.buf.push(']');
        if elements.is_empty() {
            let name = self
                .names
                .format_type(n.oid("array_typeid").unwrap_or(0), -1)?;
            self.buf.push_str("::");
            self.buf.push_str(&name);
        }
        Ok(())
    }

    fn call_like(&mut self, open: &str, n: &Node<'_>, field: &str) -> Out {
        let args = n
            .list(field)
            .ok_or_else(|| Unsupported(format!("{} {field}", n.tag)))?;
        self.buf.push_str(open);
        self.list(args, true)?;
        self.buf.push(')');
        Ok(())
    }

    fn sql_value_function(&mut self, n: &Node<'_>) -> Out {
        // In `SQLValueFunctionOp` order; the last six exist up to PostgreSQL 15 (later
        // servers store them as function calls in SQL syntax).
        const PLAIN: [&str; 15] = [
            "CURRENT_DATE",
            "CURRENT_TIME",
            "CURRENT_TIME",
            "CURRENT_TIMESTAMP",
            "CURRENT_TIMESTAMP",
            "LOCALTIME",
            "LOCALTIME",
            "LOCALTIMESTAMP",
            "LOCALTIMESTAMP",
            "CURRENT_ROLE",
            "CURRENT_USER",
            "USER",
            "SESSION_USER",
            "CURRENT_CATALOG",
            "CURRENT_SCHEMA",
        ];
        let op = n
            .int("op")
            .and_then(|o| usize::try_from(o).ok())
            .filter(|o| *o < PLAIN.len())
            .ok_or_else(|| Unsupported("SQLVALUEFUNCTION op".into()))?;
        self.buf.push_str(PLAIN[op]);
        // The `_N` variants (2, 4, 6, 8) carry a precision.
        if matches!(op, 2 | 4 | 6 | 8) {
            let typmod = n.int("typmod").unwrap_or(-1);
            self.buf.push_str(&format!("({typmod})"));
        }
        Ok(())
    }

    /// A constant as `get_const_expr` writes it: `show_type` -1 bare, 0 labeled when the
    /// literal would not read back as its type.
    fn constant(&mut self, n: &Node<'_>, show_type: i32) -> Out {
        let ty = n.oid("consttype").unwrap_or(0);
        let typmod = n.int("consttypmod").unwrap_or(-1);
        if n.flag("constisnull") == Some(true) {
            self.buf.push_str("NULL");
            if show_type >= 0 {
                self.label(ty, typmod)?;
                self.const_collation(n, ty)?;
            }
            return Ok(());
        }
        let text = self.const_text(n, ty)?;
        let mut label = match ty {
            INT4 if !text.starts_with('-') => {
                self.buf.push_str(&text);
                false
            }
            NUMERIC
                if text.starts_with(|c: char| c.is_ascii_digit())
                    && text.contains(['e', 'E', '.']) =>
            {
                self.buf.push_str(&text);
                false
            }
            BOOL => {
                self.buf
                    .push_str(if text == "t" { "true" } else { "false" });
                false
            }
            INT4 | NUMERIC => {
                self.quote_literal(&text);
                true
            }
            _ => {
                self.quote_literal(&text);
                true
            }
        };
        if show_type < 0 {
            return Ok(());
        }
        match ty {
            BOOL | UNKNOWN => label = false,
            NUMERIC => label |= typmod >= 0,
            INT4 => {}
            _ => label = true,
        }
        if label {
            self.label(ty, typmod)?;
        }
        self.const_collation(n, ty)
    }

    fn const_text(&self, n: &Node<'_>, ty: u32) -> Result<String, Unsupported> {
        let bytes = n
            .get("constvalue")
            .and_then(Value::datum_bytes)
            .ok_or_else(|| Unsupported("CONST value".into()))?;
        let info = self.names.types.get(&ty);
        if info.is_some_and(|t| t.kind == 'e') {
            let oid = bytes
                .get(..4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .ok_or_else(|| Unsupported("enum value".into()))?;
            return self
                .names
                .enum_labels
                .get(&oid)
                .cloned()
                .ok_or_else(|| Unsupported("unknown enum label".into()));
        }
        // Before PostgreSQL 15, "char" values with the high bit set print as the raw byte.
        if matches!(ty, CHAR | CHAR_ARRAY) && self.names.major < 15 {
            return unsupported("\"char\" constant before PostgreSQL 15");
        }
        datum::output(ty, &bytes).ok_or_else(|| Unsupported(format!("constant of type {ty}")))
    }

    fn label(&mut self, ty: u32, typmod: i64) -> Out {
        let name = self.names.format_type(ty, typmod)?;
        self.buf.push_str("::");
        self.buf.push_str(&name);
        Ok(())
    }

    fn const_collation(&mut self, n: &Node<'_>, ty: u32) -> Out {
        let collation = n.oid("constcollid").unwrap_or(0);
        let type_collation = self.names.types.get(&ty).map_or(0, |t| t.collation);
        if collation != 0 && collation != type_collation {
            return unsupported("constant with a COLLATE clause");
        }
        Ok(())
    }

    /// `simple_quote_literal`.
    fn quote_literal(&mut self, text: &str) {
        self.buf.push('\'');
        for ch in text.chars() {
            if ch == '\'' || (ch == '\\' && !self.names.standard_strings) {
                self.buf.push(ch);
            }
            self.buf.push(ch);
        }
        self.buf.push('\'');
    }
}

/// The typmod a length-coercion cast applies (its second argument), else -1.
fn length_coercion_typmod(args: &[Value<'_>]) -> i64 {
    let Some(Value::Node(c)) = args.get(1) else {
        return -1;
    };
    if c.tag != "CONST" || c.oid("consttype") != Some(INT4) || c.flag("constisnull") != Some(false)
    {
        return -1;
    }
    c.get("constvalue")
        .and_then(Value::datum_bytes)
        .and_then(|b| {
            b.get(..4)
                .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        })
        .map_or(-1, i64::from)
}

/// `exprType` for the node kinds deparsed here.
fn expr_type(v: &Value<'_>) -> Result<u32, Unsupported> {
    let Value::Node(n) = v else {
        return unsupported("type of a non-node");
    };
    let field = match n.tag {
        "VAR" => "vartype",
        "CONST" => "consttype",
        "OPEXPR" | "DISTINCTEXPR" => "opresulttype",
        "SCALARARRAYOPEXPR" | "BOOLEXPR" | "NULLTEST" | "BOOLEANTEST" => return Ok(BOOL),
        "FUNCEXPR" => "funcresulttype",
        "RELABELTYPE" | "COERCEVIAIO" | "ARRAYCOERCEEXPR" | "COERCETODOMAIN" => "resulttype",
        "COERCETODOMAINVALUE" | "CASETESTEXPR" => "typeId",
        "ARRAYEXPR" | "ARRAY" => "array_typeid",
        "COALESCEEXPR" | "COALESCE" => "coalescetype",
        "MINMAXEXPR" | "MINMAX" => "minmaxtype",
        "SQLVALUEFUNCTION" => "type",
        other => return unsupported(format!("type of {other}")),
    };
    n.oid(field)
        .ok_or_else(|| Unsupported(format!("{} {field}", n.tag)))
}
