//! `pgdrift usage --code DIR [SOURCE]`: where application code references the tables of a
//! schema (or, without one, which tables the code declares and queries).

use crate::cli::{InspectFormat, UsageArgs};
use crate::output::write_to;
use crate::Outcome;
use pgdrift::evidence::code::names::Names;
use pgdrift::evidence::code::{inventory, Search};
use pgdrift::model::{Catalog, QualName};
use pgdrift::report::usage::{render_markdown, render_text};
use pgdrift::source::Loader;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub async fn run(args: UsageArgs) -> anyhow::Result<Outcome> {
    let (names, schema) = match &args.source {
        Some(source) => {
            let spec = args.load.spec(source)?;
            let loaded = Loader::new(args.load.options(false)?).load(&spec).await?;
            let catalog = &loaded.inspected.snapshot.catalog;
            let (tables, columns) = relations(catalog);
            (Names::with_columns(tables, columns), Some(spec.to_string()))
        }
        None => (Names::new(Vec::new()), None),
    };
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(2, |n| n.get()),
        usize::from,
    );
    let progress = Arc::new(AtomicU64::new(0));
    let bar = spinner(Arc::clone(&progress));
    let roots = args.code.clone();
    let found = tokio::task::spawn_blocking(move || {
        let search = Search {
            roots: &roots,
            names: &names,
            schema,
            threads,
            progress: &progress,
        };
        inventory(&search)
    })
    .await?;
    bar.finish_and_clear();
    let inv = found?;
    match args.format {
        InspectFormat::Json => write_to(args.output.as_deref(), |out| {
            pgdrift::report::json::write(&inv, out)
        })?,
        InspectFormat::Markdown => write_to(args.output.as_deref(), |out| {
            out.write_all(render_markdown(&inv).as_bytes())
        })?,
        InspectFormat::Text => write_to(args.output.as_deref(), |out| {
            out.write_all(render_text(&inv).as_bytes())
        })?,
    }
    Ok(match inv.has_findings() {
        true => Outcome::Findings,
        false => Outcome::Clean,
    })
}

/// Tables, views and materialized views (what code reads and writes by name), and the
/// names of each one's columns.
fn relations(catalog: &Catalog) -> (Vec<QualName>, Vec<Vec<String>>) {
    let names = |columns: &[pgdrift::model::Column]| -> Vec<String> {
        columns.iter().map(|c| c.name.clone()).collect()
    };
    let tables = (catalog.tables.iter()).map(|(q, t)| (q.clone(), names(&t.columns)));
    let views = (catalog.views.iter()).map(|(q, v)| (q.clone(), names(&v.columns)));
    tables.chain(views).unzip()
}

/// A spinner on standard error (hidden when it is not a terminal) counting files.
fn spinner(count: Arc<AtomicU64>) -> indicatif::ProgressBar {
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    let shown = bar.clone();
    std::thread::spawn(move || {
        while !shown.is_finished() {
            let n = count.load(Ordering::Relaxed);
            shown.set_message(format!("searching code: {n} files"));
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    bar
}
