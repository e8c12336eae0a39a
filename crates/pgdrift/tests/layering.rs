//! The library's layers, enforced: a module may name the modules below it, never those
//! above. `pg`, `sql` and `model` are the bottom (no sources, migrations or flows);
//! `source` turns anything into a catalog without knowing about migrations or the
//! multi-stage flows of `pipeline`. A path that names a module above (`crate::migrate`,
//! `super::super::migrate`, `crate::{migrate, ..}`), in code or in a doc link, fails here
//! with the file that holds it.

use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|x| x == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The top-level names a `crate::{a, b::c, ..}` group starting at `group` imports.
fn group_names(group: &str) -> Vec<String> {
    let (mut depth, mut names, mut item) = (0, Vec::new(), String::new());
    for ch in group.chars() {
        match ch {
            '{' => depth += 1,
            '}' if depth == 1 => break,
            '}' => depth -= 1,
            ',' if depth == 1 => names.push(std::mem::take(&mut item)),
            _ if depth == 1 => item.push(ch),
            _ => {}
        }
    }
    names.push(item);
    names
        .iter()
        .map(|n| n.split("::").next().unwrap_or("").to_string())
        .collect()
}

/// The ways `text` names the crate module `module`, as found.
fn names_module(text: &str, module: &str) -> Vec<String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut found = Vec::new();
    for path in [
        format!("crate::{module}"),
        format!("super::super::{module}"),
    ] {
        let boundary = |rest: &str| !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_');
        if compact
            .match_indices(&path)
            .any(|(i, _)| boundary(&compact[i + path.len()..]))
        {
            found.push(path);
        }
    }
    for (i, _) in compact.match_indices("crate::{") {
        if group_names(&compact[i + "crate::".len()..]).contains(&module.to_string()) {
            found.push(format!("crate::{{.., {module}, ..}}"));
        }
    }
    found
}

/// Every file under `src/<layer>` that names one of `above`, with how.
fn violations(layer: &str, above: &[&str]) -> Vec<String> {
    let files = rust_files(&src().join(layer));
    assert!(!files.is_empty(), "no Rust files under src/{layer}");
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a source file");
        for module in above {
            for how in names_module(&text, module) {
                let shown = file.strip_prefix(src()).unwrap_or(&file).display();
                out.push(format!("src/{shown} names {how}"));
            }
        }
    }
    out
}

#[test]
fn sources_know_nothing_of_migrations_or_flows() {
    let found = violations("source", &["migrate", "pipeline"]);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_bottom_layers_know_nothing_above_them() {
    let mut found = Vec::new();
    for layer in ["pg", "sql", "model"] {
        found.extend(violations(layer, &["source", "migrate", "pipeline"]));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_check_sees_every_way_of_naming_a_module() {
    let text = "use crate::migrate::dir;\nuse super::super::migrate::x;\nuse crate::{\n  model::Catalog,\n  migrate::{a, b},\n};";
    assert_eq!(
        names_module(text, "migrate"),
        [
            "crate::migrate",
            "super::super::migrate",
            "crate::{.., migrate, ..}"
        ]
    );
    assert!(names_module("use crate::migrates::x; // crate::{model}", "migrate").is_empty());
    assert!(names_module("crate::{sql::{a, b}, model}", "migrate").is_empty());
}
