//! Loading any source into a catalog. A live database is inspected where it is; a snapshot is
//! read back; SQL — files, a migrations directory, a command's output — is replayed into a
//! shadow database (the embedded server unless a development server is named) that is
//! dropped afterwards, and the result is cached. The loader also hands out empty shadow
//! databases and replays into them, for the flows that need a copy of a source to run on.

use super::cache::{Key, ReplayCache};
use super::catalog::{inspect, InspectError, InspectOptions, Inspected};
use super::command::run_command;
use super::dir::{read_dir, DirError, DirFormat};
use super::replay::{replay, ReplayError, ReplayUnit};
use super::roles::{create_catalog_roles, MissingRoles};
use super::spec::SourceSpec;
use crate::model::{Catalog, Snapshot, FORMAT_VERSION};
use crate::pg::shadow::{ShadowDb, ShadowError, ShadowServer};
use crate::pg::{connect, ConnInfo, Connection};
use std::path::{Path, PathBuf};

/// Why a source could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Inspect(#[from] InspectError),
    #[error(transparent)]
    Shadow(#[from] ShadowError),
    #[error(transparent)]
    Replay(#[from] ReplayError),
    #[error(transparent)]
    Dir(#[from] DirError),
    #[error("{}: {reason}", path.display())]
    Snapshot { path: PathBuf, reason: String },
    #[error("cannot rebuild the schema in a shadow database: {reason}")]
    Rebuild { reason: String },
    #[error("cmd:{command} {status}{}", if stderr.is_empty() { String::new() } else { format!(":\n{stderr}") })]
    Command {
        command: String,
        status: String,
        stderr: String,
    },
}

/// How sources are loaded.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub inspect: InspectOptions,
    /// A server to make shadow databases on instead of the embedded one.
    pub dev_url: Option<ConnInfo>,
    /// Skip the replay cache (neither read nor write it).
    pub no_cache: bool,
    /// Where the replay cache lives (default: `replay/` in pgdrift's cache directory).
    pub cache_dir: Option<PathBuf>,
    /// Accept a `cmd:` source that prints no SQL (an empty desired schema); without it,
    /// that is an error.
    pub allow_empty_source: bool,
    /// Where notes for the user go (the command line: standard error), such as the
    /// placeholder roles a replay created; none: they are dropped.
    pub notes: Option<fn(&str)>,
}

/// A loaded source: its catalog and how it was obtained.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub inspected: Inspected,
    /// The catalog came from the replay cache: nothing was replayed.
    pub from_cache: bool,
    /// For a migrations directory: its format and how many migrations it holds.
    pub migrations: Option<(DirFormat, usize)>,
    /// The SQL the catalog was replayed from, for sources that are SQL.
    pub units: Option<Vec<ReplayUnit>>,
}

/// Loads sources, starting a shadow server the first time one is needed.
#[derive(Debug)]
pub struct Loader {
    options: LoadOptions,
    shadow: Option<ShadowServer>,
}

impl Loader {
    pub fn new(options: LoadOptions) -> Loader {
        Loader {
            options,
            shadow: None,
        }
    }

