//! Verifying a plan before anyone runs it: build the `from` schema in a shadow database
//! (replaying its SQL, or rebuilding a live database's or snapshot's catalog), run the
//! whole plan there, read the result back and compare it with `to`; then, when there is
//! one, run the rollback on the same copy and compare the result with `from`. Whatever
//! still differs is reported; a plan that fails to run is reported with the failing step
//! and the server's own detail. The copy is made by `rebuild::materialize`; running and
//! comparing are `converge`'s `Target::run` and `Target::differences`.

use super::converge::{ConvergeError, Target};
use super::rebuild::materialize;
use crate::diff::{DiffOptions, Filter};
use crate::migrate::owned::ToolOwned;
use crate::model::Catalog;
use crate::pg::apply::ApplyError;
use crate::pg::connect;
use crate::pg::shadow::ShadowError;
use crate::plan::Plan;
use crate::source::load::create_roles;
use crate::source::{InspectOptions, LoadError, Loaded, Loader};

/// Why a plan could not be verified, or how it failed.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("verification could not build the source schema: {0}")]
    Load(#[from] LoadError),
    #[error("verification: {0}")]
    Shadow(#[from] ShadowError),
    #[error("verification: the plan fails on a copy of the source schema: {0}")]
    Apply(#[from] ApplyError),
    #[error("verification: the rollback fails on a copy of the source schema after the plan: {0}")]
    Rollback(ApplyError),
    #[error("verification: the copy of the source schema differs from the source itself, so the check would prove nothing:\n{0}")]
    Copy(String),
}

/// What verification found.
#[derive(Debug, Clone)]
pub struct Verification {
    /// Steps run (all of them, destructive ones included: the copy is thrown away).
    pub steps_run: usize,
    /// Differences left between the result and `to`, one line each; empty when the plan
    /// converges.
    pub remaining: Vec<String>,
    /// With a rollback: the differences left between the copy after plan and rollback,
    /// and `from`.
    pub rollback_remaining: Option<Vec<String>>,
}

/// What a verification compares, and how.
#[derive(Debug, Clone, Copy)]
pub struct VerifyInput<'a> {
    /// The loaded `from` source (its SQL or its catalog is what the copy is built from).
    pub from: &'a Loaded,
    /// The `from` and `to` catalogs the plan was made from (filtered as the diff was).
    pub from_catalog: &'a Catalog,
    pub to: &'a Catalog,
    pub plan: &'a Plan,
    /// The plan back from `to` to `from`, run after `plan` when given.
    pub rollback: Option<&'a Plan>,
    pub options: &'a InspectOptions,
    pub diff_options: &'a DiffOptions,
    /// Objects left out of the comparison.
    pub filter: &'a Filter,
    /// Migration tools' tracking tables: never planned, so never compared here.
    pub owned: &'a ToolOwned,
}

/// Runs the plan on a shadow copy of `from` and compares the result with `to`.
pub async fn verify(
    loader: &mut Loader,
    input: VerifyInput<'_>,
) -> Result<Verification, VerifyError> {
    let VerifyInput {
        from,
        from_catalog,
        to,
        plan,
        rollback,
        options,
        diff_options,
        filter,
        owned,
    } = input;
    let leave_out = |catalog: &mut Catalog| {
        filter.apply(catalog);
        owned.remove_from(catalog);
    };
    let (mut from_catalog, mut to) = (from_catalog.clone(), to.clone());
    owned.remove_from(&mut from_catalog);
    owned.remove_from(&mut to);
    let db = materialize(loader, from).await?;
    let private = loader.shadow_is_private();
    let result = async {
        let conn = connect(db.conninfo()).await.map_err(ShadowError::from)?;
        let target = Target {
            leave_out: Some(&leave_out),
            ..Target::new(&conn, db.conninfo(), options, diff_options)
        };
        let off = target.differences(&from_catalog).await.map_err(read)?;
        if !off.is_empty() {
            return Err(VerifyError::Copy(off.join("\n")));
        }
        if private {
            create_roles(&conn.client, &[&to]).await?;
        }
        let forward = target
            .run(plan, &to)
            .await
            .map_err(failed(VerifyError::Apply))?;
        let mut rollback_remaining = None;
        if let (Some(back), true) = (rollback, forward.remaining.is_empty()) {
            let back = target
                .run(back, &from_catalog)
                .await
                .map_err(failed(VerifyError::Rollback))?;
            rollback_remaining = Some(back.remaining);
        }
        Ok(Verification {
            steps_run: forward.steps_run,
            remaining: forward.remaining,
            rollback_remaining,
        })
    }
    .await;
    db.drop_now().await;
    result
}

/// A catalog that could not be read back: the source could not be loaded.
fn read(e: crate::source::InspectError) -> VerifyError {
    VerifyError::Load(LoadError::from(e))
}

/// A plan that failed to run (as `apply` says), or whose result could not be read back.
fn failed(apply: fn(ApplyError) -> VerifyError) -> impl Fn(ConvergeError) -> VerifyError {
    move |e| match e {
        ConvergeError::Apply(e) => apply(e),
        ConvergeError::Read(e) => read(e),
    }
}
