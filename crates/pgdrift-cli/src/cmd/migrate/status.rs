//! `pgdrift migrate status`: every migration's state on every target; exit 1 when anything
//! is pending or wrong anywhere.

use super::{read_files, targets, Paint};
use crate::cli::{ColorChoice, Format, MigrateStatusArgs};
use crate::output::{use_color, write_to};
use crate::Outcome;
use pgdrift::fleet::{run_all, Target};
use pgdrift::migrate::{tracking, MigrationFile, State, Status};
use serde_json::json;

pub async fn run(args: MigrateStatusArgs, color: ColorChoice) -> anyhow::Result<Outcome> {
    let (format, files) = read_files(&args.dir)?;
    let targets = targets(&args.targets).await?;
    let results = run_all(
        &targets,
        usize::from(args.fleet.jobs),
        args.fleet.fail_fast,
        |t| one(t, &files),
        |_, _| {},
    )
    .await;
    let paint = Paint(use_color(color, false));
    let out = match args.format {
        Format::Json => {
            let dbs: Vec<_> = targets
                .iter()
                .zip(&results)
                .map(|(t, r)| match r {
                    Some(Ok(s)) => json!({"database": t.database(), "target": t.label, "ok": true,
                        "needs_attention": s.needs_attention(), "migrations": s.entries}),
                    Some(Err(e)) => json!({"database": t.database(), "target": t.label, "ok": false, "error": e}),
                    None => json!({"database": t.database(), "target": t.label, "ok": false, "error": "not started (--fail-fast)"}),
                })
                .collect();
            let value = json!({"format_version": 1, "command": "migrate status",
                "dir": args.dir.dir.display().to_string(), "dir_format": format.info().name,
                "databases": dbs});
            format!("{}\n", serde_json::to_string_pretty(&value)?)
        }
        Format::Text if targets.len() == 1 => match &results[0] {
            Some(Ok(s)) => format!("{}\n{}", targets[0].label, table(s, paint)),
            _ => String::new(),
        },
        Format::Text => targets
            .iter()
            .zip(&results)
            .map(|(t, r)| line(t, r, paint))
            .collect(),
    };
    write_to(None, |w| w.write_all(out.as_bytes()))?;
    let errors: Vec<String> = targets
        .iter()
        .zip(&results)
        .filter_map(|(t, r)| match r {
            Some(Err(e)) => Some(format!("{}: {e}", t.database())),
            _ => None,
        })
        .collect();
    if !errors.is_empty() {
        anyhow::bail!("{}", errors.join("\n"));
    }
    let attention = results
        .iter()
        .any(|r| matches!(r, Some(Ok(s)) if s.needs_attention()));
    Ok(if attention {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

async fn one(target: &Target, files: &[MigrationFile]) -> Result<Status, String> {
    let conn = pgdrift::pg::connect(&target.info)
        .await
        .map_err(|e| e.to_string())?;
    let applied = tracking::read(&conn.client)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Status::compute(files, &applied))
}

fn paint_state(state: State, paint: Paint) -> String {
    let label = state.label();
    match state {
        State::Applied => paint.green(label),
        State::Pending | State::RepeatableChanged => paint.yellow(label),
        _ => paint.red(label),
    }
}

fn table(status: &Status, paint: Paint) -> String {
    let width = status
        .entries
        .iter()
        .map(|e| e.version.chars().count())
        .max()
        .unwrap_or(7)
        .max(7);
    let mut out = String::new();
    for e in &status.entries {
        let pad = " ".repeat(width - e.version.chars().count());
        let state = paint_state(e.state, paint);
        let state_pad = " ".repeat(24usize.saturating_sub(e.state.label().len()));
        let when = match &e.applied {
            Some(a) if a.baseline => format!("{}  baseline by {}", a.applied_at, a.applied_by),
            Some(a) => format!("{}  by {}", a.applied_at, a.applied_by),
            None => String::new(),
        };
        let line = if when.is_empty() {
            format!("  {}{pad}  {state}", e.version)
        } else {
            format!(
                "  {}{pad}  {state}{state_pad}{}",
                e.version,
                paint.dim(&when)
            )
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&format!("{}\n", counts(status)));
    out
}

fn counts(status: &Status) -> String {
    let mut parts = vec![format!("{} migrations", status.entries.len())];
    for state in [
        State::Applied,
        State::Pending,
        State::RepeatableChanged,
        State::OutOfOrder,
        State::Modified,
        State::MissingFile,
    ] {
        let n = status.count(state);
        if n > 0 {
            parts.push(format!("{n} {}", state.label()));
        }
    }
    parts.join(", ")
}

fn line(target: &Target, result: &Option<Result<Status, String>>, paint: Paint) -> String {
    match result {
        Some(Ok(s)) if !s.needs_attention() => {
            format!(
                "{} {}: {}\n",
                paint.green("✓"),
                target.database(),
                counts(s)
            )
        }
        Some(Ok(s)) => format!(
            "{} {}: {}\n",
            paint.yellow("!"),
            target.database(),
            counts(s)
        ),
        Some(Err(e)) => format!("{} {}: {e}\n", paint.red("✗"), target.database()),
        None => format!("- {}: not started (--fail-fast)\n", target.database()),
    }
}