    /// Reads the catalog `spec` describes.
    pub async fn load(&mut self, spec: &SourceSpec) -> Result<Loaded, LoadError> {
        let (units, migrations) = match spec {
            SourceSpec::Database(info) => {
                let inspected = inspect(info, &self.options.inspect).await?;
                return Ok(Loaded {
                    inspected,
                    from_cache: false,
                    migrations: None,
                    units: None,
                });
            }
            SourceSpec::Snapshot(path) => {
                let inspected = from_snapshot(read_snapshot(path)?);
                return Ok(Loaded {
                    inspected,
                    from_cache: false,
                    migrations: None,
                    units: None,
                });
            }
            SourceSpec::SqlFiles(paths) => (
                paths
                    .iter()
                    .map(|p| ReplayUnit::file(p))
                    .collect::<Result<Vec<_>, _>>()?,
                None,
            ),
            SourceSpec::Directory {
                path,
                format,
                ignore,
            } => {
                let dir = read_dir(path, *format, ignore)?;
                let summary = (dir.format, dir.migrations.len());
                let units = dir
                    .migrations
                    .into_iter()
                    .map(|m| ReplayUnit {
                        name: m.path.display().to_string(),
                        sql: m.sql,
                        no_transaction: m.no_transaction,
                    })
                    .collect();
                (units, Some(summary))
            }
            SourceSpec::Command(command) => (
                vec![run_command(command, self.options.allow_empty_source).await?],
                None,
            ),
        };
        let (mut inspected, from_cache) = self.replayed(&units).await?;
        // The shadow database is an accident of the replay: name the source instead, so the
        // same SQL always gives the same snapshot.
        inspected.snapshot.source.database = spec.to_string();
        Ok(Loaded {
            inspected,
            from_cache,
            migrations,
            units: Some(units),
        })
    }

    /// A fresh, empty shadow database and a connection to it; the caller drops it
    /// (`ShadowDb::drop_now`). Flows fill it by `replay_into`, or by rebuilding a catalog
    /// in it (the pipeline's `rebuild`, which diffs and plans: sources do neither).
    pub async fn empty_shadow(&mut self) -> Result<(ShadowDb, Connection), LoadError> {
        let db = self.shadow().await?.create().await?;
        let ready = async {
            let conn = connect(db.conninfo()).await.map_err(ShadowError::from)?;
            db.ensure_empty(&conn).await?;
            Ok::<_, LoadError>(conn)
        }
        .await;
        match ready {
            Ok(conn) => Ok((db, conn)),
            Err(e) => {
                db.drop_now().await;
                Err(e)
            }
        }
    }

    /// Replays `units` into the database `conn` is connected to, making the roles they
    /// lack as the shadow server allows (see `missing_roles`).
    pub async fn replay_into(
        &self,
        conn: &Connection,
        units: &[ReplayUnit],
    ) -> Result<(), LoadError> {
        Ok(replay(conn, units, self.missing_roles()).await?)
    }

    /// What is read of a database, and of every shadow database.
    pub fn inspect_options(&self) -> &InspectOptions {
        &self.options.inspect
    }

    /// True when shadow databases are made on pgdrift's own private server (where roles a
    /// catalog names may be created at will).
    pub fn shadow_is_private(&self) -> bool {
        self.options.dev_url.is_none()
    }

    /// What a replay does about roles the shadow server lacks: placeholders on the private
    /// server, never on a development server.
    fn missing_roles(&self) -> MissingRoles {
        match self.shadow_is_private() {
            true => MissingRoles::Create {
                notes: self.options.notes,
            },
            false => MissingRoles::Refuse,
        }
    }

    async fn shadow(&mut self) -> Result<&ShadowServer, ShadowError> {
        if self.shadow.is_none() {
            self.shadow = Some(shadow_server(&self.options).await?);
        }
        Ok(self.shadow.as_ref().expect("set above"))
    }

    /// The server version the shadow has (or will have), without starting it.
    async fn shadow_version(&self) -> Result<String, ShadowError> {
        match (&self.shadow, &self.options.dev_url) {
            (Some(server), _) => server.version().await,
            (None, Some(url)) => Ok(connect(url).await?.version.text),
            (None, None) => ShadowServer::embedded_version().await,
        }
    }

