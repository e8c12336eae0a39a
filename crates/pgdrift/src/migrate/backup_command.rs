//! `--backup-command`: a user's backup command run through `sh -c` before a database is
//! migrated, with `{url}` (the full connection string: passed to the child only), `{database}`,
//! `{server}` (`host:port`) and `{dir}` replaced by shell-quoted values. A non-zero exit
//! stops the database's migration; the error shows the command with `{url}` masked and the
//! last lines of its standard error, masked too.

use super::backup_dir::{BackupError, BackupReport};
use crate::pg::{mask_quoting, ConnInfo};
use crate::report::shell::quote;
use std::path::Path;
use std::time::SystemTime;

/// How many lines of the command's standard error a failure shows.
const STDERR_LINES: usize = 10;

/// `template` with its placeholders replaced by the shell-quoted values.
pub fn render(template: &str, url: &str, database: &str, server: &str, dir: &Path) -> String {
    let dir = dir.display().to_string();
    template
        .replace("{url}", &quote(url))
        .replace("{database}", &quote(database))
        .replace("{server}", &quote(server))
        .replace("{dir}", &quote(&dir))
}

/// Runs the backup command for the database `info` names (`server`: its `host:port`).
pub async fn run_backup_command(
    template: &str,
    info: &ConnInfo,
    server: &str,
    dir: &Path,
) -> Result<BackupReport, BackupError> {
    let secret = info.url_with_password();
    let database = info.database();
    let command = render(template, &secret, database, server, dir);
    let shown = render(template, &info.to_string(), database, server, dir);
    let shown = mask_quoting(&shown, &secret);
    let started = SystemTime::now();
    let started = (started.checked_sub(std::time::Duration::from_secs(1))).unwrap_or(started);
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .stdin(std::process::Stdio::null())
            .output()
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r.map_err(|e| e.to_string()))
    .map_err(|e| BackupError::Command(format!("cannot run the backup command {shown}: {e}")))?;
    if !output.status.success() {
        return Err(failure(&output, &shown, &secret));
    }
    Ok(BackupReport {
        command: Some(shown),
        bytes: written_since(dir, started),
        ..BackupReport::default()
    })
}

/// A failed command's error: its status, the command as shown, the end of its standard
/// error, masked against the connection string's password.
fn failure(output: &std::process::Output, shown: &str, secret: &str) -> BackupError {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    let last = lines[lines.len().saturating_sub(STDERR_LINES)..].join("\n");
    let status = match output.status.code() {
        Some(code) => format!("exit status {code}"),
        None => "killed by a signal".to_string(),
    };
    let mut message =
        format!("the backup command failed ({status}), so the database was not migrated: {shown}");
    if !last.trim().is_empty() {
        message.push_str(&format!("\n{}", mask_quoting(&last, secret)));
    }
    BackupError::Command(message)
}

/// The size of the files under `dir` (two levels deep) changed since `since`: what the
/// command wrote there.
fn written_since(dir: &Path, since: SystemTime) -> u64 {
    fn walk(dir: &Path, since: SystemTime, depth: u8) -> u64 {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return 0;
        };
        let mut total = 0;
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() && depth > 0 {
                total += walk(&entry.path(), since, depth - 1);
            } else if meta.is_file() && meta.modified().is_ok_and(|m| m >= since) {
                total += meta.len();
            }
        }
        total
    }
    walk(dir, since, 1)
}
