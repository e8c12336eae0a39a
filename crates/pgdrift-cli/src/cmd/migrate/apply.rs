//! `pgdrift migrate apply`: the pending files of a directory on every target, as a staged
//! rollout (`rollout`: waves, Ctrl-C, the live view), a line per database, a summary
//! (`rollout_out`); exit 2 when any database failed or was not attempted.

use super::{progress, read_files, rollout, rollout_out, seconds, shared_targets, Paint};
use crate::cli::{ApplyFormat, ColorChoice, MigrateApplyArgs};
use crate::output::{note, use_color, write_to};
use crate::Outcome;
use pgdrift::fleet::registry::RoleTarget;
use pgdrift::fleet::rollout::{Rollout, Status};
use pgdrift::fleet::{line_names, Target};
use pgdrift::migrate::other_tools::{layout_warning, other_manager};
use pgdrift::migrate::record::{self, ToolDir};
use pgdrift::migrate::runner::{apply, ApplyOptions, ApplyReport, Event};
use pgdrift::migrate::safeguards::Safeguards;
use pgdrift::migrate::MigrationFile;
use pgdrift::source::dir::DirFormat;
use pgdrift::source::dir::Ignore;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

pub async fn run(args: MigrateApplyArgs, color: ColorChoice) -> anyhow::Result<Outcome> {
    let (format, files) = read_files(&args.dir)?;
    let by_server = shared_targets(&args.targets, args.fleet.shard).await?;
    let per_server = limits(&by_server);
    let mut targets: Vec<Target> = by_server.into_iter().map(|t| t.target).collect();
    if args.rollout.only_failed {
        targets = rollout::only_failed(&args, targets)?;
        if targets.is_empty() {
            note("no database failed in the last run of this rollout: nothing to retry");
            return Ok(Outcome::Clean);
        }
    }
    let waves = rollout::waves(&args, &targets)?;
    let options = options(&args, format, &files)?;
    let paint = Paint(use_color(color, false));
    let safeguards = super::safeguards::safeguards(&args).await?;
    // Another tool's history, read before anything runs on each database.
    let ignore = Ignore::new(&args.dir.ignore)?;
    let guard = (!args.ignore_other_tools).then_some((args.dir.dir.as_path(), &ignore));
    if let Some(warning) =
        layout_warning(format, &args.dir.dir).filter(|_| args.record_for.is_none())
    {
        note(&format!("warning: {warning}"));
    }
    let single = targets.len() == 1;
    let bar = progress(
        if single { 0 } else { targets.len() },
        if single { "migrations" } else { "databases" },
    );
    let names = line_names(&targets);
    let mut view = rollout::View {
        args: &args,
        targets: &targets,
        names: &names,
        waves: waves.len(),
        bar: &bar,
        paint,
        single,
        servers: servers(&targets),
        wave: String::new(),
    };
    let bar_one = single.then_some(&bar);
    let task = |target| one(target, &files, &options, guard, bar_one, &safeguards);
    let done = rollout::drive(&args, &targets, &waves, per_server, task, &mut view).await;
    bar.finish_and_clear();
    rollout::save(&args, &targets, &done);
    if let Some(path) = &args.rollout.report {
        let html = pgdrift::report::rollout::render_html(&rollout_report(&args, &targets, &done));
        std::fs::write(path, html)
            .map_err(|e| anyhow::anyhow!("cannot write the report {}: {e}", path.display()))?;
    }
    let out = render(&args, format, &targets, &names, &files, &done, paint)?;
    write_to(None, |w| w.write_all(out.as_bytes()))?;
    if single && done.outcomes[0].status == Status::Failed {
        let e = done.outcomes[0].error.clone().unwrap_or_default();
        return Err(anyhow::anyhow!("{e}"));
    }
    match rollout_out::ending(&done) {
        Some(e) => Err(anyhow::anyhow!("{e}")),
        None => Ok(Outcome::Clean),
    }
}

