//! Statements for text search dictionaries, configurations, templates and parsers. A
//! dictionary option whose name looks like a secret's is never written: its value would show
//! in the plan (the planner leaves it to a manual step).

use super::qn;
use crate::model::{
    DictionaryOption, QualName, TextSearchConfiguration, TextSearchDictionary, TextSearchParser,
    TextSearchTemplate,
};
use crate::sql::{Ident, Literal};
use std::collections::BTreeMap;

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

/// `CREATE TEXT SEARCH CONFIGURATION` with its parser (its mappings come after).
pub fn create_ts_configuration(c: &TextSearchConfiguration) -> String {
    format!(
        "CREATE TEXT SEARCH CONFIGURATION {} (PARSER = {})",
        qn(&c.schema, &c.name),
        qn(&c.parser.schema, &c.parser.name)
    )
}

pub fn drop_ts_configuration(c: &TextSearchConfiguration) -> String {
    format!("DROP TEXT SEARCH CONFIGURATION {}", qn(&c.schema, &c.name))
}

/// The statements that turn `from`'s mappings into `to`'s: `ADD MAPPING` for new token
/// types, `ALTER MAPPING` for those whose dictionaries change, `DROP MAPPING` for those no
/// longer mapped; token types with the same dictionaries share one statement.
pub fn ts_mapping_changes(
    from: &BTreeMap<String, Vec<QualName>>,
    to: &TextSearchConfiguration,
) -> Vec<String> {
    let mut add: BTreeMap<&[QualName], Vec<&str>> = BTreeMap::new();
    let mut alter: BTreeMap<&[QualName], Vec<&str>> = BTreeMap::new();
    for (token, dictionaries) in &to.mappings {
        match from.get(token) {
            None => add.entry(dictionaries).or_default().push(token),
            Some(before) if before != dictionaries => {
                alter.entry(dictionaries).or_default().push(token)
            }
            Some(_) => {}
        }
    }
    let dropped: Vec<&str> = from
        .keys()
        .filter(|t| !to.mappings.contains_key(*t))
        .map(String::as_str)
        .collect();
    let name = qn(&to.schema, &to.name);
    let tokens = |list: &[&str]| {
        let quoted: Vec<String> = list.iter().map(|t| Ident(t).to_string()).collect();
        quoted.join(", ")
    };
    let mut out = Vec::new();
    if !dropped.is_empty() {
        let list = tokens(&dropped);
        out.push(format!(
            "ALTER TEXT SEARCH CONFIGURATION {name} DROP MAPPING FOR {list}"
        ));
    }
    for (verb, groups) in [("ALTER", alter), ("ADD", add)] {
        for (dictionaries, list) in groups {
            let with: Vec<String> = dictionaries
                .iter()
                .map(|d| qn(&d.schema, &d.name).to_string())
                .collect();
            out.push(format!(
                "ALTER TEXT SEARCH CONFIGURATION {name} {verb} MAPPING FOR {} WITH {}",
                tokens(&list),
                with.join(", ")
            ));
        }
    }
    out
}

/// `NAME = schema.function` for each function given.
fn functions(list: &[(&str, Option<&QualName>)]) -> String {
    let parts: Vec<String> = list
        .iter()
        .filter_map(|(name, f)| f.map(|f| format!("{name} = {}", qn(&f.schema, &f.name))))
        .collect();
    parts.join(", ")
}

pub fn create_ts_template(t: &TextSearchTemplate) -> String {
    format!(
        "CREATE TEXT SEARCH TEMPLATE {} ({})",
        qn(&t.schema, &t.name),
        functions(&[("INIT", t.init.as_ref()), ("LEXIZE", Some(&t.lexize))])
    )
}

pub fn drop_ts_template(t: &TextSearchTemplate) -> String {
    format!("DROP TEXT SEARCH TEMPLATE {}", qn(&t.schema, &t.name))
}