    /// Replays `units` into a fresh shadow database and reads it, or takes the cached result.
    async fn replayed(&mut self, units: &[ReplayUnit]) -> Result<(Inspected, bool), LoadError> {
        let cache =
            (!self.options.no_cache).then(|| ReplayCache::new(self.options.cache_dir.clone()));
        let mut cache_name = None;
        if let Some(cache) = &cache {
            let mut key = Key::new(&self.shadow_version().await?, &self.options_key());
            for u in units {
                key.add(&u.sql, u.no_transaction);
            }
            let (hit, name) = cache.get(key);
            if let Some(snapshot) = hit {
                return Ok((from_snapshot(snapshot), true));
            }
            cache_name = Some(name);
        }
        let (db, conn) = self.empty_shadow().await?;
        let result = async {
            self.replay_into(&conn, units).await?;
            drop(conn);
            Ok::<_, LoadError>(inspect(db.conninfo(), &self.options.inspect).await?)
        }
        .await;
        db.drop_now().await;
        let mut inspected = result?;
        inspected.size_bytes = None;
        if let (Some(cache), Some(name)) = (&cache, &cache_name) {
            cache.put(name, &inspected.snapshot);
        }
        Ok((inspected, false))
    }

    /// What of the options changes a catalog: what is read, and whether missing roles are
    /// made (a replay that needed placeholders fails on a development server).
    fn options_key(&self) -> String {
        let o = &self.options.inspect;
        format!(
            "schemas={:?} exclude={:?} placeholder_roles={}",
            o.schemas,
            o.exclude_schemas,
            self.shadow_is_private()
        )
    }
}

/// The server shadow databases are made on: the development server `options` names, else
/// pgdrift's embedded one (started or attached to).
pub(crate) async fn shadow_server(options: &LoadOptions) -> Result<ShadowServer, ShadowError> {
    Ok(match &options.dev_url {
        Some(url) => ShadowServer::External(Box::new(url.clone())),
        None => ShadowServer::embedded().await?,
    })
}

/// Creates, as NOLOGIN roles, the roles `catalogs` grant to or name in policies that the
/// server does not have. Only for pgdrift's private server.
pub async fn create_roles(
    client: &tokio_postgres::Client,
    catalogs: &[&Catalog],
) -> Result<(), LoadError> {
    create_catalog_roles(client, catalogs)
        .await
        .map(drop)
        .map_err(|e| LoadError::Rebuild {
            reason: format!("creating roles: {e}"),
        })
}

fn from_snapshot(snapshot: Snapshot) -> Inspected {
    Inspected {
        snapshot,
        size_bytes: None,
        connections: 0,
        server_deparsed: 0,
        table_rows: Default::default(),
        timings: Vec::new(),
    }
}

/// Reads a snapshot written by `pgdrift inspect --format json`.
pub fn read_snapshot(path: &Path) -> Result<Snapshot, LoadError> {
    let bad = |reason: String| LoadError::Snapshot {
        path: path.to_path_buf(),
        reason,
    };
    let text = super::file::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    let text = super::dir::without_bom(&text);
    let at = |e: serde_json::Error| format!("line {}, column {}: {e}", e.line(), e.column());
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| bad(format!("not JSON: {}", at(e))))?;
    match value.get("format_version").and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(FORMAT_VERSION) => {}
        Some(v) => {
            return Err(bad(format!(
                "a snapshot of format_version {v}; this pgdrift reads format_version {FORMAT_VERSION} (write it again with this version's `pgdrift inspect --format json`)"
            )))
        }
        None => return Err(bad("not a pgdrift snapshot: it has no format_version (write one with `pgdrift inspect --format json`)".into())),
    }
    serde_json::from_str(text).map_err(|e| {
        bad(older_or_invalid(&e).unwrap_or_else(|| format!("not a valid snapshot: {}", at(e))))
    })
}

/// A snapshot that lacks the list of a kind was written by a pgdrift that did not read that
/// kind yet: comparing it would call every such object drift, so it is refused, saying why.
fn older_or_invalid(e: &serde_json::Error) -> Option<String> {
    let message = e.to_string();
    let field = message.strip_prefix("missing field `")?.split('`').next()?;
    let kind = crate::model::KINDS
        .iter()
        .find(|k| k.json_key == Some(field))?;
    Some(format!(
        "written by an older pgdrift, which did not read {} yet (no `{field}` list); write it again with this version's `pgdrift inspect --format json`",
        kind.plural
    ))
}
