//! Statements of foreign data wrappers, foreign servers and user mappings, with their
//! generic options. A secret option's value (see [`GenericOption::is_secret`]) is never
//! written: the statements leave it out, and [`secret_options`] gives what to set by hand.

use crate::model::{ForeignDataWrapper, ForeignServer, GenericOption, QualName, UserMapping};
use crate::sql::{Ident, Literal, QualIdent};

/// ` OPTIONS (name 'value', ...)` of the options that are not secrets (empty for none).
pub fn options_clause(options: &[GenericOption]) -> String {
    let plain: Vec<String> = options
        .iter()
        .filter_map(|o| Some(format!("{} {}", Ident(&o.name), Literal(o.plain_value()?))))
        .collect();
    match plain.is_empty() {
        true => String::new(),
        false => format!(" OPTIONS ({})", plain.join(", ")),
    }
}

/// The `ADD`/`SET`/`DROP` items that turn `from`'s options into `to`'s, secrets' values
/// left out (dropping one writes no value and is kept).
pub fn options_changes(from: &[GenericOption], to: &[GenericOption]) -> Vec<String> {
    let mut parts = Vec::new();
    for o in from.iter().filter(|o| !to.iter().any(|t| t.name == o.name)) {
        parts.push(format!("DROP {}", Ident(&o.name)));
    }
    for o in to {
        let before = from.iter().find(|f| f.name == o.name);
        let (Some(value), false) = (o.plain_value(), before == Some(o)) else {
            continue;
        };
        let verb = if before.is_some() { "SET" } else { "ADD" };
        parts.push(format!("{verb} {} {}", Ident(&o.name), Literal(value)));
    }
    parts
}

/// The secret options of `to` that differ from `from`'s, as the `ADD`/`SET` items to run
/// by hand with a placeholder for the value.
pub fn secret_options(from: &[GenericOption], to: &[GenericOption]) -> Vec<String> {
    to.iter()
        .filter(|o| o.plain_value().is_none())
        .filter_map(|o| {
            let before = from.iter().find(|f| f.name == o.name);
            let verb = match before {
                Some(b) if b == o => return None,
                Some(_) => "SET",
                None => "ADD",
            };
            Some(format!("{verb} {} '...'", Ident(&o.name)))
        })
        .collect()
}

/// `ALTER <target> OPTIONS (...)`, or none when nothing changes.
pub fn alter_options(target: &str, from: &[GenericOption], to: &[GenericOption]) -> Option<String> {
    let parts = options_changes(from, to);
    (!parts.is_empty()).then(|| format!("ALTER {target} OPTIONS ({})", parts.join(", ")))
}

fn function(f: &QualName) -> QualIdent<'_> {
    QualIdent(&f.schema, &f.name)
}

/// `HANDLER f` / `NO HANDLER` (and the same for `VALIDATOR`).
pub fn fdw_function_clause(keyword: &str, f: Option<&QualName>) -> String {
    match f {
        Some(f) => format!("{keyword} {}", function(f)),
        None => format!("NO {keyword}"),
    }
}

pub fn fdw_target(w: &ForeignDataWrapper) -> String {
    format!("FOREIGN DATA WRAPPER {}", Ident(&w.name))
}

pub fn create_fdw(w: &ForeignDataWrapper) -> String {
    let mut sql = format!("CREATE {}", fdw_target(w));
    for (keyword, f) in [("HANDLER", &w.handler), ("VALIDATOR", &w.validator)] {
        if let Some(f) = f {
            sql.push_str(&format!(" {keyword} {}", function(f)));
        }
    }
    sql + &options_clause(&w.options)
}

pub fn drop_fdw(w: &ForeignDataWrapper) -> String {
    format!("DROP {}", fdw_target(w))
}

pub fn server_target(s: &ForeignServer) -> String {
    format!("SERVER {}", Ident(&s.name))
}

pub fn create_server(s: &ForeignServer) -> String {
    let mut sql = format!("CREATE {}", server_target(s));
    if let Some(t) = &s.server_type {
        sql.push_str(&format!(" TYPE {}", Literal(t)));
    }
    if let Some(v) = &s.version {
        sql.push_str(&format!(" VERSION {}", Literal(v)));
    }
    sql.push_str(&format!(" FOREIGN DATA WRAPPER {}", Ident(&s.wrapper)));
    sql + &options_clause(&s.options)
}

/// `ALTER SERVER ... VERSION` (`VERSION NULL` to remove it).
pub fn server_version(s: &ForeignServer) -> String {
    let version = s
        .version
        .as_deref()
        .map_or("NULL".into(), |v| Literal(v).to_string());
    format!("ALTER {} VERSION {version}", server_target(s))
}

pub fn drop_server(s: &ForeignServer) -> String {
    format!("DROP {}", server_target(s))
}

/// `USER MAPPING FOR role SERVER s` (`PUBLIC` for the mapping of every role).
pub fn mapping_target(m: &UserMapping) -> String {
    let role = match m.role.as_str() {
        "public" => "PUBLIC".to_string(),
        r => Ident(r).to_string(),
    };
    format!("USER MAPPING FOR {role} SERVER {}", Ident(&m.server))
}

pub fn create_mapping(m: &UserMapping) -> String {
    format!("CREATE {}{}", mapping_target(m), options_clause(&m.options))
}

pub fn drop_mapping(m: &UserMapping) -> String {
    format!("DROP {}", mapping_target(m))
}