pub fn create_ts_parser(p: &TextSearchParser) -> String {
    format!(
        "CREATE TEXT SEARCH PARSER {} ({})",
        qn(&p.schema, &p.name),
        functions(&[
            ("START", Some(&p.start)),
            ("GETTOKEN", Some(&p.gettoken)),
            ("END", Some(&p.end)),
            ("LEXTYPES", Some(&p.lextypes)),
            ("HEADLINE", p.headline.as_ref()),
        ])
    )
}

pub fn drop_ts_parser(p: &TextSearchParser) -> String {
    format!("DROP TEXT SEARCH PARSER {}", qn(&p.schema, &p.name))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn configuration_statements() {
        let q = |n: &str| QualName::new("app", n);
        let mut c = TextSearchConfiguration {
            schema: "app".into(),
            name: "Docs".into(),
            parser: QualName::new("pg_catalog", "default"),
            mappings: BTreeMap::new(),
            owner: "postgres".into(),
            comment: None,
        };
        assert_eq!(
            create_ts_configuration(&c),
            "CREATE TEXT SEARCH CONFIGURATION app.\"Docs\" (PARSER = pg_catalog.\"default\")"
        );
        let from: BTreeMap<String, Vec<QualName>> = [
            ("email".to_string(), vec![q("a")]),
            ("url".to_string(), vec![q("a")]),
            ("int".to_string(), vec![q("a")]),
        ]
        .into();
        c.mappings = [
            ("asciiword".to_string(), vec![q("b"), q("a")]),
            ("word".to_string(), vec![q("b"), q("a")]),
            ("url".to_string(), vec![q("b")]),
            ("int".to_string(), vec![q("a")]),
        ]
        .into();
        assert_eq!(
            ts_mapping_changes(&from, &c),
            [
                "ALTER TEXT SEARCH CONFIGURATION app.\"Docs\" DROP MAPPING FOR email",
                "ALTER TEXT SEARCH CONFIGURATION app.\"Docs\" ALTER MAPPING FOR url WITH app.b",
                "ALTER TEXT SEARCH CONFIGURATION app.\"Docs\" ADD MAPPING FOR asciiword, word \
                 WITH app.b, app.a",
            ]
        );
        assert_eq!(
            drop_ts_configuration(&c),
            "DROP TEXT SEARCH CONFIGURATION app.\"Docs\""
        );
    }

    #[test]
    fn template_and_parser_statements() {
        let f = |n: &str| QualName::new("pg_catalog", n);
        let mut t = TextSearchTemplate {
            schema: "app".into(),
            name: "plain".into(),
            init: Some(f("dsimple_init")),
            lexize: QualName::new("app", "Lexize"),
            comment: None,
        };
        assert_eq!(
            create_ts_template(&t),
            "CREATE TEXT SEARCH TEMPLATE app.plain (INIT = pg_catalog.dsimple_init, \
             LEXIZE = app.\"Lexize\")"
        );
        t.init = None;
        assert!(create_ts_template(&t).ends_with("(LEXIZE = app.\"Lexize\")"));
        assert_eq!(drop_ts_template(&t), "DROP TEXT SEARCH TEMPLATE app.plain");
        let p = TextSearchParser {
            schema: "app".into(),
            name: "words".into(),
            start: f("prsd_start"),
            gettoken: f("prsd_nexttoken"),
            end: f("prsd_end"),
            lextypes: f("prsd_lextype"),
            headline: None,
            comment: None,
        };
        assert_eq!(
            create_ts_parser(&p),
            "CREATE TEXT SEARCH PARSER app.words (START = pg_catalog.prsd_start, \
             GETTOKEN = pg_catalog.prsd_nexttoken, END = pg_catalog.prsd_end, \
             LEXTYPES = pg_catalog.prsd_lextype)"
        );
        assert_eq!(drop_ts_parser(&p), "DROP TEXT SEARCH PARSER app.words");
    }
}
