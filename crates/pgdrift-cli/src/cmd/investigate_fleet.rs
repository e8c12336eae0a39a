//! `pgdrift investigate --config pgdrift.toml [--database GLOB]... [--role NAME] OBJECT...`:
//! the evidence for removing relations in every database of a fleet, aggregated per
//! relation. Exit 1 when one is in use anywhere, a pattern matches nothing, or a database
//! could not be read; 2 when no database could be read at all.

use crate::cli::{InspectFormat, InvestigateArgs};
use crate::output::{masked, write_to};
use crate::Outcome;
use pgdrift::evidence::claims::{claims, Desired};
use pgdrift::evidence::code::names::Names;
use pgdrift::evidence::code::scan::Named;
use pgdrift::evidence::code::walk::walk;
use pgdrift::evidence::code::Location;
use pgdrift::evidence::object::fleet::{aggregate, FleetInvestigation};
use pgdrift::evidence::object::fleet_run::{investigate_fleet, FleetOptions, FleetRun};
use pgdrift::evidence::object::{InvestigateOptions, VerdictState};
use pgdrift::fleet::audit::Progress;
use pgdrift::fleet::config::{self, FleetConfig};
use pgdrift::migrate::owned::ToolOwned;
use pgdrift::model::QualName;
use pgdrift::report::investigate_fleet::{render_fleet_markdown, render_fleet_text};
use pgdrift::source::{Loader, SourceSpec};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

pub async fn run(args: InvestigateArgs) -> anyhow::Result<Outcome> {
    let path = args.config.clone().unwrap_or_default();
    let config = config::load(&path, &env)?;
    let patterns = patterns(&args)?;
    check_role(&config, &path, args.role.as_deref())?;
    if let Some(bad) = args.code.iter().find(|r| !r.is_dir()) {
        anyhow::bail!(
            "code directory {} does not exist or is not a directory",
            bad.display()
        );
    }
    let opts = options(&args, &config);
    let bar = super::migrate::progress(0, "databases");
    let mut run = investigate_fleet(&config, &patterns, &opts, &env, &mut |p| match p {
        Progress::Databases(n) => bar.set_length(n as u64),
        Progress::Done(db) => {
            bar.set_message(db);
            bar.inc(1);
        }
    })
    .await;
    bar.finish_and_clear();
    if run.runs.is_empty() && run.unreachable_servers.is_empty() {
        anyhow::bail!(
            "no database of {} matches{}: check the servers' databases and the --database and --role filters",
            path.display(),
            describe_filters(&opts)
        );
    }
    if !args.code.is_empty() {
        add_code(&mut run, args.code.clone()).await?;
    }
    let mut fleet = aggregate(&run);
    role_claims(&config, &mut fleet, &args).await?;
    if run.runs.iter().all(|r| r.result.is_err()) {
        anyhow::bail!("no database could be read:\n{}", render_fleet_text(&fleet));
    }
    show(&fleet, &args)?;
    Ok(outcome(&fleet))
}

