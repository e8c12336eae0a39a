//! `cmd:` sources: a shell command whose standard output is SQL (the bridge to ORM exports).
//! A command that fails is reported with the end of its standard error; one that succeeds
//! but prints no SQL (nothing, or only comments) is an error unless an empty schema is
//! allowed, since taking it at its word would make every object something to drop. Whatever
//! is shown is masked: the command as one value (`mask_value`), its standard error against
//! the command's own passwords too (`mask_quoting`).

use super::load::LoadError;
use super::replay::ReplayUnit;
use crate::pg::{mask_quoting, mask_value};
use crate::sql::split::{split, Piece};

/// How many lines of a failing command's standard error are shown (its last ones).
pub const STDERR_LINES: usize = 20;

/// Runs `command` with `sh -c`; its standard output is the SQL.
pub(crate) async fn run_command(command: &str, allow_empty: bool) -> Result<ReplayUnit, LoadError> {
    let shown = mask_value(command);
    let error = |status: String, stderr: String| LoadError::Command {
        command: shown.clone(),
        status,
        stderr,
    };
    let cmd = command.to_string();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("sh").arg("-c").arg(cmd).output()
    })
    .await
    .map_err(|e| error(format!("did not run: {e}"), String::new()))?
    .map_err(|e| error(format!("could not start: {e}"), String::new()))?;
    let stderr = last_lines(&mask_quoting(
        &String::from_utf8_lossy(&output.stderr),
        command,
    ));
    if !output.status.success() {
        return Err(error(format!("failed ({})", output.status), stderr));
    }
    let sql = String::from_utf8(output.stdout).map_err(|_| {
        error(
            "printed something that is not UTF-8 text".into(),
            stderr.clone(),
        )
    })?;
    if !allow_empty && !has_statements(&sql) {
        return Err(error(
            "produced no SQL; a desired schema cannot be empty unless --allow-empty-source".into(),
            stderr,
        ));
    }
    Ok(ReplayUnit {
        name: format!("cmd:{shown}"),
        no_transaction: super::dir::first_line_says_no_transaction(&sql),
        sql,
    })
}

/// True when `sql` holds a statement (not only whitespace and comments). Text that cannot be
/// split completely counts as SQL here: the replay refuses it with its line.
fn has_statements(sql: &str) -> bool {
    split(sql).map_or(true, |pieces| {
        pieces.iter().any(|p| matches!(p, Piece::Statement { .. }))
    })
}

/// The last [`STDERR_LINES`] lines of `text` (trailing blank lines dropped), preceded by a
/// line saying how many were left out.
fn last_lines(text: &str) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    let skipped = lines.len().saturating_sub(STDERR_LINES);
    let kept = lines[skipped..].join("\n");
    match skipped {
        0 => kept,
        n => format!("[{n} earlier line(s) of standard error left out]\n{kept}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_lines_of_standard_error() {
        let text: String = (1..=30).map(|i| format!("{i}\n")).collect();
        let shown = last_lines(&text);
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[0], "[10 earlier line(s) of standard error left out]");
        assert_eq!(
            lines[1..],
            (11..=30).map(|i| i.to_string()).collect::<Vec<_>>()
        );
        assert_eq!(last_lines("a\nb\n\n"), "a\nb");
        assert_eq!(last_lines(""), "");
    }

    #[test]
    fn comments_are_no_sql() {
        assert!(!has_statements("  \n-- nothing\n/* at all; */\n"));
        assert!(has_statements("-- one\nCREATE TABLE t ()"));
        assert!(has_statements("/* never closed"));
    }
}
