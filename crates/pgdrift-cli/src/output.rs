//! Where output goes and how it looks: standard output or a file, colors only on a terminal,
//! and the one-line error report with exit code 2.

use crate::cli::ColorChoice;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

/// A note for the user on standard error (`pgdrift: ...`), passwords masked: warnings, and
/// what the library did on the user's behalf (placeholder roles a replay created).
#[allow(clippy::print_stderr)]
pub fn note(text: &str) {
    eprintln!("pgdrift: {}", pgdrift::pg::mask_urls(text));
}

/// Whether to style text written to standard output.
pub fn use_color(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !to_file
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Runs `write` against the file at `path`, or standard output.
pub fn write_to(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    match path {
        Some(path) => {
            let mut file = std::fs::File::create(path)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            write(&mut file).map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            match write(&mut lock) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(|e| anyhow::anyhow!("writing to standard output: {e}")),
            }
        }
    }
}

/// Prints the error (and its causes) to standard error, passwords masked; exit code 2.
#[allow(clippy::print_stderr)]
pub fn fail(e: &anyhow::Error) -> ExitCode {
    let mut text = format!("error: {e}");
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(&format!("\n  caused by: {cause}"));
        }
    }
    eprintln!("{}", pgdrift::pg::mask_urls(&text));
    ExitCode::from(2)
}
