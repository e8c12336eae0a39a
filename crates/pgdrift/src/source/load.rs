//! Loading any source into a catalog: a live database is inspected where it is; SQL files
//! are replayed into a shadow database first (the embedded server unless a development
//! server is named), which is dropped afterwards.

use super::catalog::{inspect, InspectError, InspectOptions, Inspected};
use super::replay::{replay, ReplayError, SqlFile};
use super::spec::SourceSpec;
use crate::pg::shadow::{ShadowError, ShadowServer};
use crate::pg::{connect, ConnInfo};

/// Why a source could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Inspect(#[from] InspectError),
    #[error(transparent)]
    Shadow(#[from] ShadowError),
    #[error(transparent)]
    Replay(#[from] ReplayError),
}

/// Loads sources, starting a shadow server the first time one is needed.
#[derive(Debug)]
pub struct Loader {
    inspect: InspectOptions,
    dev_url: Option<ConnInfo>,
    shadow: Option<ShadowServer>,
}

impl Loader {
    /// `dev_url`: a server to make shadow databases on instead of the embedded one.
    pub fn new(inspect: InspectOptions, dev_url: Option<ConnInfo>) -> Loader {
        Loader {
            inspect,
            dev_url,
            shadow: None,
        }
    }

    async fn shadow(&mut self) -> Result<&ShadowServer, ShadowError> {
        if self.shadow.is_none() {
            self.shadow = Some(match &self.dev_url {
                Some(url) => ShadowServer::External(Box::new(url.clone())),
                None => ShadowServer::embedded().await?,
            });
        }
        Ok(self.shadow.as_ref().expect("set above"))
    }

    /// Reads the catalog `spec` describes.
    pub async fn load(&mut self, spec: &SourceSpec) -> Result<Inspected, LoadError> {
        match spec {
            SourceSpec::Database(info) => Ok(inspect(info, &self.inspect).await?),
            SourceSpec::SqlFiles(paths) => {
                let files = paths
                    .iter()
                    .map(|p| SqlFile::read(p))
                    .collect::<Result<Vec<_>, _>>()?;
                let opts = self.inspect.clone();
                let db = self.shadow().await?.create().await?;
                let result = async {
                    let conn = connect(db.conninfo()).await.map_err(ShadowError::from)?;
                    replay(&conn, &files).await?;
                    drop(conn);
                    Ok::<_, LoadError>(inspect(db.conninfo(), &opts).await?)
                }
                .await;
                db.drop_now().await;
                // The shadow database is an accident of the replay: name the source instead,
                // so the same files always give the same snapshot.
                result.map(|mut inspected| {
                    inspected.snapshot.source.database = spec.to_string();
                    inspected.size_bytes = None;
                    inspected
                })
            }
        }
    }
}
