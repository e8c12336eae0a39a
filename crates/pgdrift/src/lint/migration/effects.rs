//! The effect rules (PL801–PL810): the directory's migrations replayed in a shadow database
//! up to the first new file, the catalog read, then each new file applied and the catalog
//! read again; each before→after difference planned as the planner would plan it against
//! the target's table sizes, and every hazard PD101–PD110 of the plan's steps reported at
//! the statement of the file that names the step's object (line 1 when none does). An
//! effect a statement rule already reported at the same statement is left out, and a marker
//! silencing that statement rule silences the effect too.

use super::file::{self, FileInput, Parsed};
use super::{hazards, Context};
use crate::diff::{diff, DiffOptions};
use crate::migrate::{tracking, MigrationDir};
use crate::model::Catalog;
use crate::pg::shadow::{ShadowDb, ShadowError};
use crate::pg::{connect, Connection};
use crate::plan::{plan, renames, PlanOptions, Step};
use crate::report::finding::Finding;
use crate::source::load::shadow_server;
use crate::source::replay::{replay, ReplayError, ReplayUnit};
use crate::source::roles::MissingRoles;
use crate::source::{inspect, InspectError, LoadOptions};
use std::path::PathBuf;

/// Why the effects could not be found.
#[derive(Debug, thiserror::Error)]
pub enum EffectsError {
    #[error(transparent)]
    Shadow(#[from] ShadowError),
    #[error("{} does not replay in a shadow database: {source}", path.display())]
    Replay {
        path: PathBuf,
        #[source]
        source: ReplayError,
    },
    #[error("reading the shadow database: {0}")]
    Read(#[from] InspectError),
    #[error(transparent)]
    Lint(#[from] crate::lint::LintError),
}

/// The effect findings of the migrations at `new`.
pub(crate) async fn effects(
    dir: &MigrationDir,
    new: &[usize],
    ctx: &Context<'_>,
    load: &LoadOptions,
) -> Result<Vec<Finding>, EffectsError> {
    let server = shadow_server(load).await?;
    let db = server.create().await?;
    let result = on_shadow(&db, dir, new, ctx, load).await;
    db.drop_now().await;
    result
}

async fn on_shadow(
    db: &ShadowDb,
    dir: &MigrationDir,
    new: &[usize],
    ctx: &Context<'_>,
    load: &LoadOptions,
) -> Result<Vec<Finding>, EffectsError> {
    let conn = connect(db.conninfo()).await.map_err(ShadowError::from)?;
    db.ensure_empty(&conn).await?;
    let mut read = load.inspect.clone();
    read.exclude_schemas.push(tracking::SCHEMA.to_string());
    (read.jobs, read.table_rows, read.database_size) = (1, false, false);
    let roles = MissingRoles::private(load.dev_url.is_none());
    let (first, last) = (new[0], new[new.len() - 1]);
    let earlier: Vec<ReplayUnit> = (0..first).map(|i| unit(dir, i)).collect();
    replay(&conn, &earlier, roles)
        .await
        .map_err(|source| replay_error(dir, first.saturating_sub(1), source))?;
    let mut before: Option<Catalog> = None;
    let mut out = Vec::new();
    for i in first..=last {
        let is_new = new.contains(&i);
        if is_new && before.is_none() {
            before = Some(inspect(db.conninfo(), &read).await?.snapshot.catalog);
        }
        apply(&conn, dir, i, roles).await?;
        if !is_new {
            before = None;
            continue;
        }
        let after = inspect(db.conninfo(), &read).await?.snapshot.catalog;
        if let Some(from) = &before {
            out.extend(file_effects(dir, i, from, &after, ctx)?);
        }
        before = Some(after);
    }
    Ok(out)
}

fn unit(dir: &MigrationDir, i: usize) -> ReplayUnit {
    let m = &dir.migrations[i];
    ReplayUnit {
        name: m.path.display().to_string(),
        sql: m.sql.clone(),
        no_transaction: m.no_transaction,
    }
}

fn replay_error(dir: &MigrationDir, i: usize, source: ReplayError) -> EffectsError {
    let path = match &source {
        ReplayError::Statement(s) => PathBuf::from(&s.file),
        _ => dir
            .migrations
            .get(i)
            .map(|m| m.path.clone())
            .unwrap_or_default(),
    };
    EffectsError::Replay { path, source }
}

async fn apply(
    conn: &Connection,
    dir: &MigrationDir,
    i: usize,
    roles: MissingRoles,
) -> Result<(), EffectsError> {
    (replay(conn, &[unit(dir, i)], roles).await).map_err(|source| replay_error(dir, i, source))
}

/// The findings of migration `i`, which turned `from` into `to`.
fn file_effects(
    dir: &MigrationDir,
    i: usize,
    from: &Catalog,
    to: &Catalog,
    ctx: &Context<'_>,
) -> Result<Vec<Finding>, EffectsError> {
    let m = &dir.migrations[i];
    let name = m.path.display().to_string();
    let input = FileInput {
        name: &name,
        sql: &m.sql,
        no_transaction: m.no_transaction,
    };
    let parsed = file::parse(&input)?;
    let options = plan_options(ctx);
    // A rename the file makes is a rename, not a drop and a creation.
    let hints: Vec<_> = parsed
        .stmts
        .iter()
        .flat_map(super::renames::renames)
        .collect();
    let renamed = renames::apply(&renames::applicable(hints, from), from, to).ok();
    let from = renamed.as_ref().map_or(from, |r| &r.catalog);
    let planned = plan(&diff(from, to, &DiffOptions::default()), &options);
    let mut out = Vec::new();
    for step in &planned.steps {
        for hazard in &step.hazards {
            let Some((_, rule, covered)) =
                hazards::EFFECTS.iter().find(|(k, ..)| *k == hazard.kind)
            else {
                continue;
            };
            let at = statement_of(&parsed, step);
            let finding = hazards::effect_finding(
                &name,
                &parsed,
                at,
                step,
                &hazard.detail,
                *rule,
                covered,
                from,
                to,
                ctx,
            );
            out.extend(finding);
        }
    }
    Ok(out)
}

/// How to plan a file's changes: against the target's table sizes and version.
fn plan_options(ctx: &Context<'_>) -> PlanOptions {
    PlanOptions {
        table_rows: ctx.sizes.as_ref().map(|s| s.rows()).unwrap_or_default(),
        // Every lock on a table past "small" is reported; its size decides how loudly.
        big_table_rows: ctx.config.options.small_table_rows.max(1.0),
        server_version_num: ctx.server_version_num.unwrap_or(0),
        ..PlanOptions::default()
    }
}

/// The last statement of the file whose names include the step's object (its last name
/// part): the one that left it as it is.
fn statement_of(parsed: &Parsed<'_>, step: &Step) -> Option<usize> {
    // A routine's signature (`public.tally()`) is not part of its name.
    let name = step.object.split('(').next().unwrap_or(&step.object);
    let last = name.rsplit('.').next().unwrap_or(name);
    let names = |k: usize| {
        parsed.stmts[k]
            .toks
            .iter()
            .any(|t| t.is_name() && t.text == last)
    };
    (0..parsed.stmts.len()).rev().find(|&k| names(k))
}
