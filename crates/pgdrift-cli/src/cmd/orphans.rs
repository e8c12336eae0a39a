//! `pgdrift orphans DATABASE [--desired [LABEL=]SOURCE]... [--code DIR]...`: the relations no
//! desired schema declares, with their evidence and verdicts, worst first.

use super::investigate::{add_code, qualified};
use super::migrate::database;
use crate::cli::{InspectFormat, OrphansArgs};
use crate::output::write_to;
use crate::Outcome;
use pgdrift::evidence::claims::{claims, Desired};
use pgdrift::evidence::object::{investigate_exact, InvestigateOptions};
use pgdrift::evidence::orphans::{candidates, rank, Orphans, FORMAT_VERSION};
use pgdrift::evidence::orphans_fleet::from_audit;
use pgdrift::fleet::audit::{audit, AuditOptions};
use pgdrift::report::orphans::{
    render_fleet_markdown, render_fleet_text, render_markdown, render_text,
};
use pgdrift::source::{Loader, SourceSpec};

pub async fn run(args: OrphansArgs) -> anyhow::Result<Outcome> {
    let Some(arg) = args.database.as_deref() else {
        return fleet(&args).await;
    };
    let info = database(arg)?;
    let desired = super::claims::load_desired(&args.desired, &args.load).await?;
    let mut loader = Loader::new(args.load.options(false)?);
    let live = loader
        .load(&SourceSpec::Database(Box::new(info.clone())))
        .await?
        .inspected
        .snapshot
        .catalog;
    let views: Vec<Desired<'_>> = (desired.iter())
        .map(|(label, catalog)| Desired { label, catalog })
        .collect();
    let (names, declared, tool_owned) = candidates(&live, &views);
    let conn = pgdrift::pg::connect::connect(&info).await?;
    let opts = InvestigateOptions {
        count_timeout: args.count_timeout.0,
        estimate_sizes: true,
        relations_only: true,
    };
    let mut inv = investigate_exact(&conn, &names, &opts).await?;
    if !args.code.is_empty() {
        add_code(&mut inv, args.code.clone()).await?;
    }
    if !views.is_empty() {
        let found = claims(&qualified(&inv), None, &views);
        for (o, c) in inv.objects.iter_mut().zip(found) {
            o.with_claims(c);
        }
    }
    rank(&mut inv.objects);
    let report = Orphans {
        format_version: FORMAT_VERSION,
        database: inv.database,
        server_version: inv.server_version,
        desired: desired.into_iter().map(|(label, _)| label).collect(),
        declared,
        tool_owned,
        objects: inv.objects,
    };
    write_to(args.output.as_deref(), |out| match args.format {
        InspectFormat::Json => pgdrift::report::json::write(&report, out),
        InspectFormat::Markdown => out.write_all(render_markdown(&report).as_bytes()),
        InspectFormat::Text => out.write_all(render_text(&report).as_bytes()),
    })?;
    Ok(match report.objects.is_empty() {
        true => Outcome::Clean,
        false => Outcome::Findings,
    })
}

/// `--config`: the fleet audited, its PA021 and PA023 findings with their evidence.
async fn fleet(args: &OrphansArgs) -> anyhow::Result<Outcome> {
    if !args.code.is_empty() {
        anyhow::bail!("--code goes with one database; with --config, run `pgdrift investigate --config FILE --code DIR OBJECT...` for the objects listed");
    }
    let config = super::audit::load_config(args.config.as_deref())?;
    let options = AuditOptions {
        jobs: (args.load.jobs.map(usize::from))
            .or(config.settings.jobs)
            .unwrap_or(8),
        statement_timeout: config
            .settings
            .statement_timeout
            .unwrap_or(std::time::Duration::from_secs(60)),
        load: args.load.options(false)?,
        lint: None,
        shard: None,
    };
    let env = |name: &str| std::env::var(name).ok();
    let report = audit(&config, &options, &env, &mut |_| {}).await;
    let orphans = from_audit(&report);
    write_to(args.output.as_deref(), |out| match args.format {
        InspectFormat::Json => pgdrift::report::json::write(&orphans, out),
        InspectFormat::Markdown => out.write_all(render_fleet_markdown(&orphans).as_bytes()),
        InspectFormat::Text => out.write_all(render_fleet_text(&orphans).as_bytes()),
    })?;
    Ok(match orphans.databases.is_empty() {
        true => Outcome::Clean,
        false => Outcome::Findings,
    })
}
