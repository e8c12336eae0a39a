//! Database-level settings: `ALTER DATABASE … SET/RESET` and `ALTER ROLE … IN DATABASE …
//! SET/RESET`. A plan does not know the name of the database it will run on (`--verify`
//! runs it on a copy with another name), so each statement is a `DO` block that names
//! `current_database()` through `format('%I')`. A setting is one statement to create, alter
//! or drop, with nothing to order it around: the shared skeleton's create/drop pair has no
//! use for it, and the change is planned here directly. A setting whose name looks like a
//! secret's is never set by a script (a plan's SQL is printed and saved): a manual step says
//! to set it by hand; resetting one writes no value and is planned.

use super::super::graph::Node;
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::Step;
use crate::diff::{Change, Pair};
use crate::model::{DatabaseSetting, Kind, Object};
use crate::sql::{DollarQuoted, Ident, Literal};

/// Settings whose value is a list in which PostgreSQL quotes each string as an identifier:
/// their stored text is given back element by element.
const QUOTED_LISTS: &[&str] = &[
    "search_path",
    "temp_tablespaces",
    "local_preload_libraries",
    "session_preload_libraries",
    "shared_preload_libraries",
];

/// The setting's name, each dotted part an identifier (`app.tenant`).
fn name_sql(name: &str) -> String {
    let parts: Vec<String> = name.split('.').map(|p| Ident(p).to_string()).collect();
    parts.join(".")
}

/// The elements of a stored list (`app, "$user", public`), unquoted.
fn list_elements(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut item = String::new();
        if chars.next_if_eq(&'"').is_some() {
            while let Some(c) = chars.next() {
                match c {
                    '"' if chars.next_if_eq(&'"').is_some() => item.push('"'),
                    '"' => break,
                    _ => item.push(c),
                }
            }
            while chars.next_if(|c| *c != ',').is_some() {}
        } else {
            while let Some(c) = chars.next_if(|c| *c != ',') {
                item.push(c);
            }
            item = item.trim_end().to_string();
        }
        out.push(item);
        if chars.next().is_none() {
            return out;
        }
    }
}

/// The value as SQL that PostgreSQL stores back as `value`.
fn value_sql(name: &str, value: &str) -> String {
    if QUOTED_LISTS.contains(&name.to_ascii_lowercase().as_str()) {
        let items: Vec<String> = list_elements(value)
            .iter()
            .map(|v| Literal(v).to_string())
            .collect();
        return items.join(", ");
    }
    Literal(value).to_string()
}

/// The `DO` block that sets `s` to `value` (resets it for `None`) in the current database.
pub(crate) fn setting_sql(s: &DatabaseSetting, value: Option<&str>) -> String {
    let escape = |text: String| text.replace('%', "%%");
    let who = match &s.role {
        Some(r) => format!("ALTER ROLE {} IN DATABASE %I", escape(Ident(r).to_string())),
        None => "ALTER DATABASE %I".to_string(),
    };
    let action = match value {
        Some(v) => format!("SET {} = {}", name_sql(&s.name), value_sql(&s.name, v)),
        None => format!("RESET {}", name_sql(&s.name)),
    };
    let template = format!("{who} {}", escape(action));
    let body = format!(
        "BEGIN EXECUTE format({}, current_database()); END",
        Literal(&template)
    );
    format!("DO {}", DollarQuoted(&body))
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn database_setting(&mut self, c: &Change<'a>, p: Pair<'a, DatabaseSetting>) {
        let s = p.current();
        let value = match p.to() {
            None => None,
            // A value whose name looks like a secret's is never written into a script (nor
            // known, when it was read from JSON, where it is masked): it is set by hand.
            Some(to) => match to.known_value().filter(|_| !to.is_secret()) {
                Some(v) => Some(v),
                None => {
                    let reason = format!(
                        "{}'s name looks like a secret's, and pgdrift writes no secret into a \
                         script; set it by hand: ALTER DATABASE <database> SET {} = '...'",
                        c.name,
                        name_sql(&s.name)
                    );
                    return self.manual(Kind::DatabaseSetting, c.name.clone(), reason);
                }
            },
        };
        let step = Step::new(
            setting_sql(s, value),
            Kind::DatabaseSetting,
            c.op,
            c.name.clone(),
        );
        let node = Node::DatabaseSetting(s.key());
        self.push(Phase::Main, node, Vec::new(), vec![step]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(role: Option<&str>, name: &str) -> DatabaseSetting {
        DatabaseSetting {
            role: role.map(str::to_string),
            name: name.into(),
            value: String::new(),
            masked_digest: None,
        }
    }

    #[test]
    fn statements_name_the_current_database() {
        assert_eq!(
            setting_sql(&setting(None, "work_mem"), Some("8MB")),
            "DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET work_mem = ''8MB''', \
             current_database()); END$$"
        );
        assert_eq!(
            setting_sql(&setting(Some("Odd%Role"), "app.tenant"), None),
            "DO $$BEGIN EXECUTE format('ALTER ROLE \"Odd%%Role\" IN DATABASE %I RESET \
             app.tenant', current_database()); END$$"
        );
        assert_eq!(
            setting_sql(&setting(None, "app.note"), Some("100% it's")),
            "DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET app.note = ''100%% it''''s''', \
             current_database()); END$$"
        );
    }

    #[test]
    fn quoted_lists_are_given_element_by_element() {
        assert_eq!(
            list_elements(r#"app, "$user", "a ""b"", c", public"#),
            ["app", "$user", "a \"b\", c", "public"]
        );
        assert_eq!(list_elements("\"\""), [""]);
        assert_eq!(
            value_sql("search_path", r#"app, "$user""#),
            "'app', '$user'"
        );
        assert_eq!(value_sql("work_mem", "8MB"), "'8MB'");
    }
}
