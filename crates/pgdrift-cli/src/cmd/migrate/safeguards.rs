//! `migrate apply --backup-dir/--backup-command/--verify`: the backup mode the flags ask
//! for, and the desired schema a verification compares with: with `--role`, the role's
//! `desired` in `pgdrift.toml` (as the audit compares), else the directory's migrations
//! replayed once on the scratch server.

use crate::cli::MigrateApplyArgs;
use crate::output::note;
use pgdrift::migrate::safeguards::{BackupMode, Safeguards};
use pgdrift::migrate::verify::{desired_from, desired_from_dir};
use pgdrift::model::Catalog;
use pgdrift::source::dir::{DirFormat, Ignore};
use pgdrift::source::LoadOptions;
use pgdrift::source::SourceSpec;

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
        true => Some(desired(args).await?),
        false => None,
    };
    Ok(Safeguards { backup, desired })
}

/// The schema each database should have once migrated.
async fn desired(args: &MigrateApplyArgs) -> anyhow::Result<Catalog> {
    let options = LoadOptions {
        notes: Some(note),
        ..LoadOptions::default()
    };
    if let Some(role) = role_source(args)? {
        let env = |name: &str| std::env::var(name).ok();
        let spec = SourceSpec::parse(&role.1, &env)?;
        return desired_from(&spec, options).await.map_err(|e| {
            let shown = pgdrift::pg::mask_quoting(&e.to_string(), &role.1);
            anyhow::anyhow!(
                "--verify: the desired schema of role {} does not load: {shown}",
                role.0
            )
        });
    }
    let format = (args.dir.format_dir.as_deref()).and_then(DirFormat::from_name);
    let ignore = Ignore::new(&args.dir.ignore)?;
    let desired = desired_from_dir(&args.dir.dir, format, &ignore, options).await;
    desired.map_err(|e| {
        anyhow::anyhow!(
            "--verify: the migrations of {} do not replay on the scratch server: {e}",
            args.dir.dir.display()
        )
    })
}

/// With `--role`, the role's name and its `desired` source as `pgdrift.toml` writes it.
fn role_source(args: &MigrateApplyArgs) -> anyhow::Result<Option<(String, String)>> {
    let Some(role) = &args.targets.role else {
        return Ok(None);
    };
    let config = crate::cmd::audit::load_config(args.targets.config.as_deref())?;
    let found = config.roles.iter().find(|r| &r.name == role);
    Ok(found.and_then(|r| Some((r.name.clone(), r.desired.clone()?))))
}
