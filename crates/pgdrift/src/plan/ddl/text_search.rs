//! Statements for text search dictionaries, configurations, templates and parsers. A
//! dictionary option whose name looks like a secret's is never written: its value would show
//! in the plan (the planner leaves it to a manual step).

use super::qn;
use crate::model::{DictionaryOption, TextSearchDictionary};
use crate::sql::{Ident, Literal};

/// `name = 'value'`.
fn option(o: &DictionaryOption) -> String {
    format!("{} = {}", Ident(&o.name), Literal(&o.value))
}

/// `CREATE TEXT SEARCH DICTIONARY` with its template and its options (secrets left out).
pub fn create_ts_dictionary(d: &TextSearchDictionary) -> String {
    let mut parts = vec![format!(
        "TEMPLATE = {}",
        qn(&d.template.schema, &d.template.name)
    )];
    parts.extend(d.options.iter().filter(|o| !o.is_secret()).map(option));
    format!(
        "CREATE TEXT SEARCH DICTIONARY {} ({})",
        qn(&d.schema, &d.name),
        parts.join(", ")
    )
}

/// `ALTER TEXT SEARCH DICTIONARY ... (...)` setting the options new or changed in `to` and
/// removing (a name without a value) those only in `from`; `None` when there is nothing to
/// write. Secret options are neither set nor compared here.
pub fn alter_ts_dictionary(
    from: &TextSearchDictionary,
    to: &TextSearchDictionary,
) -> Option<String> {
    let mut parts = Vec::new();
    for o in to.options.iter().filter(|o| !o.is_secret()) {
        if !from.options.contains(o) {
            parts.push(option(o));
        }
    }
    for o in &from.options {
        if !to.options.iter().any(|t| t.name == o.name) {
            parts.push(Ident(&o.name).to_string());
        }
    }
    (!parts.is_empty()).then(|| {
        format!(
            "ALTER TEXT SEARCH DICTIONARY {} ({})",
            qn(&to.schema, &to.name),
            parts.join(", ")
        )
    })
}

pub fn drop_ts_dictionary(d: &TextSearchDictionary) -> String {
    format!("DROP TEXT SEARCH DICTIONARY {}", qn(&d.schema, &d.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::QualName;

    fn dictionary(options: &[(&str, &str)]) -> TextSearchDictionary {
        TextSearchDictionary {
            schema: "app".into(),
            name: "Stems".into(),
            template: QualName::new("pg_catalog", "snowball"),
            options: options
                .iter()
                .map(|(n, v)| DictionaryOption::new(*n, *v))
                .collect(),
            owner: "postgres".into(),
            comment: None,
        }
    }

    #[test]
    fn dictionary_statements() {
        let d = dictionary(&[("language", "english"), ("StopWords", "it's")]);
        assert_eq!(
            create_ts_dictionary(&d),
            "CREATE TEXT SEARCH DICTIONARY app.\"Stems\" (TEMPLATE = pg_catalog.snowball, \
             language = 'english', \"StopWords\" = 'it''s')"
        );
        let e = dictionary(&[("language", "dutch"), ("accept", "false")]);
        assert_eq!(
            alter_ts_dictionary(&d, &e).as_deref(),
            Some(
                "ALTER TEXT SEARCH DICTIONARY app.\"Stems\" (language = 'dutch', \
                 accept = 'false', \"StopWords\")"
            )
        );
        assert_eq!(alter_ts_dictionary(&d, &d), None);
        assert_eq!(
            drop_ts_dictionary(&d),
            "DROP TEXT SEARCH DICTIONARY app.\"Stems\""
        );
    }

    #[test]
    fn secret_options_are_never_written() {
        let d = dictionary(&[("api_key", "hunter2"), ("language", "english")]);
        let sql = create_ts_dictionary(&d);
        assert!(
            !sql.contains("hunter2") && !sql.contains("api_key"),
            "{sql}"
        );
        let e = dictionary(&[("api_key", "other"), ("language", "english")]);
        assert_eq!(alter_ts_dictionary(&d, &e), None);
    }
}
