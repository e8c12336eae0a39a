//! `pgdrift migrate baseline`: on each database, replays the files up to VERSION in a
//! throwaway database, shows per migration whether the live database holds what it creates,
//! and only when it does (or with --force) writes the rows the chosen tool (`--tool`, pgdrift
//! by default) would have written for those files. One evidence report and one line per
//! database; exit 2 when any database refused or failed.

use super::{db_line, progress, read_files, seconds, share, Paint};
use crate::cli::{ColorChoice, Format, MigrateBaselineArgs};
use crate::output::{use_color, write_to};
use crate::Outcome;
use pgdrift::fleet::{line_names, run_all, Target};
use pgdrift::migrate::evidence::{gather, Evidence};
use pgdrift::migrate::record::{self, Mode, Recording, Shape, ToolDir};
use pgdrift::migrate::{Migration, MigrationFile, MigrationKind};
use pgdrift::source::{LoadOptions, SourceSpec};
use serde_json::json;

/// What the command shares across databases.
struct Job<'a> {
    files: &'a [MigrationFile],
    dir: &'a ToolDir,
    /// The versioned files up to VERSION, and VERSION's position.
    indices: Vec<usize>,
    last: usize,
    load: LoadOptions,
    args: &'a MigrateBaselineArgs,
}

/// What happened on one database.
#[derive(Debug)]
struct Baselined {
    target: String,
    /// None when the tool records every file already (nothing to check).
    evidence: Option<Evidence>,
    supports_baseline: bool,
    forced: bool,
    /// The rows planned (with --dry-run or a refusal) or written.
    recording: Recording,
    recorded: usize,
    /// Why nothing was written although rows were due.
    refused: Option<String>,
}

pub async fn run(args: MigrateBaselineArgs, color: ColorChoice) -> anyhow::Result<Outcome> {
    let started = std::time::Instant::now();
    let (format, files) = read_files(&args.dir)?;
    let recorder = record::recorder(&args.tool)?;
    if args.revisions.is_some() && recorder.id != "alembic" {
        anyhow::bail!("--revisions names Alembic's revision files; it goes with --tool alembic");
    }
    let dir = ToolDir::new(recorder, format, &files, args.revisions.as_deref())?;
    let last = dir.position(&files, &args.version)?;
    let job = Job {
        indices: (0..=last)
            .filter(|&i| files[i].kind() == MigrationKind::Versioned)
            .collect(),
        files: &files,
        dir: &dir,
        last,
        load: load_options(&args)?,
        args: &args,
    };
    let targets = share(&args.targets, args.fleet.shard).await?;
    let single = targets.len() == 1;
    let bar = progress(if single { 0 } else { targets.len() }, "databases");
    let results = run_all(
        &targets,
        usize::from(args.fleet.jobs),
        args.fleet.fail_fast,
        |target| one(target, &job),
        |_, _| bar.inc(1),
    )
    .await;
    bar.finish_and_clear();
    let paint = Paint(use_color(color, false));
    let out = match args.format {
        Format::Json => json_report(&job, &targets, &results)?,
        Format::Text => text_report(&job, &targets, &results, paint, started),
    };
    write_to(None, |w| w.write_all(out.as_bytes()))?;
    let failed: Vec<String> = (line_names(&targets).iter().zip(&results))
        .filter_map(|(name, r)| failure(r).map(|e| format!("{name}: {e}")))
        .collect();
    match failed.as_slice() {
        [] => Ok(Outcome::Clean),
        [one] if single => Err(anyhow::anyhow!(
            "{}",
            one.split_once(": ").map_or(one.as_str(), |(_, e)| e)
        )),
        many => anyhow::bail!(
            "{} of {} databases were not baselined (listed above)",
            many.len(),
            targets.len()
        ),
    }
}

/// Why a database counts as failed: an error, a refusal, or not started.
fn failure(result: &Option<Result<Baselined, String>>) -> Option<String> {
    match result {
        Some(Ok(b)) => b.refused.clone(),
        Some(Err(e)) => Some(e.clone()),
        None => Some("not started: an earlier database failed (--fail-fast)".into()),
    }
}

