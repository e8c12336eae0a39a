//! `pgdrift investigate DATABASE OBJECT... [--code DIR] [--replica URL]...`: the evidence
//! for removing tables (with the statistics of each replica and the statements of
//! pg_stat_statements), and a verdict on each. With `--config` the fleet form runs instead.

use super::migrate::database;
use crate::cli::{InspectFormat, InvestigateArgs};
use crate::output::write_to;
use crate::Outcome;
use pgdrift::evidence::code::names::Names;
use pgdrift::evidence::code::scan::Named;
use pgdrift::evidence::code::walk::walk;
use pgdrift::evidence::code::Location;
use pgdrift::evidence::object::{
    add_replicas, add_statements, investigate, InvestigateOptions, Investigation, VerdictState,
};
use pgdrift::model::QualName;
use pgdrift::report::investigate::{render_markdown, render_text};
use std::sync::atomic::AtomicU64;

pub async fn run(args: InvestigateArgs) -> anyhow::Result<Outcome> {
    if args.config.is_some() {
        return super::investigate_fleet::run(args).await;
    }
    let Some(arg) = args.database.as_deref() else {
        anyhow::bail!("give the DATABASE to investigate, or --config FILE for a fleet");
    };
    let info = database(arg)?;
    let replicas = (args.replicas.iter())
        .map(|r| database(r))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let conn = pgdrift::pg::connect::connect(&info).await?;
    let opts = InvestigateOptions {
        count_timeout: args.count_timeout.0,
        estimate_sizes: false,
        relations_only: false,
    };
    let mut inv = investigate(&conn, &args.objects, &opts).await?;
    if inv.objects.is_empty() {
        let closest: Vec<String> = (inv.not_found.iter())
            .flat_map(|n| n.closest.iter().cloned())
            .collect();
        anyhow::bail!(
            "no table, view or sequence matches {} in {}{}",
            args.objects.join(", "),
            inv.database,
            match closest.is_empty() {
                true => String::new(),
                false => format!("; did you mean {}?", closest.join(", ")),
            }
        );
    }
    add_statements(&conn, &mut inv).await;
    add_replicas(&mut inv, &replicas).await;
    if !args.code.is_empty() {
        add_code(&mut inv, args.code.clone()).await?;
    }
    if !args.desired.is_empty() || args.migrations.is_some() {
        let desired = super::claims::load_desired(&args.desired, &args.load).await?;
        let names = qualified(&inv);
        let found = super::claims::gather(
            &names,
            &info,
            &desired,
            args.migrations.as_deref(),
            &args.load,
        )
        .await?;
        for (o, c) in inv.objects.iter_mut().zip(found) {
            o.with_claims(c);
        }
    }
    let text = match args.format {
        InspectFormat::Json => serde_json::to_string_pretty(&inv)? + "\n",
        InspectFormat::Markdown => render_markdown(&inv),
        InspectFormat::Text => render_text(&inv),
    };
    write_to(args.output.as_deref(), |out| out.write_all(text.as_bytes()))?;
    let in_use = inv
        .objects
        .iter()
        .any(|o| o.verdict.state == VerdictState::InUse);
    Ok(if in_use || !inv.not_found.is_empty() {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// The investigated objects' names, in order.
pub(super) fn qualified(inv: &Investigation) -> Vec<QualName> {
    (inv.objects.iter())
        .map(|o| {
            // A function is named by its signature: `app.f(integer)` is `app.f`.
            let name = o
                .object
                .split_once('(')
                .map_or(o.object.as_str(), |(n, _)| n);
            match name.split_once('.') {
                Some((s, n)) => QualName::new(s, n),
                None => QualName::new("", name),
            }
        })
        .collect()
}

/// Searches the code for the investigated objects and judges each again with what it found.
pub(super) async fn add_code(
    inv: &mut Investigation,
    roots: Vec<std::path::PathBuf>,
) -> anyhow::Result<()> {
    if let Some(bad) = roots.iter().find(|r| !r.is_dir()) {
        anyhow::bail!(
            "code directory {} does not exist or is not a directory",
            bad.display()
        );
    }
    let tables = qualified(inv);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let walked = tokio::task::spawn_blocking(move || {
        let names = Names::new(tables);
        walk(&roots, &names, threads, &AtomicU64::new(0))
    })
    .await?;
    let mut found: Vec<Vec<Location>> = vec![Vec::new(); inv.objects.len()];
    for f in &walked.files {
        for h in &f.hits {
            if let Named::Table(i) = h.named {
                found[i as usize].push(Location {
                    file: f.path.clone(),
                    line: h.line,
                    kind: h.kind,
                    via: h.via,
                });
            }
        }
    }
    for (o, refs) in inv.objects.iter_mut().zip(found) {
        o.with_code(refs);
    }
    Ok(())
}
