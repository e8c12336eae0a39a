//! `pgdrift migrate apply`: the pending files of a directory on every target, a line per
//! database, a summary; exit 2 when any database failed.

use super::{db_line, progress, read_files, seconds, share, Paint};
use crate::cli::{ColorChoice, Format, MigrateApplyArgs};
use crate::output::{note, use_color, write_to};
use crate::Outcome;
use pgdrift::fleet::{line_names, run_all, Target};
use pgdrift::migrate::other_tools::{layout_warning, other_manager};
use pgdrift::migrate::record::{self, ToolDir};
use pgdrift::migrate::runner::{apply, ApplyOptions, ApplyReport, Event};
use pgdrift::migrate::safeguards::Safeguards;
use pgdrift::migrate::MigrationFile;
use pgdrift::source::dir::DirFormat;
use pgdrift::source::dir::Ignore;
use serde_json::json;
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

pub async fn run(args: MigrateApplyArgs, color: ColorChoice) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let (format, files) = read_files(&args.dir)?;
    let targets = share(&args.targets, args.fleet.shard).await?;
    let options = ApplyOptions {
        allow_modified: args.allow_modified,
        allow_missing: args.allow_missing,
        allow_out_of_order: args.allow_out_of_order,
        to: args.to.clone(),
        dry_run: args.dry_run,
        lock_timeout: seconds(args.lock_timeout),
        statement_timeout: seconds(args.statement_timeout),
        lock_wait: seconds(args.lock_wait),
        record_for: record_for(&args, format, &files)?,
    };
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
    let text = args.format == Format::Text;
    let names = line_names(&targets);
    let name_of: HashMap<&str, &str> = (targets.iter().zip(&names))
        .map(|(t, n)| (t.label.as_str(), n.as_str()))
        .collect();
    let results = run_all(
        &targets,
        usize::from(args.fleet.jobs),
        args.fleet.fail_fast,
        |target| {
            one(
                target,
                &files,
                &options,
                guard,
                single.then_some(&bar),
                &safeguards,
            )
        },
        |target, result| {
            if text && !single {
                let name = name_of[target.label.as_str()];
                bar.suspend(|| print_line(name, result, args.dry_run, paint));
            }
            if !single {
                bar.inc(1);
            }
        },
    )
    .await;
    bar.finish_and_clear();
    let failed = results.iter().filter(|r| matches!(r, Some(Err(_)))).count();
    let out = match args.format {
        Format::Json => {
            let value = json!({
                "format_version": 1,
                "command": "migrate apply",
                "dir": args.dir.dir.display().to_string(),
                "dir_format": format.info().name,
                "dry_run": args.dry_run,
                "databases": targets.iter().zip(&results).map(|(t, r)| json_result(t, r)).collect::<Vec<_>>(),
                "failed": failed,
            });
            format!("{}\n", serde_json::to_string_pretty(&value)?)
        }
        Format::Text if single => {
            single_text(&targets[0], &results[0], &files, args.dry_run, paint)?
        }
        Format::Text => summary(&names, &results, started, args.dry_run, paint),
    };
    write_to(None, |w| w.write_all(out.as_bytes()))?;
    if single {
        if let Some(Err(e)) = &results[0] {
            return Err(anyhow::anyhow!("{e}"));
        }
    }
    if failed > 0 {
        anyhow::bail!(
            "{failed} of {} databases failed (listed above)",
            targets.len()
        );
    }
    Ok(Outcome::Clean)
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

fn counts(report: &ApplyReport, dry_run: bool) -> String {
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

/// One database's line; a failure keeps PostgreSQL's reason and the statement at fault.
#[allow(clippy::print_stdout)]
fn print_line(name: &str, result: &Result<ApplyReport, String>, dry_run: bool, paint: Paint) {
    match result {
        Ok(r) => println!("{}", db_line(&paint.green("✓"), name, &counts(r, dry_run))),
        Err(e) => println!("{}", db_line(&paint.red("✗"), name, e)),
    }
}

fn single_text(
    target: &Target,
    result: &Option<Result<ApplyReport, String>>,
    files: &[MigrationFile],
    dry_run: bool,
    paint: Paint,
) -> anyhow::Result<String> {
    let Some(Ok(report)) = result else {
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

fn summary(
    names: &[String],
    results: &[Option<Result<ApplyReport, String>>],
    started: Instant,
    dry_run: bool,
    paint: Paint,
) -> String {
    let ok = results.iter().filter(|r| matches!(r, Some(Ok(_)))).count();
    let failed: Vec<&str> = (names.iter().zip(results))
        .filter(|(_, r)| matches!(r, Some(Err(_))))
        .map(|(n, _)| n.as_str())
        .collect();
    let skipped = results.iter().filter(|r| r.is_none()).count();
    let applied: usize = results
        .iter()
        .filter_map(|r| r.as_ref()?.as_ref().ok())
        .map(|r| {
            if dry_run {
                r.would_run.len()
            } else {
                r.ran.len()
            }
        })
        .sum();
    let verb = if dry_run { "would run" } else { "applied" };
    let mut out = format!(
        "{} databases in {:.1} s: {ok} ok ({applied} migrations {verb})",
        names.len(),
        started.elapsed().as_secs_f64()
    );
    if !failed.is_empty() {
        out.push_str(&format!(
            ", {} failed ({})",
            failed.len(),
            failed.join(", ")
        ));
        out = paint.red(&out);
    }
    if skipped > 0 {
        out.push_str(&format!(", {skipped} not started (--fail-fast)"));
    }
    out.push('\n');
    out
}

fn json_result(target: &Target, result: &Option<Result<ApplyReport, String>>) -> serde_json::Value {
    match result {
        Some(Ok(r)) => {
            json!({"database": target.database(), "target": target.label, "ok": true, "report": r, "backup": r.backup, "verified": r.verified})
        }
        Some(Err(e)) => {
            json!({"database": target.database(), "target": target.label, "ok": false, "error": e})
        }
        None => {
            json!({"database": target.database(), "target": target.label, "ok": false, "error": "not started: an earlier database failed (--fail-fast)"})
        }
    }
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
