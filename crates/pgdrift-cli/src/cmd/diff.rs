//! `pgdrift diff FROM TO`: compare two schemas from any sources, plan the SQL that turns
//! FROM into TO, and report it as a summary, a script, JSON or Markdown. Exit 1 when they
//! differ, so that `pgdrift diff env:PROD_URL ./migrations` gates a CI job.

use crate::cli::{ColorChoice, DiffArgs, DiffFormat};
use crate::output::{note, use_color, write_to};
use crate::Outcome;
use anyhow::Context;
use pgdrift::diff::{diff, DiffOptions, Filter};
use pgdrift::migrate::owned::ToolOwned;
use pgdrift::pipeline::verify::{verify, VerifyInput};
use pgdrift::plan::binding::{Binding, ReadOptions};
use pgdrift::plan::{plan, renames, Backup, PlanOptions};
use pgdrift::report::diff::{render_markdown, render_text, DiffReport, ScriptOptions};
use pgdrift::source::{Loaded, Loader, SourceSpec};
use std::io::IsTerminal;
use std::path::Path;

pub async fn run(args: DiffArgs, color: ColorChoice) -> anyhow::Result<Outcome> {
    let from_spec = args
        .load
        .spec(&args.from)
        .with_context(|| format!("loading FROM ({})", pgdrift::pg::mask_value(&args.from)))?;
    let to_spec = args
        .load
        .spec(&args.to)
        .with_context(|| format!("loading TO ({})", pgdrift::pg::mask_value(&args.to)))?;
    let mut options = args.load.options(false)?;
    options.inspect.table_rows = true;
    let inspect_options = options.inspect.clone();
    let mut loader = Loader::new(options);
    let from = loader
        .load(&from_spec)
        .await
        .with_context(|| format!("loading FROM ({from_spec})"))?;
    let to = loader
        .load(&to_spec)
        .await
        .with_context(|| format!("loading TO ({to_spec})"))?;
    warn_versions(&from_spec, &from, &to_spec, &to);

    let filter = Filter {
        exclude: args.exclude.clone(),
    };
    let mut from_catalog = from.inspected.snapshot.catalog.clone();
    let mut to_catalog = to.inspected.snapshot.catalog.clone();
    filter.apply(&mut from_catalog);
    filter.apply(&mut to_catalog);
    // Migration tools' tracking tables, on either side, are not part of the schema.
    let mut owned = ToolOwned::of(&from_catalog);
    owned.merge(&ToolOwned::of(&to_catalog));
    if !args.include_trackers {
        owned.remove_from(&mut from_catalog);
        owned.remove_from(&mut to_catalog);
    }
    let diff_options = DiffOptions {
        compare_owners: args.compare_owners,
    };
    // Rename hints, from the command line and TO's SQL sources: FROM as it reads after
    // the renames is what the rest of the plan starts from.
    let hints = rename_hints(&args, &to, &from_catalog)?;
    let renamed = renames::apply(&hints, &from_catalog, &to_catalog)?;
    let changes = diff(&renamed.catalog, &to_catalog, &diff_options);
    let suggested = renames::suggest(&changes);
    // Compared or not, a plan never touches them.
    let (plannable, protected) = owned.protect(&changes);
    // Destructive steps copy what they delete first; the rollback copies it back.
    let backup = (args.allow_destructive && !args.no_backup)
        .then(|| Backup::new(pgdrift::clock::utc_stamp()));
    let plan_options = PlanOptions {
        backup: backup.clone(),
        online: args.online,
        lock_timeout: args.lock_timeout.0,
        statement_timeout: args.step_timeout.0,
        server_version_num: from.inspected.snapshot.source.server_version_num,
        table_rows: from.inspected.table_rows.clone(),
        ..PlanOptions::default()
    };
    let mut forward = plan(&plannable, &plan_options).with_renames(renamed.steps.clone());
    forward.manual.extend(protected);
    let unrenamed = renames::apply(
        &renames::inverse(&renamed.applied),
        &to_catalog,
        &from_catalog,
    )?;
    let back = args.reverse.as_ref().map(|_| {
        let reverse = diff(&unrenamed.catalog, &from_catalog, &diff_options);
        let options = PlanOptions {
            backup: None,
            restore: backup.clone(),
            ..plan_options.clone()
        };
        let (plannable, protected) = owned.protect(&reverse);
        let mut back = plan(&plannable, &options).with_renames(unrenamed.steps.clone());
        back.manual.extend(protected);
        if args.allow_destructive && args.no_backup && forward.is_destructive() {
            back.restores_nothing();
        }
        back
    });

    // A plan (or rollback) that fails verification is not written anywhere: no file is
    // created or replaced, so that nothing looks like a checked script.
    let unwritten = unwritten(&args);
    let verification = if args.verify && !plannable.is_empty() {
        let outcome = verify(
            &mut loader,
            VerifyInput {
                from: &from,
                from_catalog: &from_catalog,
                to: &to_catalog,
                plan: &forward,
                rollback: back.as_ref(),
                options: &inspect_options,
                diff_options: &diff_options,
                filter: &filter,
                owned: &owned,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}{unwritten}"))?;
        if !outcome.remaining.is_empty() {
            anyhow::bail!(
                "verification failed: after running the plan on a copy of FROM, {} difference(s) remain:\n  {}\n{}{unwritten}",
                outcome.remaining.len(),
                outcome.remaining.join("\n  "),
                why_left(&forward, "plan")
            );
        }
        if let (Some(left), Some(back)) = (
            outcome
                .rollback_remaining
                .as_ref()
                .filter(|l| !l.is_empty()),
            back.as_ref(),
        ) {
            anyhow::bail!(
                "verification failed: after the plan and then the rollback on a copy of FROM, {} difference(s) from FROM remain:\n  {}\n{}{unwritten}",
                left.len(),
                left.join("\n  "),
                why_left(back, "rollback")
            );
        }
        Some((outcome.steps_run, outcome.rollback_remaining.is_some()))
    } else {
        None
    };

    // The states the plan (and the rollback) are bound to, for `pgdrift apply`.
    let binding = Binding::new(
        ReadOptions {
            schemas: args.load.schemas.clone(),
            exclude_schemas: args.load.exclude_schemas.clone(),
            exclude: args.exclude.clone(),
            include_trackers: args.include_trackers,
            compare_owners: args.compare_owners,
        },
        &from_catalog,
        &to_catalog,
    );
    let report = DiffReport::new(
        from_spec.to_string(),
        to_spec.to_string(),
        &changes,
        &forward,
        back.as_ref(),
        args.allow_destructive,
    )
    .with_trackers_left_out(if args.include_trackers {
        Vec::new()
    } else {
        owned.tables()
    })
    .with_renames(renamed.applied.clone(), suggested)
    .with_script_options(ScriptOptions {
        idempotent: args.idempotent,
        binding: Some(binding.render()),
        rollback_binding: back.as_ref().map(|_| binding.reversed().render()),
    });
    let format = args.format.unwrap_or_else(|| {
        if args.output.is_none() && std::io::stdout().is_terminal() {
            DiffFormat::Text
        } else {
            DiffFormat::Sql
        }
    });
    let verified = verification.map(|(steps, rollback)| {
        format!(
            "on a copy of FROM the plan's {steps} steps give exactly TO{}",
            if rollback {
                ", and the rollback then gives FROM again"
            } else {
                ""
            }
        )
    });
    let text = match format {
        DiffFormat::Text => {
            let mut text = render_text(&report, use_color(color, args.output.is_some()));
            if let Some(v) = &verified {
                text.push_str(&format!("Verified: {v}.\n"));
            }
            text
        }
        DiffFormat::Sql => report.script(),
        DiffFormat::Markdown => render_markdown(&report),
        DiffFormat::Json => {
            let mut out = Vec::new();
            pgdrift::report::json::write(&report, &mut out)?;
            String::from_utf8(out)?
        }
    };
    let mut files = Vec::new();
    if let (Some(path), Some(script)) = (&args.reverse, report.rollback_script()) {
        files.push((path.as_path(), script));
    }
    match &args.output {
        Some(path) => files.push((path.as_path(), text)),
        None => write_to(None, |out| out.write_all(text.as_bytes()))?,
    }
    write_together(&files)?;
    if format != DiffFormat::Text {
        if let Some(v) = &verified {
            note(&format!("verified: {v}"));
        }
    }
    Ok(if report.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// The rename hints of `--rename` and of `-- pgdrift:renamed` comments in TO's SQL.
/// Comments that name nothing in FROM are left out (see `renames::applicable`).
fn rename_hints(
    args: &DiffArgs,
    to: &Loaded,
    from: &pgdrift::model::Catalog,
) -> anyhow::Result<Vec<renames::Rename>> {
    let mut written = Vec::new();
    for unit in to.units.iter().flatten() {
        written.extend(renames::comments::in_sql(&unit.name, &unit.sql)?);
    }
    let mut hints = args.rename.clone();
    hints.extend(renames::applicable(written, from));
    Ok(hints)
}

/// Why differences are left after a plan (or rollback) ran: its manual steps, or a bug.
fn why_left(plan: &pgdrift::plan::Plan, what: &str) -> String {
    if plan.manual.is_empty() {
        format!("This is a bug in pgdrift's {what}; please report it with both schemas.")
    } else {
        let steps: Vec<String> = plan
            .manual
            .iter()
            .map(|m| format!("{}: {}", m.object, m.reason))
            .collect();
        format!(
            "The {what} leaves these to manual steps:\n  {}",
            steps.join("\n  ")
        )
    }
}

/// What an error before any output says about the files that were asked for.
fn unwritten(args: &DiffArgs) -> String {
    let files: Vec<String> = [&args.output, &args.reverse]
        .into_iter()
        .flatten()
        .map(|p| p.display().to_string())
        .collect();
    if files.is_empty() {
        String::new()
    } else {
        format!("\nNothing was written to {}.", files.join(" or "))
    }
}

/// Writes each file in full next to where it goes, then moves them all into place: a
/// failure leaves none of them half written, and none written unless all could be. A
/// target that is not a plain file (`/dev/stdout`, a symbolic link, a pipe) is written
/// in place, last.
fn write_together(files: &[(&Path, String)]) -> anyhow::Result<()> {
    let in_place =
        |path: &Path| std::fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_file());
    let temporary = |path: &Path| {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        path.with_file_name(format!(".{}.pgdrift-tmp", name.unwrap_or_default()))
    };
    let (direct, staged): (Vec<_>, Vec<_>) = files.iter().partition(|(p, _)| in_place(p));
    let mut written = Vec::new();
    let result = (|| {
        for (path, text) in &staged {
            let tmp = temporary(path);
            written.push(tmp.clone());
            write_to(Some(&tmp), |out| out.write_all(text.as_bytes()))
                .with_context(|| format!("writing {}", path.display()))?;
        }
        for (path, _) in &staged {
            std::fs::rename(temporary(path), path)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok::<_, anyhow::Error>(())
    })();
    if result.is_err() {
        for tmp in written {
            let _ = std::fs::remove_file(tmp);
        }
    }
    result?;
    for (path, text) in direct {
        write_to(Some(path), |out| out.write_all(text.as_bytes()))?;
    }
    Ok(())
}

/// A live database compared with SQL replayed on another major version may differ only in
/// how each version prints definitions: say so.
fn warn_versions(from_spec: &SourceSpec, from: &Loaded, to_spec: &SourceSpec, to: &Loaded) {
    let major = |l: &Loaded| l.inspected.snapshot.source.server_version_num / 10000;
    let (a, b) = (major(from), major(to));
    if a != 0 && b != 0 && a != b {
        note(&format!(
            "warning: FROM ({from_spec}) was read on PostgreSQL {a} and TO ({to_spec}) on PostgreSQL {b}; \
             versions print some definitions differently, which can show up as differences. \
             Replay SQL on a server of the target's version with --dev-url, or point PGDRIFT_PG_BIN at \
             that version's binaries."
        ));
    }
}
