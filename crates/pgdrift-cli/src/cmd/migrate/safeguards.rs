//! `migrate apply --backup-dir/--backup-command/--verify`: the backup mode the flags ask
//! for, and the desired schema a verification compares with (the directory's migrations
//! replayed once on the scratch server).

use crate::cli::MigrateApplyArgs;
use crate::output::note;
use pgdrift::migrate::safeguards::{BackupMode, Safeguards};
use pgdrift::migrate::verify::desired_from_dir;
use pgdrift::source::dir::{DirFormat, Ignore};
use pgdrift::source::LoadOptions;

/// The safeguards `args` ask for; the desired schema loaded now, once for every database.
pub async fn safeguards(args: &MigrateApplyArgs) -> anyhow::Result<Safeguards> {
    let backup = match (&args.backup_dir, &args.backup_command) {
        (Some(dir), Some(template)) => Some(BackupMode::Command {
            template: template.clone(),
            dir: dir.clone(),
        }),
        (Some(dir), None) => Some(BackupMode::Dir(dir.clone())),
        (None, _) => None,
    };
    let desired = match args.verify && !args.dry_run {
        true => {
            let format = args
                .dir
                .format_dir
                .as_deref()
                .and_then(DirFormat::from_name);
            let options = LoadOptions {
                notes: Some(note),
                ..LoadOptions::default()
            };
            let ignore = Ignore::new(&args.dir.ignore)?;
            let desired = desired_from_dir(&args.dir.dir, format, &ignore, options).await;
            Some(desired.map_err(|e| {
                anyhow::anyhow!(
                    "--verify: the migrations of {} do not replay on the scratch server: {e}",
                    args.dir.dir.display()
                )
            })?)
        }
        false => None,
    };
    Ok(Safeguards { backup, desired })
}
