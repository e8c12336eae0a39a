//! Building a catalog in an empty database: converging the database from what it holds
//! (nothing of the user's) to the catalog, with pgdrift's own plan. This is how a live
//! database or a snapshot — sources that are not SQL — becomes a shadow copy a plan can be
//! tried on (`materialize`); SQL sources are replayed instead.
//!
//! It lives here rather than in `source` because it diffs and plans, which sources do not
//! do: the loader only offers the steps a flow is made of (an empty shadow database, a
//! replay into it, whether the server is pgdrift's own), and this module chains them.

use super::converge::{plan, Target};
use crate::diff::DiffOptions;
use crate::model::Catalog;
use crate::pg::shadow::ShadowDb;
use crate::pg::{ConnInfo, Connection};
use crate::plan::PlanOptions;
use crate::source::load::create_roles;
use crate::source::{InspectOptions, LoadError, Loaded, Loader};

/// Builds `catalog` in the (empty) database `conn` is connected to: plans from what the
/// database holds to the catalog and runs every step.
pub async fn rebuild(
    conn: &Connection,
    info: &ConnInfo,
    catalog: &Catalog,
    options: &InspectOptions,
) -> Result<(), LoadError> {
    let diff_options = DiffOptions::default();
    let target = Target::new(conn, info, options, &diff_options);
    let empty = target.read().await?;
    let options = PlanOptions {
        server_version_num: conn.version.num,
        ..PlanOptions::default()
    };
    target
        .apply(&plan(&empty, catalog, &diff_options, &options))
        .await
        .map_err(|e| LoadError::Rebuild {
            reason: e.to_string(),
        })?;
    Ok(())
}

/// A fresh shadow database holding what `loaded` describes: its SQL replayed, or — for a
/// live database or a snapshot — its catalog rebuilt, with the roles it names made first
/// on pgdrift's private server. The caller drops it (`ShadowDb::drop_now`).
pub async fn materialize(loader: &mut Loader, loaded: &Loaded) -> Result<ShadowDb, LoadError> {
    let (db, conn) = loader.empty_shadow().await?;
    let result = match &loaded.units {
        Some(units) => loader.replay_into(&conn, units).await,
        None => {
            let catalog = &loaded.inspected.snapshot.catalog;
            async {
                if loader.shadow_is_private() {
                    create_roles(&conn.client, &[catalog]).await?;
                }
                rebuild(&conn, db.conninfo(), catalog, loader.inspect_options()).await
            }
            .await
        }
    };
    drop(conn);
    match result {
        Ok(()) => Ok(db),
        Err(e) => {
            db.drop_now().await;
            Err(e)
        }
    }
}
