//! What `migrate apply` does around each database's run beyond the runner: a backup of what
//! its pending migrations would change, before anything runs (`backup_dir`, or the user's
//! `backup_command`), and the verification of its schema once they ran (`verify`). A
//! database whose backup fails is not migrated; one whose migrations are all recorded as
//! applied but whose schema differs from the desired one fails "applied but different".

use super::backup_command::run_backup_command;
use super::backup_dir::{backup_to_dir, BackupReport};
use super::runner::{pending, ApplyOptions, ApplyReport};
use super::status::Status;
use super::verify::verify_database;
use super::{tracking, MigrationFile};
use crate::model::Catalog;
use crate::pg::{mask_urls, ConnInfo, Connection};
use std::path::PathBuf;

/// How a database is backed up before its migrations run.
#[derive(Debug, Clone)]
pub enum BackupMode {
    /// pgdrift's own restorable SQL file under this directory.
    Dir(PathBuf),
    /// A shell command (`{url}`, `{database}`, `{server}`, `{dir}` replaced), with the
    /// directory it names as `{dir}`.
    Command { template: String, dir: PathBuf },
}

/// The backup before, and the verification after, each database's run.
#[derive(Debug, Clone, Default)]
pub struct Safeguards {
    pub backup: Option<BackupMode>,
    /// The schema every database should hold once all migrations are applied: the
    /// directory's (`verify::desired_from_dir`) or a role's desired catalog.
    pub desired: Option<Catalog>,
}

impl Safeguards {
    /// Backs up what the pending migrations would change; nothing when nothing is pending,
    /// on a dry run, or when the history stops the run anyway (the runner says why).
    pub async fn before(
        &self,
        conn: &Connection,
        info: &ConnInfo,
        server: &str,
        files: &[MigrationFile],
        options: &ApplyOptions,
    ) -> Result<Option<BackupReport>, String> {
        let Some(mode) = self.backup.as_ref().filter(|_| !options.dry_run) else {
            return Ok(None);
        };
        let applied =
            (tracking::read(&conn.client).await).map_err(|e| mask_urls(&e.to_string()))?;
        let status = Status::compute(files, &applied);
        let Ok((run, _)) = pending(files, &status, options) else {
            return Ok(None);
        };
        if run.is_empty() {
            return Ok(None);
        }
        let done = match mode {
            BackupMode::Dir(dir) => backup_to_dir(info, server, dir, &run).await,
            BackupMode::Command { template, dir } => {
                run_backup_command(template, info, server, dir).await
            }
        };
        done.map(Some).map_err(|e| {
            format!(
                "backup failed, nothing was migrated: {}",
                mask_urls(&e.to_string())
            )
        })
    }

    /// Verifies the database after its run, recording the result in `report`; a database
    /// that differs is an error.
    pub async fn after(
        &self,
        conn: &Connection,
        info: &ConnInfo,
        files: &[MigrationFile],
        report: &mut ApplyReport,
    ) -> Result<(), String> {
        let Some(desired) = &self.desired else {
            return Ok(());
        };
        let verification = verify_database(conn, info, files, desired).await?;
        if let Some(failure) = verification.failure() {
            return Err(failure);
        }
        report.verified = Some(verification);
        Ok(())
    }
}
