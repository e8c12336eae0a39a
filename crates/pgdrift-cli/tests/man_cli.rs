//! `pgdrift man --out DIR`: a manual page for pgdrift and for every subcommand `--help` lists
//! (nested ones too), each naming every option that subcommand's `--help` shows; the command
//! itself stays out of `--help` and the completion scripts.

mod common;

use common::{pgdrift_in, text};
use std::collections::BTreeSet;
use std::path::Path;

/// The subcommands a `--help` output lists under "Commands:" (without `help`).
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| !line.is_empty())
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// The long options a `--help` output lists (`--fail-on`, `--help`).
fn long_options(help: &str) -> BTreeSet<String> {
    help.lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with('-') && !line.starts_with("- "))
        .filter_map(|line| line.split_whitespace().find(|w| w.starts_with("--")))
        .map(|word| word.trim_end_matches(',').to_owned())
        .collect()
}

/// `pgdrift PATH... --help`.
fn help(path: &[&str]) -> String {
    let mut args = path.to_vec();
    args.push("--help");
    let out = pgdrift_in(None, &args);
    assert!(out.status.success(), "pgdrift {args:?}: {}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every command path the help reaches: [], ["inspect"], ["migrate"], ["migrate", "apply"]...
fn command_paths() -> Vec<Vec<String>> {
    let mut paths = vec![Vec::new()];
    let mut i = 0;
    while i < paths.len() {
        let path = paths[i].clone();
        let names: Vec<&str> = path.iter().map(String::as_str).collect();
        for sub in subcommands(&help(&names)) {
            let mut child = path.clone();
            child.push(sub);
            paths.push(child);
        }
        i += 1;
    }
    paths
}

/// The page's text with roff's escaped hyphens (`\-`) made plain.
fn page_text(dir: &Path, file: &str) -> String {
    let roff = std::fs::read_to_string(dir.join(file))
        .unwrap_or_else(|e| panic!("no manual page {file}: {e}"));
    roff.replace("\\-", "-")
}

#[test]
fn every_subcommand_has_a_page_naming_its_options() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("man1");
    let out = pgdrift_in(None, &["man", "--out", out_dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let paths = command_paths();
    assert!(
        paths.len() > 15,
        "too few subcommands found in --help: {paths:?}"
    );
    assert!(paths.contains(&vec!["migrate".to_owned(), "apply".to_owned()]));

    let mut expected = BTreeSet::new();
    for path in &paths {
        let names: Vec<&str> = path.iter().map(String::as_str).collect();
        let title = std::iter::once("pgdrift")
            .chain(names.iter().copied())
            .collect::<Vec<_>>();
        let file = format!("{}.1", title.join("-"));
        let page = page_text(&out_dir, &file);
        assert!(
            page.contains(&format!(".TH {} 1", title.join("-"))),
            "{file}: no title"
        );
        for option in long_options(&help(&names)) {
            assert!(page.contains(&option), "{file} does not mention {option}");
        }
        if !path.is_empty() {
            assert!(page.contains(".SH \"SEE ALSO\""), "{file}: no SEE ALSO");
        }
        expected.insert(file);
    }
    let lint = page_text(&out_dir, "pgdrift-lint.1");
    assert!(lint.contains("\\fB--fail-on\\fR \\fI<LEVEL>"), "{lint}");

    let written: BTreeSet<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        written, expected,
        "pages written beyond or short of the subcommands"
    );
    let listed: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            Path::new(line)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        listed, expected,
        "the paths printed are not the pages written"
    );
}

#[test]
fn man_is_hidden_and_needs_a_directory() {
    assert!(!subcommands(&help(&[])).contains(&"man".to_owned()));
    for shell in ["bash", "zsh", "fish"] {
        let out = pgdrift_in(None, &["completions", shell]);
        assert!(out.status.success(), "{}", text(&out));
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(script.contains("lint"), "{shell}: no completion for lint");
        assert!(
            !script.contains("manual pages"),
            "{shell}: completes the hidden man command"
        );
    }
    let out = pgdrift_in(None, &["man"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("--out"), "{}", text(&out));

    let file = tempfile::NamedTempFile::new().unwrap();
    let out = pgdrift_in(None, &["man", "--out", file.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains(&file.path().display().to_string()),
        "{}",
        text(&out)
    );
}
