//! `pgdrift quarantine`, `pgdrift restore` and `pgdrift drop`: on one database (URL) or on
//! every matching database of pgdrift.toml (`--database GLOB`, `--role NAME`). The plan of
//! every database is printed first; then the command asks (on a terminal), or needs `--yes`
//! (without one, and on production servers); `--dry-run` stops after the plan. Exit 0 when
//! done, 2 when a database failed or was refused (or, on one database, lacks the objects).

use super::migrate::database;
use crate::cli::{CleanupArgs, DropArgs, Format, QuarantineArgs, RestoreArgs};
use crate::output::masked;
use crate::Outcome;
use pgdrift::cleanup::text::{render_plan, render_result, status, Report};
use pgdrift::cleanup::{execute, prepare, Action, Prepared, Request, Status, Who};
use pgdrift::fleet::config::{self, server_includes, FleetConfig, Stage};
use pgdrift::fleet::{databases, run_all, Target};
use std::io::{BufRead, IsTerminal};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn request(action: Action, objects: Vec<String>, reason: Option<String>) -> Request {
    Request {
        action,
        patterns: objects,
        reason,
        who: Who::from_env(),
        cascade: false,
        quarantined_for: None,
        backup_file: None,
        rollback_dir: std::env::current_dir().unwrap_or_else(|_| ".".into()),
        verify: false,
    }
}

pub async fn quarantine(args: QuarantineArgs) -> anyhow::Result<Outcome> {
    let (targets, objects) = targets(&args.common).await?;
    let req = request(Action::Quarantine, objects, Some(args.reason));
    run(&args.common, targets, req).await
}

pub async fn restore(args: RestoreArgs) -> anyhow::Result<Outcome> {
    let (targets, objects) = targets(&args.common).await?;
    let req = request(Action::Restore, objects, args.reason);
    run(&args.common, targets, req).await
}

pub async fn drop(args: DropArgs) -> anyhow::Result<Outcome> {
    let (targets, objects) = targets(&args.common).await?;
    let mut req = request(Action::Drop, objects, args.reason);
    req.cascade = args.cascade;
    req.quarantined_for = args.quarantined_for;
    req.verify = args.verify;
    if let Some(file) = &args.backup_file {
        if targets.len() > 1 {
            anyhow::bail!("--backup-file names one file: use it with one database, not a fleet");
        }
        req.backup_file = Some(file.clone());
    }
    run(&args.common, targets, req).await
}

/// A database to run on, and its server's stage when the configuration names it.
struct Place {
    target: Target,
    stage: Option<Stage>,
}

/// The databases and the object patterns the arguments name.
async fn targets(args: &CleanupArgs) -> anyhow::Result<(Vec<Place>, Vec<String>)> {
    let fleet = !args.databases.is_empty() || args.role.is_some();
    let config = load_config(args, fleet)?;
    if !fleet {
        let (url, objects) = args.args.split_first().unwrap_or((&args.args[0], &[]));
        if objects.is_empty() {
            anyhow::bail!("name the objects after the database: pgdrift ... URL TABLE...");
        }
        let target = Target::named(database(url)?, url);
        let stage = config.as_ref().and_then(|c| stage_of(c, &target));
        return Ok((vec![Place { target, stage }], objects.to_vec()));
    }
    let Some(config) = config else {
        anyhow::bail!("--database and --role need --config FILE (or pgdrift.toml here)");
    };
    if let Some(role) = &args.role {
        if !config.roles.iter().any(|r| &r.name == role) {
            anyhow::bail!("{}: no [role.{role}]", config.path.display());
        }
    }
    let mut out = Vec::new();
    for s in &config.servers {
        let info = s
            .url
            .clone()
            .resolve(&env)
            .unwrap_or_else(|_| s.url.clone());
        let var = s.url_var.as_ref().map(|v| format!("env:{v}"));
        let server = Target::named(info, var.as_deref().unwrap_or(""));
        let all = databases(&server, &["*".to_string()]).await?;
        for t in all {
            let name = t.database();
            let by_name = args
                .databases
                .iter()
                .any(|g| pgdrift::diff::glob_match(g, name));
            let by_role = (args.role.as_ref())
                .is_some_and(|r| config.role_of(name).is_some_and(|rc| &rc.name == r));
            if server_includes(s, name) && (by_name || by_role) {
                out.push(Place {
                    target: t,
                    stage: Some(s.stage),
                });
            }
        }
    }
    if out.is_empty() {
        anyhow::bail!(
            "no database of {} matches --database/--role",
            config.path.display()
        );
    }
    Ok((out, args.args.clone()))
}

fn load_config(args: &CleanupArgs, required: bool) -> anyhow::Result<Option<FleetConfig>> {
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => config::find(&std::env::current_dir()?),
    };
    match path {
        Some(p) => Ok(Some(config::load(&p, &env)?)),
        None if required => Ok(None),
        None => Ok(None),
    }
}

/// The stage of the configured server `target` is on.
fn stage_of(config: &FleetConfig, target: &Target) -> Option<Stage> {
    config.servers.iter().find_map(|s| {
        let info = s
            .url
            .clone()
            .resolve(&env)
            .unwrap_or_else(|_| s.url.clone());
        (Target::new(info).server() == target.server()).then_some(s.stage)
    })
}

