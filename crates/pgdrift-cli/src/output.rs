//! Where output goes and how it looks: standard output or a file, colors only on a terminal,
//! and the one-line error report with exit code 2. What goes to standard error is masked
//! twice: as free text, and against every argument pgdrift was given (whose bounds are known,
//! so that a password with spaces or quotes in a mistyped URL is found whole).

use crate::cli::ColorChoice;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::OnceLock;

static ARGUMENTS: OnceLock<Vec<String>> = OnceLock::new();

/// Keeps the command-line arguments, for [`masked`].
pub fn remember_arguments(args: impl Iterator<Item = OsString>) {
    let _ = ARGUMENTS.set(args.map(|a| a.to_string_lossy().into_owned()).collect());
}

/// The command-line arguments pgdrift was given (without the program).
pub fn arguments() -> Vec<String> {
    ARGUMENTS.get().cloned().unwrap_or_default()
}

/// `text` with every password masked: those found in it, and every piece of a password in
/// an argument pgdrift was given.
pub fn masked(text: &str) -> String {
    let mut out = pgdrift::pg::mask_urls(text);
    for arg in ARGUMENTS.get().map_or(&[][..], Vec::as_slice) {
        out = pgdrift::pg::mask_quoting(&out, arg);
    }
    out
}

/// A note for the user on standard error (`pgdrift: ...`), passwords masked: warnings, and
/// what the library did on the user's behalf (placeholder roles a replay created).
#[allow(clippy::print_stderr)]
pub fn note(text: &str) {
    eprintln!("pgdrift: {}", masked(text));
}

/// A command line clap refused (or `--help`, `--version`): printed as clap prints it, with
/// passwords masked, since its message quotes the arguments ("unexpected argument
/// 'postgres://…'"). Exit code 2 for an error, 0 for help.
#[allow(clippy::print_stderr)]
pub fn usage_error(e: &clap::Error) -> ExitCode {
    if !e.use_stderr() {
        let _ = e.print();
    } else {
        eprint!("{}", masked(&e.render().to_string()));
    }
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
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
    eprintln!("{}", masked(&text));
    ExitCode::from(2)
}
