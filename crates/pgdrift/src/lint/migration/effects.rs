//! The effect rules (PL801–PL810): the directory's migrations replayed in a shadow database
//! up to the first new file, the catalog read, then each new file applied and the catalog
//! read again; each before→after difference planned as the planner would plan it against
//! the target's table sizes, and every hazard PD101–PD110 of the plan's steps reported at
//! the statement of the file that names the step's object (line 1 when none does). An
//! effect a statement rule already reported at the same statement is left out, and a marker
//! silencing that statement rule silences the effect too.

use super::file::{self, FileInput, Parsed};
use super::weigh::weigh;
use super::Context;
use crate::diff::{diff, DiffOptions};
use crate::lint::{suppress, RuleId};
use crate::migrate::{tracking, MigrationDir};
use crate::model::{Catalog, QualName};
use crate::pg::shadow::{ShadowDb, ShadowError};
use crate::pg::{connect, Connection};
use crate::plan::{plan, renames, HazardKind, PlanOptions, Step};
use crate::report::finding::{fingerprint, Finding, Location, ObjectRef};
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

/// The effect rule of each hazard it reports, and the statement rules that report the same
/// thing at a statement.
const EFFECTS: &[(HazardKind, RuleId, &[RuleId])] = {
    use HazardKind as H;
    use RuleId as R;
    &[
        (
            H::DeletesData,
            R::EffectDeletesData,
            &[R::DropsColumn, R::DropsTable],
        ),
        (
            H::RewritesTable,
            R::EffectRewritesTable,
            &[
                R::VolatileDefault,
                R::ColumnTypeChange,
                R::RewritesWithoutRepack,
            ],
        ),
        (
            H::LocksTable,
            R::EffectLocksTable,
            &[
                R::LockTimeoutMissing,
                R::IndexWithoutConcurrently,
                R::VolatileDefault,
                R::ColumnTypeChange,
                R::SetNotNull,
                R::PrimaryKeyBuildsIndex,
                R::UniqueBuildsIndex,
                R::CheckValidatedAtOnce,
                R::ForeignKeyValidatedAtOnce,
            ],
        ),
        (
            H::MayFailOnData,
            R::EffectMayFailOnData,
            &[
                R::RequiredColumnWithoutDefault,
                R::CheckValidatedAtOnce,
                R::ForeignKeyValidatedAtOnce,
                R::SetNotNull,
                R::PrimaryKeyBuildsIndex,
                R::UniqueBuildsIndex,
                R::ColumnTypeChange,
            ],
        ),
        (
            H::IndexNotConcurrent,
            R::EffectIndexNotConcurrent,
            &[
                R::IndexWithoutConcurrently,
                R::PrimaryKeyBuildsIndex,
                R::UniqueBuildsIndex,
            ],
        ),
        (H::EnumRecreated, R::EffectEnumRecreated, &[]),
        (H::SignatureChange, R::EffectSignatureChange, &[]),
        (H::SequenceReset, R::EffectSequenceReset, &[]),
        (H::PrivilegeRevoked, R::EffectPrivilegeRevoked, &[]),
        (H::RecreatesDependents, R::EffectRecreatesDependents, &[]),
    ]
};

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
    let options = PlanOptions {
        table_rows: ctx.sizes.as_ref().map(|s| s.rows()).unwrap_or_default(),
        // Every lock on a table past "small" is reported; its size decides how loudly.
        big_table_rows: ctx.config.options.small_table_rows.max(1.0),
        server_version_num: ctx.server_version_num.unwrap_or(0),
        ..PlanOptions::default()
    };
    // A rename the file makes is a rename, not a drop and a creation.
    let hints: Vec<_> = parsed
        .stmts
        .iter()
        .flat_map(super::alter::renames)
        .collect();
    let renamed = renames::apply(&renames::applicable(hints, from), from, to).ok();
    let from = renamed.as_ref().map_or(from, |r| &r.catalog);
    let planned = plan(&diff(from, to, &DiffOptions::default()), &options);
    let mut out = Vec::new();
    for step in &planned.steps {
        for hazard in &step.hazards {
            let Some((_, rule, covered)) = EFFECTS.iter().find(|(k, ..)| *k == hazard.kind) else {
                continue;
            };
            let at = statement_of(&parsed, step);
            let finding = effect_finding(
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

/// The table a step is about: the object itself, its first two name parts, or an index's
/// table.
fn table_of(step: &Step, from: &Catalog, to: &Catalog) -> Option<QualName> {
    let parts: Vec<&str> = step.object.splitn(3, '.').collect();
    let name = QualName::new(*parts.first()?, *parts.get(1)?);
    if from.tables.contains_key(&name) || to.tables.contains_key(&name) {
        return Some(name);
    }
    let index = from.indexes.get(&name).or_else(|| to.indexes.get(&name))?;
    Some(QualName::new(&index.schema, &index.table))
}

#[allow(clippy::too_many_arguments)]
fn effect_finding(
    file: &str,
    parsed: &Parsed<'_>,
    at: Option<usize>,
    step: &Step,
    detail: &str,
    rule: RuleId,
    covered: &[RuleId],
    from: &Catalog,
    to: &Catalog,
    ctx: &Context<'_>,
) -> Option<Finding> {
    let level = ctx.config.level(rule)?;
    if let Some(k) = at {
        let markers = suppress::markers(&parsed.comments[k]).unwrap_or_default();
        if suppress::silences(&markers, rule)
            || covered.iter().any(|r| suppress::silences(&markers, *r))
        {
            return None;
        }
    }
    if ctx.config.ignored(&step.object) {
        return None;
    }
    let (severity, message) = match table_of(step, from, to) {
        Some(table) => {
            let (s, size) = weigh(level, &table, ctx.sizes.as_ref(), &ctx.config.options);
            (s, format!("{detail}: {size}"))
        }
        None => (level, detail.to_string()),
    };
    let info = rule.info();
    Some(Finding {
        code: info.code,
        slug: info.slug,
        severity,
        object: Some(ObjectRef {
            kind: step.kind.info().singular,
            name: step.object.clone(),
        }),
        message,
        fix: None,
        location: Location {
            file: Some(file.to_string()),
            line: Some(at.map_or(1, |k| parsed.stmts[k].line)),
            database: None,
        },
        fingerprint: fingerprint(&[info.code, file, &step.object, detail]),
    })
}

/// Statement findings and effect findings together, less the effects a statement rule
/// already reported at the same statement.
pub(crate) fn merge(statements: Vec<Finding>, effects: Vec<Finding>) -> Vec<Finding> {
    let covers = |e: &Finding, s: &Finding| {
        EFFECTS.iter().any(|(_, rule, covered)| {
            rule.info().code == e.code && covered.iter().any(|c| c.info().code == s.code)
        })
    };
    let kept: Vec<Finding> = effects
        .into_iter()
        .filter(|e| {
            !statements.iter().any(|s| {
                s.location.file == e.location.file
                    && s.location.line == e.location.line
                    && covers(e, s)
            })
        })
        .collect();
    statements.into_iter().chain(kept).collect()
}
