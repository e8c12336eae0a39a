//! `pgdrift inspect SOURCE`: a summary of a schema, or its whole catalog as JSON, from a live
//! database or from SQL files replayed into a shadow database.

use crate::cli::{ColorChoice, Format, InspectArgs};
use crate::output::{use_color, write_to};
use crate::Outcome;
use pgdrift::report::inspect::{render_text, SummaryContext};
use pgdrift::source::{InspectOptions, Loader, SourceSpec};
use std::time::{Duration, Instant};

pub async fn run(args: InspectArgs, color: ColorChoice) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let env = |k: &str| std::env::var(k).ok();
    let spec = SourceSpec::parse(&args.source, &env)?;
    let opts = InspectOptions {
        schemas: args.schemas,
        exclude_schemas: args.exclude_schemas,
        jobs: args
            .jobs
            .map_or_else(pgdrift::source::catalog::default_jobs, usize::from),
        statement_timeout: Duration::from_secs(args.statement_timeout),
        database_size: args.format == Format::Text,
        ..InspectOptions::default()
    };
    let dev_url = match &args.dev_url {
        Some(url) => match SourceSpec::parse(url, &env)? {
            SourceSpec::Database(info) => Some(*info),
            _ => {
                anyhow::bail!("--dev-url must name a PostgreSQL server (postgres://...), not {url}")
            }
        },
        None => None,
    };
    let inspected = Loader::new(opts, dev_url).load(&spec).await?;
    match args.format {
        Format::Json => write_to(args.output.as_deref(), |out| {
            pgdrift::report::json::write(&inspected.snapshot, out)
        })?,
        Format::Text => {
            let ctx = SummaryContext {
                source: spec.to_string(),
                size_bytes: inspected.size_bytes,
                elapsed: started.elapsed(),
                color: use_color(color, args.output.is_some()),
            };
            let text = render_text(&inspected.snapshot, &ctx);
            write_to(args.output.as_deref(), |out| out.write_all(text.as_bytes()))?;
        }
    }
    if args.verbose {
        report_timings(&inspected, started.elapsed());
    }
    Ok(Outcome::Clean)
}

/// `--verbose`: where the time went, on standard error.
#[allow(clippy::print_stderr)]
fn report_timings(inspected: &pgdrift::source::Inspected, total: Duration) {
    eprintln!("read with {} connection(s):", inspected.connections);
    for t in &inspected.timings {
        eprintln!(
            "  {:>8.1} ms  conn {}  {:<22} {:>7} rows",
            t.elapsed.as_secs_f64() * 1000.0,
            t.connection,
            t.query,
            t.rows
        );
    }
    eprintln!("  {:>8.1} ms  total", total.as_secs_f64() * 1000.0);
}
