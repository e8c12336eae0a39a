//! `pgdrift apply PLAN --url URL`: applies a plan written by `pgdrift diff -o` only while the
//! database is still what the plan was made for, records it in the change log, and checks
//! that the result is what the plan leads to. Exit 0 when it is, 1 when the database differs
//! from it afterwards (the list says how), 2 when nothing was applied or a step failed.

use crate::cli::{ApplyArgs, Format};
use crate::output::{note, write_to};
use crate::Outcome;
use anyhow::Context;
use pgdrift::cleanup::Who;
use pgdrift::pg::script::{Event, RunOptions};
use pgdrift::pipeline::bound::{apply_bound, BoundInput, BoundOutcome};

pub async fn run(args: ApplyArgs) -> anyhow::Result<Outcome> {
    let script = pgdrift::source::file::read_to_string(&args.plan)
        .with_context(|| format!("reading the plan {}", args.plan.display()))?;
    let database = super::migrate::database(&args.url)?;
    let name = args.plan.file_name().map_or_else(
        || args.plan.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let input = BoundInput {
        script: &script,
        name: &name,
        database: &database,
        allow_edited: args.allow_edited,
        dry_run: args.dry_run,
        run: RunOptions {
            lock_retries: args.lock_retries,
            lock_timeout: args.lock_timeout.map(|s| s.0),
            statement_timeout: args.statement_timeout.map(|s| s.0),
            ..RunOptions::default()
        },
        lock_wait_ms: u64::try_from(args.lock_wait.0.as_millis()).unwrap_or(u64::MAX),
        os_user: Who::from_env().os_user,
    };
    let text = args.format == Format::Text;
    let mut progress = |event: Event<'_>| {
        if text {
            progress_line(event);
        }
    };
    let outcome = apply_bound(&input, &mut progress)
        .await
        .with_context(|| format!("applying {} to {database}", args.plan.display()))?;
    let out = match args.format {
        Format::Json => {
            let value = serde_json::json!({"format_version": 1, "command": "apply",
                "plan": name, "dry_run": args.dry_run, "outcome": outcome});
            format!("{}\n", serde_json::to_string_pretty(&value)?)
        }
        _ => render(&name, args.dry_run, &outcome),
    };
    write_to(None, |w| w.write_all(out.as_bytes()))?;
    Ok(if outcome.differs_from_to.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

fn progress_line(event: Event<'_>) {
    match event {
        Event::Running { .. } => {}
        Event::Done {
            number,
            total,
            statement,
            elapsed,
        } => note(&format!(
            "[{number}/{total}] line {}: {} ({:.3} s)",
            statement.line,
            statement.label,
            elapsed.as_secs_f64()
        )),
        Event::Retrying {
            statement,
            attempt,
            pause,
        } => note(&format!(
            "lock timeout at line {} ({}): rolled back; try {} in {:.1} s",
            statement.line,
            statement.label,
            attempt + 1,
            pause.as_secs_f64()
        )),
    }
}

fn short(fingerprint: &str) -> &str {
    fingerprint.get(..19).unwrap_or(fingerprint)
}

fn render(name: &str, dry_run: bool, o: &BoundOutcome) -> String {
    if o.already_applied {
        return format!(
            "plan {name}: the database already is what the plan leads to ({}): nothing ran\n",
            short(&o.to_fingerprint)
        );
    }
    let mut out = format!(
        "plan {name}: from {} to {}{}\nthe database matches the state the plan was made for\n",
        short(&o.from_fingerprint),
        short(&o.to_fingerprint),
        if o.edited {
            " (edited after it was written; allowed by --allow-edited)"
        } else {
            ""
        }
    );
    if dry_run {
        out.push_str(&format!(
            "dry run: {} statement(s) would run, nothing changed\n",
            o.would_run.len()
        ));
        for line in &o.would_run {
            out.push_str(&format!("  {line}\n"));
        }
        return out;
    }
    if let Some(run) = &o.run {
        let ms: u64 = run.ran.iter().map(|r| r.ms).sum();
        out.push_str(&format!(
            "applied {} statement(s) in {:.2} s, {} retried after a lock timeout",
            run.ran.len(),
            ms as f64 / 1000.0,
            run.retries
        ));
    }
    if let Some(id) = o.logged_as {
        out.push_str(&format!("; recorded in pgdrift.changes (row {id})"));
    }
    out.push('\n');
    if o.differs_from_to.is_empty() {
        out.push_str("the database now is exactly what the plan leads to\n");
    } else {
        out.push_str(&format!(
            "the database differs from what the plan leads to ({} object(s)):\n",
            o.differs_from_to.len()
        ));
        for c in &o.differs_from_to {
            out.push_str(&format!("  {c}\n"));
        }
        out.push_str(
            "(steps left commented out — destructive ones without --allow-destructive — and \
             manual steps leave differences; anything else was changed by someone else meanwhile)\n",
        );
    }
    out
}
