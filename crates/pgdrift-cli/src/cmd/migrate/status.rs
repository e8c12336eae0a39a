//! `pgdrift migrate status`: every migration's state on every target, and the INVALID indexes
//! an unfinished `CREATE INDEX CONCURRENTLY` left; exit 1 when anything is pending or wrong
//! anywhere.

use super::{db_line, read_files, share, Paint};
use crate::cli::{ColorChoice, Format, MigrateStatusArgs};
use crate::output::{use_color, write_to};
use crate::Outcome;
use pgdrift::fleet::{line_names, run_all, Target};
use pgdrift::migrate::other_tools::{other_manager, OtherManager};
use pgdrift::migrate::runner::invalid::{self, InvalidIndex};
use pgdrift::migrate::{tracking, MigrationFile, State, Status};
use pgdrift::source::dir::Ignore;
use serde_json::json;
use std::path::Path;

pub async fn run(args: MigrateStatusArgs, color: ColorChoice) -> anyhow::Result<Outcome> {
    let (format, files) = read_files(&args.dir)?;
    let ignore = Ignore::new(&args.dir.ignore)?;
    let targets = share(&args.targets, args.fleet.shard).await?;
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
                        "other_manager": c.other, "invalid_indexes": c.invalid}),
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
                "{}\n{}{}{}",
                targets[0].label,
                table(&c.status, paint),
                invalid_lines(&c.invalid, paint),
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

/// One database's status, the tool that manages it when that is not pgdrift, and the
/// INVALID indexes an unfinished `CREATE INDEX CONCURRENTLY` left in it.
struct Checked {
    status: Status,
    other: Option<OtherManager>,
    invalid: Vec<InvalidIndex>,
}

impl Checked {
    fn needs_attention(&self) -> bool {
        self.status.needs_attention() || self.other.is_some() || !self.invalid.is_empty()
    }
}

/// A line per INVALID index, with the statement that drops it.
fn invalid_lines(invalid: &[InvalidIndex], paint: Paint) -> String {
    invalid
        .iter()
        .map(|i| {
            let text = format!(
                "! INVALID index {}: a CREATE INDEX CONCURRENTLY left it unfinished; `pgdrift \
                 migrate apply` builds it again when a pending file run outside a transaction \
                 creates it, or drop it with: {};",
                i.describe(),
                i.drop_statement()
            );
            format!("{}\n", paint.red(&text))
        })
        .collect()
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
    let invalid = invalid::in_database(&conn.client)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Checked {
        status: Status::compute(files, &applied),
        other,
        invalid,
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
            let mut other = (c.other.as_ref())
                .map(|o| format!("; managed by {} ({})", o.tool_name, o.summary))
                .unwrap_or_default();
            if !c.invalid.is_empty() {
                let names: Vec<String> = c.invalid.iter().map(|i| i.qualified()).collect();
                other.push_str(&format!("; INVALID index {}", names.join(", ")));
            }
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
