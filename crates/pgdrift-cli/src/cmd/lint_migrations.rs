//! `pgdrift lint --migrations DIR [--base REF] [--against URL|FILE]`: the new migration files
//! linted, by their statements and by what they do to the schema, weighed by the sizes of
//! the tables they touch on the target database. `--save-against FILE` keeps that
//! database's statistics for a later run that cannot reach it.

use crate::cli::LintArgs;
use crate::output::note;
use pgdrift::lint::migration::{self, changed_since, select_new, Against, Context, NewBecause};
use pgdrift::lint::{LintConfig, LintReport, NewFiles, Skipped};
use pgdrift::migrate::{read_dir, DirFormat, MigrationDir};
use pgdrift::source::dir::Ignore;
use pgdrift::source::SourceSpec;
use std::path::Path;

pub async fn run(args: &LintArgs, config: &LintConfig) -> anyhow::Result<LintReport> {
    let path = (args.migrations.as_deref())
        .ok_or_else(|| anyhow::anyhow!("give the migrations directory: --migrations DIR"))?;
    let ignore = Ignore::new(&args.load.ignore)?;
    let format = args
        .load
        .format_dir
        .as_deref()
        .and_then(DirFormat::from_name);
    let dir = read_dir(path, format, &ignore)?;
    let load = args.load.options(false)?;
    let against = match &args.against {
        Some(target) => Some(against(target, path, &ignore).await?),
        None => None,
    };
    if let (Some(file), Some(a)) = (&args.save_against, &against) {
        a.save(file)?;
        note(&format!(
            "wrote the statistics of {} to {}",
            a.database,
            file.display()
        ));
    }
    let changed = match &args.base {
        Some(base) => Some((base.as_str(), changed_since(path, base)?)),
        None => None,
    };
    let (new, because) = select_new(
        &dir,
        changed.as_ref().map(|(b, c)| (*b, c)),
        against.as_ref(),
    );
    let new_files = tell(&dir, &new, &because);
    let ctx = Context::new(config, against.as_ref());
    let mut findings = migration::lint(&dir, &new, &ctx, &load).await?;
    if !args.code.is_empty() {
        let roots = args.code.clone();
        findings = tokio::task::spawn_blocking(move || {
            migration::weigh_renames(&mut findings, &roots).map(|()| findings)
        })
        .await?
        .map_err(|e| anyhow::anyhow!("--code: {e}"))?;
    }
    let skipped = skipped(config, against.as_ref());
    Ok(LintReport {
        format_version: pgdrift::lint::FORMAT_VERSION,
        source: pgdrift::pg::mask_value(&path.display().to_string()),
        server_version: against.as_ref().map(|a| a.server_version.clone()),
        findings,
        rules_run: migration::rules_run(config) - skipped.len(),
        skipped,
        new_files: Some(new_files),
    })
}

/// The rules that cannot run: PL705 needs the target's server version.
fn skipped(config: &LintConfig, against: Option<&Against>) -> Vec<Skipped> {
    let rule = pgdrift::lint::RuleId::EnumValueInTransaction.info();
    match against.is_none() && config.level(rule.id).is_some() {
        true => vec![Skipped {
            code: rule.code,
            slug: rule.slug,
            reason: "needs the target server's version: give --against".into(),
        }],
        false => Vec::new(),
    }
}

/// The target: a statistics snapshot file, or a database read now.
async fn against(target: &str, dir: &Path, ignore: &Ignore) -> anyhow::Result<Against> {
    if Path::new(target).is_file() {
        return Ok(Against::load(Path::new(target))?);
    }
    let env = |name: &str| std::env::var(name).ok();
    match SourceSpec::parse(target, &env)? {
        SourceSpec::Database(info) => {
            let conn = pgdrift::pg::connect::connect(&info).await?;
            Ok(Against::read(&conn, Some((dir, ignore))).await?)
        }
        _ => anyhow::bail!(
            "--against {}: give a database (postgres://..., env:NAME) or a statistics snapshot \
             file written by --save-against",
            pgdrift::pg::mask_value(target)
        ),
    }
}

/// Says which files are linted as new, and why; the same for the report.
fn tell(dir: &MigrationDir, new: &[usize], because: &NewBecause) -> NewFiles {
    let of = dir.migrations.len();
    let n = new.len();
    let text = match because {
        NewBecause::ChangedSince(base) => {
            format!("{n} of {of} migration files are new since {base}")
        }
        NewBecause::NotApplied { tool, table } => {
            format!("{n} of {of} migration files are not applied yet ({tool}, {table})")
        }
        NewBecause::NoTrackingTable => format!(
            "the --against database has no tracking table for {}: all {of} files are new",
            dir.path.display()
        ),
        NewBecause::Everything => format!(
            "no --base or --against: all {of} files of {} are linted as new",
            dir.path.display()
        ),
    };
    note(&text);
    NewFiles {
        files: (new.iter())
            .filter_map(|i| dir.migrations.get(*i))
            .map(|m| m.path.display().to_string())
            .collect(),
        of,
        because: match because {
            NewBecause::ChangedSince(base) => format!("changed since {base}"),
            NewBecause::NotApplied { tool, table } => format!("not applied ({tool}, {table})"),
            NewBecause::NoTrackingTable => "every file: no tracking table on --against".into(),
            NewBecause::Everything => "every file: no --base or --against".into(),
        },
    }
}
