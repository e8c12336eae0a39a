//! `pgdrift inspect SOURCE`: a summary of a schema (text or Markdown), or its whole catalog
//! as JSON, from any source: a live database, SQL replayed into a shadow database, or a snapshot.

use crate::cli::{ColorChoice, InspectArgs, InspectFormat};
use crate::output::{use_color, write_to};
use crate::Outcome;
use pgdrift::report::inspect::{render_markdown, render_text, SummaryContext};
use pgdrift::source::{Loaded, Loader};
use std::time::{Duration, Instant};

pub async fn run(args: InspectArgs, color: ColorChoice) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let spec = args.load.spec(&args.source)?;
    let options = args.load.options(args.format != InspectFormat::Json)?;
    let loaded = Loader::new(options).load(&spec).await?;
    let inspected = &loaded.inspected;
    match args.format {
        InspectFormat::Json => write_to(args.output.as_deref(), |out| {
            pgdrift::report::json::write_snapshot(&inspected.snapshot, out)
        })?,
        InspectFormat::Text | InspectFormat::Markdown => {
            let ctx = SummaryContext {
                source: spec.to_string(),
                origin: origin(&loaded),
                size_bytes: inspected.size_bytes,
                elapsed: started.elapsed(),
                color: use_color(color, args.output.is_some()),
            };
            let text = match args.format {
                InspectFormat::Markdown => render_markdown(&inspected.snapshot, &ctx),
                _ => render_text(&inspected.snapshot, &ctx),
            };
            write_to(args.output.as_deref(), |out| out.write_all(text.as_bytes()))?;
        }
    }
    if args.verbose {
        report_timings(&loaded, started.elapsed());
    }
    // The process ends next: freeing a big catalog object by object only costs time.
    std::mem::forget(loaded);
    Ok(Outcome::Clean)
}

/// How the catalog was obtained, for the summary.
fn origin(loaded: &Loaded) -> Option<String> {
    let mut parts = Vec::new();
    if let Some((format, count)) = loaded.migrations {
        parts.push(format!("{count} migrations, {} format", format.info().name));
    }
    if loaded.from_cache {
        parts.push("from the replay cache".to_string());
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// `--verbose`: where the time went, on standard error.
#[allow(clippy::print_stderr)]
fn report_timings(loaded: &Loaded, total: Duration) {
    let inspected = &loaded.inspected;
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
