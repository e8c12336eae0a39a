//! `pgdrift migrate history`: which tools left tracking tables in a database, what each
//! applied and when, and — with a directory — what was never applied, which rows have no
//! file and which checksums differ. Exit 1 on findings.

use super::database;
use crate::cli::{ColorChoice, Format, MigrateHistoryArgs};
use crate::output::{use_color, write_to};
use crate::Outcome;
use pgdrift::migrate::history::{compare_dir_with, read_history};

pub async fn run(args: MigrateHistoryArgs, color: ColorChoice) -> anyhow::Result<Outcome> {
    let conn = pgdrift::pg::connect(&database(&args.url)?).await?;
    let history = read_history(&conn).await?;
    let mut comparisons = Vec::new();
    if let Some(dir) = &args.dir {
        if !dir.is_dir() {
            anyhow::bail!("{}: not a directory", dir.display());
        }
        let ignore = pgdrift::source::dir::Ignore::new(&args.ignore)?;
        match history.tool_for_dir_with(dir, &ignore) {
            Some(tool) => {
                comparisons.push((tool.tool.to_string(), compare_dir_with(tool, dir, &ignore)?))
            }
            None => anyhow::bail!(
                "{}: no tracking table in {} to compare it with (no migration tool has recorded \
                 anything there)",
                dir.display(),
                conn.target
            ),
        }
    }
    let out = match args.format {
        Format::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&pgdrift::report::history::render_json(
                &history,
                &comparisons
            ))?
        ),
        Format::Text => {
            pgdrift::report::history::render_text(&history, &comparisons, use_color(color, false))
        }
    };
    write_to(None, |w| w.write_all(out.as_bytes()))?;
    Ok(if history.has_findings(&comparisons) {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
