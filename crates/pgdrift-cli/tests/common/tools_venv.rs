//! The Python tools of `scripts/setup-tools` for the command-line tests: the virtual
//! environment (in `PGDRIFT_TOOLS_DIR`, else `<repo>/.tools`) that holds the SARIF 2.1.0 schema
//! with its validator, and pre-commit. Without it a test fails when `CI=true`, and says why
//! and passes elsewhere.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository's root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `bin` of the tools' virtual environment (`python`, `pre-commit`), if it is installed.
pub fn venv_bin(bin: &str) -> Option<PathBuf> {
    let root = std::env::var_os("PGDRIFT_TOOLS_DIR")
        .map_or_else(|| repo_root().join(".tools"), PathBuf::from);
    let path = root.join("python/bin").join(bin);
    if path.is_file() {
        return Some(path);
    }
    let why = format!(
        "{} is not installed: run scripts/setup-tools (or set PGDRIFT_TOOLS_DIR)",
        path.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{why}");
    }
    #[allow(clippy::print_stderr)] // the skip is said where the test runs
    {
        eprintln!("skipped: {why}");
    }
    None
}

/// Validates SARIF files against the OASIS SARIF 2.1.0 schema and what GitHub code scanning
/// needs (fixtures/sarif/validate.py): `Some(errors)` (empty when valid), `None` when the
/// validator is not installed outside CI.
pub fn sarif_errors(files: &[&Path]) -> Option<String> {
    let python = venv_bin("python")?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif/validate.py");
    let out = Command::new(python)
        .arg(script)
        .args(files)
        .output()
        .expect("run validate.py");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    match out.status.code() {
        Some(0) => Some(String::new()),
        Some(1) => Some(text),
        _ => panic!("validate.py could not validate: {text}"),
    }
}

/// Panics unless every file is valid SARIF (when the validator is installed).
pub fn assert_valid_sarif(files: &[&Path]) {
    if let Some(errors) = sarif_errors(files) {
        assert!(errors.is_empty(), "invalid SARIF:\n{errors}");
    }
}