async fn one(target: &Target, job: &Job<'_>) -> Result<Baselined, String> {
    let masked = |e: &dyn std::fmt::Display| pgdrift::pg::mask_urls(&e.to_string());
    let conn = pgdrift::pg::connect(&target.info)
        .await
        .map_err(|e| masked(&e))?;
    let planned = record::plan(
        &conn.client,
        job.dir,
        job.files,
        &job.indices,
        Mode::Baseline,
    )
    .await
    .map_err(|e| masked(&e))?;
    let mut done = Baselined {
        target: conn.target.clone(),
        evidence: None,
        supports_baseline: true,
        forced: false,
        recording: planned,
        recorded: 0,
        refused: None,
    };
    if done.recording.is_empty() {
        return Ok(done);
    }
    let migrations: Vec<Migration> = job.files[..=job.last]
        .iter()
        .map(|f| f.migration.clone())
        .collect();
    let evidence = gather(&migrations, &target.info, &job.load)
        .await
        .map_err(|e| masked(&e))?;
    let supported = evidence.supports_baseline();
    let args = job.args;
    if (supported || args.force) && !args.dry_run {
        let wait = seconds(args.lock_wait).as_millis().max(1) as u64;
        done.recording = record::write_locked(&conn, job.dir, job.files, &job.indices, wait)
            .await
            .map_err(|e| masked(&e))?;
        done.recorded = done.recording.rows.len();
    }
    if !supported && !args.force {
        let (refusing, nothing) = match args.dry_run {
            true => ("would refuse the baseline", "nothing would be recorded"),
            false => ("refusing the baseline", "nothing was recorded"),
        };
        done.refused = Some(format!(
            "{refusing}: the database does not hold what the migrations up to {} create ({}); \
             {nothing}. Apply what is missing, baseline at an earlier version, or pass --force \
             to record it anyway",
            job.files[job.last].version,
            evidence
                .unsupported()
                .map(|m| m.version.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    done.supports_baseline = supported;
    done.forced = args.force && !supported;
    done.evidence = Some(evidence);
    Ok(done)
}

/// What was (or would be) written, in one line.
fn verdict(job: &Job<'_>, b: &Baselined, paint: Paint) -> String {
    let target = &job.files[job.last].version;
    let r = &b.recording;
    let place = if r.tool == "pgdrift" {
        String::new()
    } else {
        format!(" in {}'s table {}", r.tool_name, r.table)
    };
    if r.is_empty() {
        return format!(
            "nothing to record: every migration up to {target} is recorded already{place}"
        );
    }
    let what = match job.dir.recorder.shape {
        Shape::Current => format!("every migration up to {target}"),
        Shape::Ledger => format!("{} migration(s) up to {target}", r.rows.len()),
    };
    if b.recorded > 0 {
        let forced = if b.forced {
            " — forced against the evidence"
        } else {
            ""
        };
        paint.green(&format!(
            "recorded {what} as applied (baseline, not run){place}{forced}"
        ))
    } else if job.args.dry_run && b.refused.is_none() {
        format!("would record {what} as applied{place}")
    } else {
        String::new()
    }
}

fn block(job: &Job<'_>, b: &Baselined, paint: Paint) -> String {
    let mut text = String::new();
    if let Some(evidence) = &b.evidence {
        text = format!(
            "evidence: the migrations up to {}, replayed, against {}\n{}",
            job.files[job.last].version,
            b.target,
            pgdrift::report::evidence::render_text(evidence)
        );
        if !text.ends_with('\n') {
            text.push('\n');
        }
    }
    // A refused dry run lists no rows: it would write none (the refusal says why).
    if job.args.dry_run && !b.recording.is_empty() && b.refused.is_none() {
        text.push_str(&record::render_text(&b.recording));
    }
    let line = verdict(job, b, paint);
    if !line.is_empty() {
        text.push_str(&line);
        text.push('\n');
    }
    text
}

fn text_report(
    job: &Job<'_>,
    targets: &[Target],
    results: &[Option<Result<Baselined, String>>],
    paint: Paint,
    started: std::time::Instant,
) -> String {
    if let [Some(Ok(b))] = results {
        return block(job, b, paint);
    }
    if targets.len() == 1 {
        return String::new();
    }
    let mut out = String::new();
    let names = line_names(targets);
    for (name, r) in names.iter().zip(results) {
        if let Some(Ok(b)) = r {
            out.push_str(&format!("── {name} ──\n{}\n", block(job, b, paint)));
        }
    }
    let mut failed = 0;
    for (name, r) in names.iter().zip(results) {
        // A failure keeps its whole reason (PostgreSQL's message, the refusal's advice).
        let line = match (r, failure(r)) {
            (_, Some(e)) => {
                failed += 1;
                db_line(&paint.red("✗"), name, &e)
            }
            (Some(Ok(b)), None) => db_line(&paint.green("✓"), name, &verdict(job, b, Paint(false))),
            _ => continue,
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&format!(
        "{} databases in {:.1} s: {} baselined or up to date, {failed} refused or failed\n",
        targets.len(),
        started.elapsed().as_secs_f64(),
        targets.len() - failed
    ));
    out
}

fn json_report(
    job: &Job<'_>,
    targets: &[Target],
    results: &[Option<Result<Baselined, String>>],
) -> anyhow::Result<String> {
    let databases: Vec<serde_json::Value> = targets
        .iter()
        .zip(results)
        .map(|(t, r)| {
            let mut entry = json!({
                "database": t.database(),
                "target": t.label,
                "ok": failure(r).is_none(),
                "error": failure(r),
            });
            if let Some(Ok(b)) = r {
                entry["evidence"] = json!(b.evidence);
                entry["supports_baseline"] = json!(b.supports_baseline);
                entry["forced"] = json!(b.forced);
                entry["recording"] = json!(b.recording);
                entry["recorded"] = json!(b.recorded);
            }
            entry
        })
        .collect();
    let value = json!({
        "format_version": 1,
        "command": "migrate baseline",
        "tool": job.dir.recorder.id,
        "version": job.files[job.last].version,
        "dry_run": job.args.dry_run,
        "databases": databases,
        "failed": targets.iter().zip(results).filter(|(_, r)| failure(r).is_some()).count(),
    });
    Ok(format!("{}\n", serde_json::to_string_pretty(&value)?))
}

fn load_options(args: &MigrateBaselineArgs) -> anyhow::Result<LoadOptions> {
    let dev_url = match &args.dev_url {
        Some(url) => match SourceSpec::parse(url, &|k| std::env::var(k).ok())? {
            SourceSpec::Database(info) => Some(*info),
            _ => anyhow::bail!("--dev-url must name a PostgreSQL server (postgres://...)"),
        },
        None => None,
    };
    Ok(LoadOptions {
        dev_url,
        notes: Some(crate::output::note),
        ..LoadOptions::default()
    })
}