/// How the runner runs on each database.
fn options(
    args: &MigrateApplyArgs,
    format: DirFormat,
    files: &[MigrationFile],
) -> anyhow::Result<ApplyOptions> {
    Ok(ApplyOptions {
        allow_modified: args.allow_modified,
        allow_missing: args.allow_missing,
        allow_out_of_order: args.allow_out_of_order,
        to: args.to.clone(),
        dry_run: args.dry_run,
        lock_timeout: seconds(args.lock_timeout),
        statement_timeout: seconds(args.statement_timeout),
        lock_wait: seconds(args.lock_wait),
        record_for: record_for(args, format, files)?,
    })
}

/// At most `max_connections` at a time on each server of the configuration (`--role`),
/// keyed as the driver names servers.
fn limits(targets: &[RoleTarget]) -> HashMap<String, usize> {
    let mut out: HashMap<String, usize> = HashMap::new();
    for t in targets {
        if let Some(n) = t.max_connections {
            let limit = out.entry(t.target.server()).or_insert(n);
            *limit = (*limit).min(n);
        }
    }
    out
}

/// Each server's databases: none done yet, and how many in all.
fn servers(targets: &[Target]) -> BTreeMap<String, (usize, usize)> {
    let mut out = BTreeMap::new();
    for t in targets {
        out.entry(t.server()).or_insert((0, 0)).1 += 1;
    }
    out
}

/// What standard output gets at the end.
fn render(
    args: &MigrateApplyArgs,
    format: DirFormat,
    targets: &[Target],
    names: &[String],
    files: &[MigrationFile],
    done: &Rollout,
    paint: Paint,
) -> anyhow::Result<String> {
    Ok(match args.format {
        ApplyFormat::Json => {
            let value = json!({
                "format_version": 1,
                "command": "migrate apply",
                "dir": args.dir.dir.display().to_string(),
                "dir_format": format.info().name,
                "dry_run": args.dry_run,
                "databases": targets.iter().zip(&done.outcomes).map(|(t, o)| rollout_out::json_result(t, o)).collect::<Vec<_>>(),
                "failed": done.count(Status::Failed),
                "waves": done.waves,
                "stopped": done.stopped,
            });
            format!("{}\n", serde_json::to_string_pretty(&value)?)
        }
        ApplyFormat::Jsonl => format!("{}\n", done.json_summary()),
        ApplyFormat::Text if targets.len() == 1 => {
            let o = &done.outcomes[0];
            let mut out = single_text(&targets[0], o.report.as_ref(), files, args.dry_run, paint)?;
            if o.retries > 0 && o.report.is_some() {
                out.push_str(&rollout_out::retries(o.retries));
            }
            out
        }
        ApplyFormat::Text => rollout_out::summary(names, done, args.dry_run, paint),
    })
}

/// The rollout as the HTML report takes it.
fn rollout_report<'r>(
    args: &MigrateApplyArgs,
    targets: &'r [Target],
    done: &'r Rollout,
) -> pgdrift::report::rollout::RolloutReport<'r> {
    pgdrift::report::rollout::RolloutReport {
        dir: args.dir.dir.display().to_string(),
        dry_run: args.dry_run,
        targets,
        rollout: done,
    }
}

async fn one(
    target: &Target,
    files: &[MigrationFile],
    options: &ApplyOptions,
    guard: Option<(&Path, &Ignore)>,
    bar: Option<&indicatif::ProgressBar>,
    safeguards: &Safeguards,
) -> Result<ApplyReport, String> {
    let conn = pgdrift::pg::connect(&target.info)
        .await
        .map_err(|e| e.to_string())?;
    if let Some((dir, ignore)) = guard {
        let other = other_manager(&conn, dir, ignore)
            .await
            .map_err(|e| pgdrift::pg::mask_urls(&e.to_string()))?;
        if let Some(other) = other {
            return Err(other.refusal(&target.arg, dir, ignore));
        }
    }
    let mut on_event = |event: Event<'_>| {
        if let Some(bar) = bar {
            match event {
                Event::Planned(n) => bar.set_length(n as u64),
                Event::Running(v) => bar.set_message(v.to_string()),
                Event::Done(_) => bar.inc(1),
            }
        }
    };
    let server = target.server();
    let backup = (safeguards.before(&conn, &target.info, &server, files, options)).await?;
    let mut report = (apply(&conn, files, options, &mut on_event).await).map_err(|e| {
        let kept = backup.as_ref().and_then(|b| b.path.as_ref());
        let kept = kept.map_or_else(String::new, |p| format!("\n(backup taken before: {p})"));
        format!("{}{kept}", pgdrift::pg::mask_urls(&e.to_string()))
    })?;
    report.backup = backup;
    if !options.dry_run {
        safeguards
            .after(&conn, &target.info, files, &mut report)
            .await?;
    }
    Ok(report)
}

