//! DDL text for each kind of object, built only from `sql/` quoting types and the text
//! PostgreSQL printed itself. Pure functions: an object in, statements out.

mod acl;
mod cast;
mod conversion;
mod foreign;
mod kinds;
mod language;
mod opclass;
mod publication;
mod relation;
mod routine;
mod text_search;
mod transform;
mod types;

pub use acl::{
    column_privilege_statements, comment, privilege_statements, regrant_columns, role,
    AclStatement, AclTarget, ColumnGrants,
};
pub use cast::*;
pub use conversion::*;
pub use foreign::*;
pub use kinds::*;
pub use language::*;
pub use opclass::*;
pub use publication::*;
pub use relation::*;
pub use routine::*;
pub use text_search::*;
pub use transform::*;
pub use types::*;

use crate::sql::{Ident, Literal, QualIdent};

/// `schema.name`, quoted as needed.
pub fn qn<'a>(schema: &'a str, name: &'a str) -> QualIdent<'a> {
    QualIdent(schema, name)
}

/// A comma-separated list of quoted identifiers.
pub fn ident_list(names: &[String]) -> String {
    let mut out = String::with_capacity(names.iter().map(|n| n.len() + 2).sum());
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = std::fmt::Write::write_fmt(&mut out, format_args!("{}", Ident(n)));
    }
    out
}

/// Storage parameters as `key = 'value', ...` from PostgreSQL's `key=value` strings.
pub fn reloptions(options: &[String]) -> String {
    options
        .iter()
        .map(|o| match o.split_once('=') {
            Some((k, v)) => format!("{k} = {}", Literal(v)),
            None => o.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The option names of `key=value` strings, for `RESET (...)`.
pub fn reloption_names(options: &[String]) -> String {
    options
        .iter()
        .map(|o| o.split_once('=').map_or(o.as_str(), |(k, _)| k))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Options in `to` that are new or changed, and names only in `from`.
pub fn option_changes(from: &[String], to: &[String]) -> (Vec<String>, Vec<String>) {
    let key = |o: &String| o.split_once('=').map_or(o.clone(), |(k, _)| k.to_string());
    let set: Vec<String> = to.iter().filter(|o| !from.contains(o)).cloned().collect();
    let to_keys: Vec<String> = to.iter().map(key).collect();
    let reset: Vec<String> = from
        .iter()
        .filter(|o| !to_keys.contains(&key(o)))
        .cloned()
        .collect();
    (set, reset)
}

/// A routine reference as `regprocedure` prints it (`app.f(integer,text)`), without its
/// argument list: what `FUNCTION = ...` clauses take.
pub fn routine_name(regprocedure: &str) -> &str {
    let mut quoted = false;
    for (i, c) in regprocedure.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => return &regprocedure[..i],
            _ => {}
        }
    }
    regprocedure
}

/// An operator reference as `regoperator` prints it (`app.~=(double precision,...)`), as
/// `OPERATOR(app.~=)`.
pub fn operator_ref(regoperator: &str) -> String {
    format!("OPERATOR({})", routine_name(regoperator))
}

/// Trailing text PostgreSQL appends to some definitions that pgdrift writes from flags.
pub fn strip_suffixes<'a>(mut text: &'a str, suffixes: &[&str]) -> &'a str {
    loop {
        let before = text;
        for s in suffixes {
            if let Some(t) = text.strip_suffix(s) {
                text = t.trim_end();
            }
        }
        if text == before {
            return text;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(routine_name("app.f(integer,text)"), "app.f");
        assert_eq!(routine_name("app.\"f(x\"(integer)"), "app.\"f(x\"");
        assert_eq!(
            operator_ref("app.~=(double precision,double precision)"),
            "OPERATOR(app.~=)"
        );
        assert_eq!(reloptions(&["fillfactor=70".into()]), "fillfactor = '70'");
        let (set, reset) =
            option_changes(&["a=1".into(), "b=2".into()], &["a=3".into(), "c=4".into()]);
        assert_eq!(set, ["a=3", "c=4"]);
        assert_eq!(reset, ["b=2"]);
        assert_eq!(
            strip_suffixes(
                "EXCLUDE USING gist (a WITH =) DEFERRABLE INITIALLY DEFERRED",
                &["NOT VALID", "INITIALLY DEFERRED", "DEFERRABLE"]
            ),
            "EXCLUDE USING gist (a WITH =)"
        );
    }
}
