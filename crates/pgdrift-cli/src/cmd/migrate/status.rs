//! `pgdrift migrate status`: every migration's state on every target; exit 1 when anything
//! is pending or wrong anywhere.

use super::{db_line, read_files, targets, Paint};
use crate::cli::{ColorChoice, Format, MigrateStatusArgs};
use crate::output::{use_color, write_to};
use crate::Outcome;
use pgdrift::fleet::{line_names, run_all, Target};
use pgdrift::migrate::dir::Ignore;
use pgdrift::migrate::other_tools::{other_manager, OtherManager};
use pgdrift::migrate::{tracking, MigrationFile, State, Status};
use serde_json::json;
use std::path::Path;

pub async fn run(args: MigrateStatusArgs, color: ColorChoice) -> anyhow::Result<Outcome> {
    let (format, files) = read_files(&args.dir)?;
    let ignore = Ignore::new(&args.dir.ignore)?;
    let targets = targets(&args.targets).await?;
    let results = run_all(
        &targets,
        usize::from(args.fleet.jobs),
        args.fleet.fail_fast,
        |t| one(t, &files, &args.dir.dir, &ignore),
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
                    Some(Ok(c)) => json!({"database": t.database(), "target": t.label, "ok": true,
                        "needs_attention": c.needs_attention(), "migrations": c.status.entries,
                        "other_manager": c.other}),
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
            Some(Ok(c)) => format!(
                "{}\n{}{}",
                targets[0].label,
                table(&c.status, paint),
                c.other
                    .as_ref()
                    .map(|o| format!(
                        "{}\n",
                        paint.red(&format!(
                            "! {}",
                            o.refusal(&targets[0].arg, &args.dir.dir, &ignore)
                        ))
                    ))
                    .unwrap_or_default()
            ),
            _ => String::new(),
        },
        Format::Text => (line_names(&targets).iter().zip(&results))
            .map(|(name, r)| line(name, r, paint))
            .collect(),
    };
    write_to(None, |w| w.write_all(out.as_bytes()))?;
    let errors: Vec<String> = (line_names(&targets).iter().zip(&results))
        .filter_map(|(name, r)| match r {
            Some(Err(e)) => Some(format!("{name}: {e}")),
            _ => None,
        })
        .collect();
    if !errors.is_empty() {
        anyhow::bail!("{}", errors.join("\n"));
    }
    let attention = results
        .iter()
        .any(|r| matches!(r, Some(Ok(c)) if c.needs_attention()));
    Ok(if attention {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// One database's status, and the tool that manages it when that is not pgdrift.
struct Checked {
    status: Status,
    other: Option<OtherManager>,
}

impl Checked {
    fn needs_attention(&self) -> bool {
        self.status.needs_attention() || self.other.is_some()
    }
}

async fn one(
    target: &Target,
    files: &[MigrationFile],
    dir: &Path,
    ignore: &Ignore,
) -> Result<Checked, String> {
    let conn = pgdrift::pg::connect(&target.info)
        .await
        .map_err(|e| e.to_string())?;
    let applied = tracking::read(&conn.client)
        .await
        .map_err(|e| e.to_string())?;
    let other = other_manager(&conn, dir, ignore)
        .await
        .map_err(|e| pgdrift::pg::mask_urls(&e.to_string()))?;
    Ok(Checked {
        status: Status::compute(files, &applied),
        other,
    })
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

/// One database's line; a failure keeps PostgreSQL's reason.
fn line(name: &str, result: &Option<Result<Checked, String>>, paint: Paint) -> String {
    let line = match result {
        Some(Ok(c)) if !c.needs_attention() => db_line(&paint.green("✓"), name, &counts(&c.status)),
        Some(Ok(c)) => {
            let other = (c.other.as_ref())
                .map(|o| format!("; managed by {} ({})", o.tool_name, o.summary))
                .unwrap_or_default();
            db_line(
                &paint.yellow("!"),
                name,
                &format!("{}{other}", counts(&c.status)),
            )
        }
        Some(Err(e)) => db_line(&paint.red("✗"), name, e),
        None => db_line("-", name, "not started (--fail-fast)"),
    };
    format!("{line}\n")
}
