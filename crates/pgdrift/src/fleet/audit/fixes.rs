//! The commands audit findings suggest, quoted for POSIX shells by
//! [`crate::report::shell::Command`]. `target` names the database as commands should
//! (`env:NAME/DB`, or its URL with the password masked), `source` a desired source likewise.

use crate::report::shell::Command;
use crate::source::dir::Ignore;
use std::path::Path;

/// `pgdrift migrate history --url TARGET`.
pub(super) fn history(target: &str) -> String {
    Command::pgdrift(["migrate", "history", "--url", target]).to_string()
}

/// `pgdrift migrate history --url TARGET --dir DIR [--ignore GLOB]...`.
pub(super) fn history_dir(target: &str, dir: &Path, ignore: &Ignore) -> String {
    with_dir(
        Command::pgdrift(["migrate", "history", "--url", target]),
        dir,
        ignore,
    )
    .to_string()
}

/// `pgdrift migrate apply --url TARGET --dir DIR [--ignore GLOB]...`.
pub(super) fn apply(target: &str, dir: &Path, ignore: &Ignore) -> String {
    with_dir(
        Command::pgdrift(["migrate", "apply", "--url", target]),
        dir,
        ignore,
    )
    .to_string()
}

/// `pgdrift migrate baseline --url TARGET --dir DIR [--ignore GLOB]... --version LAST`.
pub(super) fn baseline(target: &str, dir: &Path, ignore: &Ignore) -> String {
    with_dir(
        Command::pgdrift(["migrate", "baseline", "--url", target]),
        dir,
        ignore,
    )
    .args(["--version", "LAST"])
    .to_string()
}

/// `pgdrift inspect SOURCE`.
pub(super) fn inspect(source: &str) -> String {
    Command::pgdrift(["inspect", source]).to_string()
}

fn with_dir(command: Command, dir: &Path, ignore: &Ignore) -> Command {
    command
        .arg("--dir")
        .arg(dir.display().to_string())
        .ignore(ignore.patterns())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fix_splits_back_into_its_arguments() {
        let ignore = Ignore::new(["*.old", "it's"]).unwrap();
        let dir = Path::new("db/my migrations");
        let target = "postgresql://u:***@h:5432/t 1";
        let argv = |s: String| shell_words::split(&s).unwrap();
        let head = ["pgdrift", "migrate"];
        let tail = [
            "--dir",
            "db/my migrations",
            "--ignore",
            "*.old",
            "--ignore",
            "it's",
        ];
        let with = |cmd: &str, more: &[&str]| -> Vec<String> {
            let mut v: Vec<&str> = head.to_vec();
            v.extend([cmd, "--url", target]);
            v.extend(tail);
            v.extend(more);
            v.iter().map(|s| s.to_string()).collect()
        };
        assert_eq!(argv(apply(target, dir, &ignore)), with("apply", &[]));
        assert_eq!(
            argv(history_dir(target, dir, &ignore)),
            with("history", &[])
        );
        assert_eq!(
            argv(baseline(target, dir, &ignore)),
            with("baseline", &["--version", "LAST"])
        );
        assert_eq!(
            argv(history("env:PROD_URL/t 1")),
            ["pgdrift", "migrate", "history", "--url", "env:PROD_URL/t 1"]
        );
        assert_eq!(
            argv(inspect("cmd:a && b")),
            ["pgdrift", "inspect", "cmd:a && b"]
        );
    }
}