/// Which roles' desired schemas declare each object: each role's `desired` is loaded once
/// (tools' own tables left out, as the audit does). A role whose schema cannot be read is
/// missing evidence, not an error.
async fn role_claims(
    config: &FleetConfig,
    fleet: &mut FleetInvestigation,
    args: &InvestigateArgs,
) -> anyhow::Result<()> {
    let with_desired: Vec<_> = config
        .roles
        .iter()
        .filter(|r| r.desired.is_some())
        .collect();
    if with_desired.is_empty() || fleet.objects.is_empty() {
        return Ok(());
    }
    let mut loader = Loader::new(args.load.options(false)?);
    let (mut loaded, mut unread) = (Vec::new(), Vec::new());
    for r in with_desired {
        let source = r.desired.as_deref().unwrap_or_default();
        let catalog = match SourceSpec::parse(source, &env) {
            Ok(spec) => (loader.load(&spec.with_dir_ignore(&r.ignore)).await)
                .map(|l| l.inspected.snapshot.catalog)
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match catalog {
            Ok(mut c) => {
                ToolOwned::of(&c).remove_from(&mut c);
                loaded.push((r.name.clone(), c));
            }
            Err(e) => unread.push(format!(
                "role {}'s desired schema could not be read: {}",
                r.name,
                pgdrift::pg::mask_quoting(&e, source)
            )),
        }
    }
    let views: Vec<Desired<'_>> = (loaded.iter())
        .map(|(label, catalog)| Desired { label, catalog })
        .collect();
    let names: Vec<QualName> = fleet.objects.iter().map(|o| base_name(&o.object)).collect();
    let found = claims(&names, None, &views);
    for (o, c) in fleet.objects.iter_mut().zip(found) {
        if !views.is_empty() {
            o.with_claims(c);
        }
        o.verdict.missing.extend(unread.iter().cloned());
    }
    Ok(())
}

/// `app.users`, and `app.f` for the function `app.f(integer)`.
fn base_name(object: &str) -> QualName {
    let name = object.split_once('(').map_or(object, |(n, _)| n);
    match name.split_once('.') {
        Some((s, n)) => QualName::new(s, n),
        None => QualName::new("", name),
    }
}

/// `--role` must name a role of the configuration.
fn check_role(config: &FleetConfig, path: &Path, role: Option<&str>) -> anyhow::Result<()> {
    let Some(role) = role else { return Ok(()) };
    if config.roles.iter().any(|r| r.name == role) {
        return Ok(());
    }
    let names: Vec<&str> = config.roles.iter().map(|r| r.name.as_str()).collect();
    anyhow::bail!(
        "{} has no role {role:?}; its roles: {}",
        path.display(),
        match names.is_empty() {
            true => "none".to_string(),
            false => names.join(", "),
        }
    )
}

fn options(args: &InvestigateArgs, config: &FleetConfig) -> FleetOptions {
    FleetOptions {
        // With --config, -j/--jobs counts databases investigated at a time.
        jobs: (args.load.jobs.map(usize::from))
            .or(config.settings.jobs)
            .unwrap_or(8),
        investigate: InvestigateOptions {
            count_timeout: args.count_timeout.0,
            estimate_sizes: false,
            relations_only: false,
        },
        databases: args.databases.clone(),
        role: args.role.clone(),
    }
}

/// The objects: with --config, the first positional argument is one too, unless it names a
/// database, which --config replaces.
fn patterns(args: &InvestigateArgs) -> anyhow::Result<Vec<String>> {
    let mut out: Vec<String> = args.database.iter().cloned().collect();
    out.extend(args.objects.iter().cloned());
    if let Some(first) = out.first() {
        if first.contains("://") || first.starts_with("env:") || first.contains('=') {
            anyhow::bail!(
                "{} names a database: give either DATABASE or --config, not both",
                pgdrift::pg::mask_value(first)
            );
        }
    }
    if out.is_empty() {
        anyhow::bail!("name the tables, views or sequences to investigate (OBJECT...)");
    }
    Ok(out)
}

fn describe_filters(opts: &FleetOptions) -> String {
    let mut s = String::new();
    if !opts.databases.is_empty() {
        s.push_str(&format!(" --database {}", opts.databases.join(", ")));
    }
    if let Some(role) = &opts.role {
        s.push_str(&format!(" --role {role}"));
    }
    s
}

fn show(fleet: &FleetInvestigation, args: &InvestigateArgs) -> anyhow::Result<()> {
    let text = match args.format {
        InspectFormat::Json => serde_json::to_string_pretty(fleet)? + "\n",
        InspectFormat::Markdown => masked(&render_fleet_markdown(fleet)),
        InspectFormat::Text => masked(&render_fleet_text(fleet)),
    };
    write_to(args.output.as_deref(), |out| out.write_all(text.as_bytes()))
}

fn outcome(fleet: &FleetInvestigation) -> Outcome {
    let in_use = (fleet.objects.iter()).any(|o| o.verdict.state == VerdictState::InUse);
    let unread =
        fleet.databases.iter().any(|d| d.error.is_some()) || !fleet.unreachable_servers.is_empty();
    match in_use || unread || !fleet.not_found.is_empty() {
        true => Outcome::Findings,
        false => Outcome::Clean,
    }
}

/// Searches the code once for every relation found in any database, and judges each
/// database's relations again with what it found.
async fn add_code(run: &mut FleetRun, roots: Vec<PathBuf>) -> anyhow::Result<()> {
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut tables: Vec<QualName> = Vec::new();
    for inv in run.runs.iter().filter_map(|r| r.result.as_ref().ok()) {
        for o in &inv.objects {
            if let (false, Some((s, n))) = (index.contains_key(&o.object), o.object.split_once('.'))
            {
                index.insert(o.object.clone(), tables.len());
                tables.push(QualName::new(s, n));
            }
        }
    }
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let walked = tokio::task::spawn_blocking(move || {
        walk(&roots, &Names::new(tables), threads, &AtomicU64::new(0))
    })
    .await?;
    let mut found: Vec<Vec<Location>> = vec![Vec::new(); index.len()];
    for f in &walked.files {
        for h in &f.hits {
            if let Named::Table(i) = h.named {
                if let Some(list) = found.get_mut(i as usize) {
                    list.push(Location {
                        file: f.path.clone(),
                        line: h.line,
                        kind: h.kind,
                        via: h.via,
                    });
                }
            }
        }
    }
    for inv in run.runs.iter_mut().filter_map(|r| r.result.as_mut().ok()) {
        for o in &mut inv.objects {
            if let Some(&i) = index.get(&o.object) {
                o.with_code(found[i].clone());
            }
        }
    }
    Ok(())
}