/// Plans on every database, shows the plan, asks, runs, shows the result.
async fn run(args: &CleanupArgs, places: Vec<Place>, req: Request) -> anyhow::Result<Outcome> {
    let jobs = usize::from(args.jobs);
    let targets: Vec<Target> = places.iter().map(|p| p.target.clone()).collect();
    let req_ref = &req;
    let planned = run_all(&targets, jobs, false, |t| plan_one(t, req_ref), |_, _| {}).await;
    let mut all: Vec<Prepared> = (planned.into_iter().zip(&targets))
        .map(|(r, t)| match r {
            Some(Ok(p)) => p,
            Some(Err(e)) => failed(t, req.action, &e.to_string()),
            None => failed(t, req.action, "not started"),
        })
        .collect();
    let single = all.len() == 1;
    if single {
        if let Some(error) = single_error(&all[0], req.action) {
            match args.format {
                Format::Text => out(&render_plan(&all))?,
                Format::Json => print_json(&all, args.dry_run)?,
            }
            anyhow::bail!("{}", masked(&error));
        }
    }
    if args.format == Format::Text {
        out(&render_plan(&all))?;
    }
    if args.dry_run || !all.iter().any(|p| p.status == Status::Ready) {
        return finish(args, &all, args.dry_run);
    }
    let production = places.iter().any(|p| p.stage == Some(Stage::Production));
    confirm(args.yes, production)?;
    let results = run_all(
        &targets,
        jobs,
        false,
        |t| {
            let i = targets.iter().position(|x| std::ptr::eq(x, t)).unwrap_or(0);
            let prepared = all[i].clone();
            run_one(t, req_ref, prepared)
        },
        |_, _| {},
    )
    .await;
    for (slot, r) in all.iter_mut().zip(results) {
        if let Some(Ok(p)) = r {
            *slot = p;
        }
    }
    finish(args, &all, false)
}

async fn plan_one(t: &Target, req: &Request) -> anyhow::Result<Prepared> {
    let conn = pgdrift::pg::connect::connect(&t.info).await?;
    Ok(prepare(&conn, &t.info, req).await?)
}

async fn run_one(t: &Target, req: &Request, mut p: Prepared) -> anyhow::Result<Prepared> {
    match pgdrift::pg::connect::connect(&t.info).await {
        Ok(conn) => execute(&conn, req, &mut p).await,
        Err(e) => p.status = Status::Failed(e.to_string()),
    }
    Ok(p)
}

fn failed(t: &Target, action: Action, why: &str) -> Prepared {
    let mut p = Prepared::new(&t.label, action);
    p.status = Status::Failed(pgdrift::pg::mask_urls(why));
    p
}

/// On one database, what makes the command an error before it asks: a pattern matching
/// nothing (with the closest names), or a refusal.
fn single_error(p: &Prepared, action: Action) -> Option<String> {
    if let Some(nf) = p.not_found.first() {
        let closest = match nf.closest.is_empty() {
            true => String::new(),
            false => format!("; did you mean {}?", nf.closest.join(", ")),
        };
        let what = match action {
            Action::Restore => "nothing in quarantine",
            _ => "no table, view or sequence",
        };
        return Some(format!(
            "{what} matches {} in {}{closest}",
            nf.pattern, p.database
        ));
    }
    match &p.status {
        Status::Refused(_) | Status::Failed(_) | Status::Skipped(_) => Some(format!(
            "{}: {}; nothing was changed",
            p.database,
            status(&p.status)
        )),
        _ => None,
    }
}

/// Asks on a terminal; `--yes` skips the question, and is required without a terminal
/// and on production servers.
#[allow(clippy::print_stderr)]
fn confirm(yes: bool, production: bool) -> anyhow::Result<()> {
    if yes {
        return Ok(());
    }
    if production {
        anyhow::bail!("a database above is on a production server (stage = \"production\" in pgdrift.toml): review the plan and pass --yes to proceed; nothing was changed");
    }
    if !std::io::stdin().is_terminal() {
        anyhow::bail!("standard input is not a terminal, so pgdrift cannot ask: review the plan and pass --yes to proceed; nothing was changed");
    }
    eprint!("Proceed? [y/N] ");
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if !matches!(answer.trim(), "y" | "Y" | "yes") {
        anyhow::bail!("not confirmed; nothing was changed");
    }
    Ok(())
}

/// Prints the result and chooses the exit: 2 when a database failed or was refused (on one
/// database, also when skipped).
fn finish(args: &CleanupArgs, all: &[Prepared], dry_run: bool) -> anyhow::Result<Outcome> {
    match args.format {
        Format::Json => print_json(all, dry_run)?,
        Format::Text if !dry_run => out(&render_result(all))?,
        Format::Text => {}
    }
    let failed = all
        .iter()
        .filter(|p| matches!(p.status, Status::Failed(_)))
        .count();
    // On a fleet, a database without the object is skipped as a matter of course; a
    // refusal anywhere is an error.
    let refused = (all.iter()).any(|p| matches!(p.status, Status::Refused(_)))
        || all.len() == 1 && matches!(all[0].status, Status::Skipped(_));
    if failed > 0 || refused {
        anyhow::bail!(
            "{} of {} databases failed or were refused; nothing was changed there",
            failed.max(1),
            all.len()
        );
    }
    Ok(Outcome::Clean)
}

fn print_json(all: &[Prepared], dry_run: bool) -> anyhow::Result<()> {
    let report = Report {
        format_version: pgdrift::cleanup::FORMAT_VERSION,
        action: all.first().map_or(Action::Drop, |p| p.action),
        dry_run,
        databases: all,
    };
    out(&(serde_json::to_string_pretty(&report)? + "\n"))
}

/// Writes `text` to standard output, passwords masked.
fn out(text: &str) -> anyhow::Result<()> {
    crate::output::write_to(None, |w| w.write_all(masked(text).as_bytes()))
}
