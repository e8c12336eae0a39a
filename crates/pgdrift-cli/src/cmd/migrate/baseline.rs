//! `pgdrift migrate baseline`: replays the files up to VERSION in a throwaway database,
//! shows per migration whether the live database holds what it creates, and records them
//! as applied only when it does (or with --force).

use super::{database, read_files, seconds, Paint};
use crate::cli::{ColorChoice, Format, MigrateBaselineArgs};
use crate::output::{use_color, write_to};
use crate::Outcome;
use pgdrift::migrate::evidence::gather;
use pgdrift::migrate::runner::maintenance::{baseline_files, write_baseline};
use pgdrift::migrate::{tracking, Migration};
use pgdrift::source::{LoadOptions, SourceSpec};
use serde_json::json;

pub async fn run(args: MigrateBaselineArgs, color: ColorChoice) -> anyhow::Result<Outcome> {
    let (_, files) = read_files(&args.dir)?;
    let live = database(&args.url)?;
    let conn = pgdrift::pg::connect(&live).await?;
    let applied = tracking::read(&conn.client).await?;
    let (last, marked) = baseline_files(&files, &applied, &args.version)?;
    let paint = Paint(use_color(color, false));
    let target = &files[last].version;
    if marked.is_empty() {
        let text =
            format!("nothing to record: every migration up to {target} is recorded already\n");
        write_to(None, |w| w.write_all(text.as_bytes()))?;
        return Ok(Outcome::Clean);
    }
    let migrations: Vec<Migration> = files[..=last].iter().map(|f| f.migration.clone()).collect();
    let evidence = gather(&migrations, &live, &load_options(&args)?).await?;
    let supported = evidence.supports_baseline();
    let will_write = (supported || args.force) && !args.dry_run;
    let written = if will_write {
        write_baseline(&conn, &marked, seconds(args.lock_wait)).await?
    } else {
        0
    };
    let out = match args.format {
        Format::Json => {
            let value = json!({
                "format_version": 1,
                "command": "migrate baseline",
                "version": target,
                "evidence": evidence,
                "supports_baseline": supported,
                "forced": args.force && !supported,
                "would_record": marked.iter().map(|f| f.version.as_str()).collect::<Vec<_>>(),
                "recorded": written,
            });
            format!("{}\n", serde_json::to_string_pretty(&value)?)
        }
        Format::Text => {
            let mut text = format!(
                "evidence: the migrations up to {target}, replayed, against {}\n{}",
                conn.target,
                pgdrift::report::evidence::render_text(&evidence)
            );
            if !text.ends_with('\n') {
                text.push('\n');
            }
            let verdict = if written > 0 {
                paint.green(&format!(
                    "recorded {written} migration(s) up to {target} as applied (baseline, not run){}",
                    if supported { "" } else { " — forced against the evidence" }
                ))
            } else if args.dry_run {
                format!(
                    "would record {} migration(s) up to {target} as applied",
                    marked.len()
                )
            } else {
                String::new()
            };
            if !verdict.is_empty() {
                text.push_str(&verdict);
                text.push('\n');
            }
            text
        }
    };
    write_to(None, |w| w.write_all(out.as_bytes()))?;
    if !supported && !args.force {
        anyhow::bail!(
            "refusing the baseline: the database does not hold what the migrations up to {target} \
             create ({}); nothing was recorded. Apply what is missing, baseline at an earlier \
             version, or pass --force to record it anyway",
            evidence
                .unsupported()
                .map(|m| m.version.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(Outcome::Clean)
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
        ..LoadOptions::default()
    })
}
