//! From a plan step's hazard to a finding: which effect rule reports each hazard and which
//! statement rules already say the same, the table whose size weighs it, and the merge of
//! statement and effect findings.

use super::file::Parsed;
use super::weigh::weigh;
use super::Context;
use crate::lint::{suppress, RuleId};
use crate::model::{Catalog, QualName};
use crate::plan::{HazardKind, Step};
use crate::report::finding::{fingerprint, Finding, Location, ObjectRef};

/// The effect rule of each hazard it reports, and the statement rules that report the same
/// thing at a statement.
pub(crate) const EFFECTS: &[(HazardKind, RuleId, &[RuleId])] = {
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
pub(crate) fn effect_finding(
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