pub(super) fn counts(report: &ApplyReport, dry_run: bool) -> String {
    if dry_run {
        return match report.would_run.len() {
            0 => "up to date".into(),
            n => format!("{n} would run"),
        };
    }
    let mut parts = vec![match report.ran.len() {
        0 => "up to date".to_string(),
        1 => "1 migration applied".to_string(),
        n => format!("{n} migrations applied"),
    }];
    if !report.applied_by_other_runner.is_empty() {
        parts.push(format!(
            "{} applied meanwhile by another runner",
            report.applied_by_other_runner.len()
        ));
    }
    if !report.allowed.is_empty() {
        parts.push(format!(
            "{} history problem(s) allowed",
            report.allowed.len()
        ));
    }
    if let Some(b) = &report.backup {
        parts.push(match (&b.path, &b.command) {
            (Some(path), _) => format!("backup {path} ({} tables)", b.tables.len()),
            (None, Some(_)) => "backed up by --backup-command".into(),
            (None, None) => "no table to back up".into(),
        });
    }
    if report.verified.as_ref().is_some_and(|v| v.verified) {
        parts.push("schema verified".into());
    }
    parts.join(", ")
}

fn single_text(
    target: &Target,
    report: Option<&ApplyReport>,
    files: &[MigrationFile],
    dry_run: bool,
    paint: Paint,
) -> anyhow::Result<String> {
    let Some(report) = report else {
        return Ok(String::new());
    };
    let mut out = format!("{} ({} files)\n", target.label, files.len());
    for v in &report.would_run {
        let nt = files
            .iter()
            .find(|f| &f.version == v)
            .is_some_and(|f| f.no_transaction());
        let mark = if nt { "  (outside a transaction)" } else { "" };
        out.push_str(&format!("  would run {v}{mark}\n"));
    }
    for r in &report.ran {
        let mark = if r.no_transaction {
            "  (outside a transaction)"
        } else {
            ""
        };
        out.push_str(&format!(
            "  {} {}  {} ms{mark}\n",
            paint.green("✓"),
            r.version,
            r.execution_ms
        ));
        for index in &r.rebuilt {
            out.push_str(&format!(
                "      rebuilt INVALID index {index} (an earlier run left it unfinished)\n"
            ));
        }
    }
    for v in &report.applied_by_other_runner {
        out.push_str(&format!(
            "  {} {v}  applied by another runner\n",
            paint.dim("·")
        ));
    }
    for p in &report.allowed {
        out.push_str(&format!(
            "  {} {}: {} (allowed)\n",
            paint.yellow("!"),
            p.version,
            p.state.label()
        ));
    }
    out.push_str(&format!("{}\n", counts(report, dry_run)));
    Ok(out)
}

/// The tool `--record-for` names, checked against the directory.
fn record_for(
    args: &MigrateApplyArgs,
    format: DirFormat,
    files: &[MigrationFile],
) -> anyhow::Result<Option<ToolDir>> {
    let Some(tool) = &args.record_for else {
        return Ok(None);
    };
    if args.revisions.is_some() && tool != "alembic" {
        anyhow::bail!(
            "--revisions names Alembic's revision files; it goes with --record-for alembic"
        );
    }
    let recorder = record::recorder(tool)?;
    Ok(Some(ToolDir::new(
        recorder,
        format,
        files,
        args.revisions.as_deref(),
    )?))
}
