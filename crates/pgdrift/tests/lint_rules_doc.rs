//! `docs/lint-rules.md` lists every rule of the rule table: this test fails while the list
//! is stale, and rewrites it when `PGDRIFT_UPDATE_DOCS=1` is set.

use pgdrift::lint::{Input, RULES};
use std::path::PathBuf;

const BEGIN: &str = "<!-- rules:begin -->";
const END: &str = "<!-- rules:end -->";

fn rendered() -> String {
    let mut out = String::from("| code | slug | level | runs on | what |\n|---|---|---|---|---|\n");
    for r in RULES {
        let input = match r.input {
            Input::Catalog => "any schema",
            Input::Statistics => "a live database",
            Input::Migration => "new migration files",
        };
        out.push_str(&format!(
            "| {} | {} | {} | {input} | {} |\n",
            r.code,
            r.slug,
            match r.on_by_default {
                true => r.severity.as_str().to_string(),
                false => format!("off ({} when on)", r.severity.as_str()),
            },
            r.summary.replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn the_rule_list_in_the_docs_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/lint-rules.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (head, rest) = doc.split_once(BEGIN).expect("the begin marker");
    let (current, tail) = rest.split_once(END).expect("the end marker");
    let wanted = format!("\n{}", rendered());
    if current == wanted {
        return;
    }
    if std::env::var("PGDRIFT_UPDATE_DOCS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, format!("{head}{BEGIN}{wanted}{END}{tail}")).unwrap();
        return;
    }
    panic!(
        "{} lists other rules than the rule table: run PGDRIFT_UPDATE_DOCS=1 cargo test -p \
         pgdrift --test lint_rules_doc",
        path.display()
    );
}
