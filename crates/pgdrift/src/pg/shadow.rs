//! Shadow databases: throwaway databases that file-based sources are replayed into, so that
//! PostgreSQL itself parses their DDL. By default on the embedded private server (started on
//! first use); with a development server URL, as uniquely named databases there. Every
//! shadow database is dropped after use, also when the replay fails.

use super::connect::{connect, ConnectError, Connection};
use super::conninfo::ConnInfo;
use super::embedded::{EmbeddedError, EmbeddedServer};
use crate::sql::Ident;
use std::sync::atomic::{AtomicU32, Ordering};

/// Where shadow databases are made.
#[derive(Debug)]
pub enum ShadowServer {
    /// The embedded private server.
    Embedded(EmbeddedServer),
    /// A server the user named (`--dev-url`): pgdrift only creates and drops its own
    /// databases there.
    External(Box<ConnInfo>),
}

/// Why a shadow database could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ShadowError {
    #[error(transparent)]
    Embedded(#[from] EmbeddedError),
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(
        "cannot create a shadow database on {target}: {message}; the role needs CREATEDB there"
    )]
    Create { target: String, message: String },
    #[error("the shadow database {name} is not empty ({what}); a shadow starts from template0 and must hold nothing")]
    NotEmpty { name: String, what: String },
}

static NEXT: AtomicU32 = AtomicU32::new(0);

impl ShadowServer {
    /// Starts the embedded server (blocking work runs off the async threads).
    pub async fn embedded() -> Result<ShadowServer, ShadowError> {
        let server = tokio::task::spawn_blocking(EmbeddedServer::start)
            .await
            .map_err(|e| EmbeddedError::Start {
                reason: e.to_string(),
                log: String::new(),
            })??;
        Ok(ShadowServer::Embedded(server))
    }

    /// The version the embedded server would run, without starting it.
    pub async fn embedded_version() -> Result<String, ShadowError> {
        let bins = tokio::task::spawn_blocking(super::embedded::PgBinaries::locate)
            .await
            .map_err(|e| EmbeddedError::Start {
                reason: e.to_string(),
                log: String::new(),
            })??;
        Ok(bins.version_text)
    }

    /// The server's version, as `postgres --version` or `server_version` says it.
    pub async fn version(&self) -> Result<String, ShadowError> {
        match self {
            ShadowServer::Embedded(s) => Ok(s.binaries().version_text.clone()),
            ShadowServer::External(info) => Ok(connect(info).await?.version.text),
        }
    }

    fn admin(&self) -> ConnInfo {
        match self {
            ShadowServer::Embedded(s) => s.conninfo("postgres"),
            ShadowServer::External(info) => (**info).clone(),
        }
    }

    /// Creates a fresh, empty database (from `template0`) with a unique name.
    pub async fn create(&self) -> Result<ShadowDb, ShadowError> {
        let admin = connect(&self.admin()).await?;
        let name = format!(
            "pgdrift_shadow_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos())
        );
        admin
            .client
            .batch_execute(&format!(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'",
                Ident(&name)
            ))
            .await
            .map_err(|e| ShadowError::Create {
                target: admin.target.clone(),
                message: super::connect::db_message(&e),
            })?;
        let cleanup = {
            let (admin, name) = (self.admin(), name.clone());
            super::cleanup::register(move || drop_database_blocking(&admin, &name))
        };
        Ok(ShadowDb {
            info: self.admin().with_dbname(&name),
            admin,
            name,
            dropped: false,
            cleanup,
        })
    }
}

/// A shadow database; [`ShadowDb::drop_now`] removes it (dropping the value does too, on a
/// best-effort basis).
#[derive(Debug)]
pub struct ShadowDb {
    info: ConnInfo,
    admin: Connection,
    name: String,
    dropped: bool,
    /// The interrupt action that drops it.
    cleanup: u64,
}

impl ShadowDb {
    pub fn conninfo(&self) -> &ConnInfo {
        &self.info
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Checks that nothing is in the database yet (no schema but `public`, no relation in
    /// it), so that everything read later came from the replay.
    pub async fn ensure_empty(&self, conn: &Connection) -> Result<(), ShadowError> {
        let row = conn
            .client
            .query_one(
                "SELECT (SELECT count(*) FROM pg_catalog.pg_namespace n \
                         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public') \
                           AND n.nspname !~ '^pg_(toast|temp_)')::int8, \
                        (SELECT count(*) FROM pg_catalog.pg_class c \
                         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                         WHERE n.nspname = 'public')::int8",
                &[],
            )
            .await
            .map_err(|e| ShadowError::Create {
                target: conn.target.clone(),
                message: super::connect::db_message(&e),
            })?;
        let (schemas, relations): (i64, i64) = (row.get(0), row.get(1));
        if schemas + relations > 0 {
            return Err(ShadowError::NotEmpty {
                name: self.name.clone(),
                what: format!("{schemas} schema(s), {relations} relation(s) in public"),
            });
        }
        Ok(())
    }

    /// Drops the database, closing any session still in it.
    pub async fn drop_now(mut self) {
        self.dropped = true;
        super::cleanup::forget(self.cleanup);
        let _ = self
            .admin
            .client
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                Ident(&self.name)
            ))
            .await;
    }
}

impl Drop for ShadowDb {
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        super::cleanup::forget(self.cleanup);
        // Not dropped explicitly (an early return or a panic).
        drop_database_blocking(
            &self.info.with_dbname(self.admin.database.as_str()),
            &self.name,
        );
    }
}

/// Drops database `name` through a connection to `admin`, from a thread of its own, so that
/// it can run where no async runtime may be entered (in `Drop`). Best effort.
pub fn drop_database_blocking(admin: &ConnInfo, name: &str) {
    let admin = admin.clone();
    let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", Ident(name));
    let _ = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        rt.block_on(async {
            let conn = connect(&admin).await.ok()?;
            conn.client.batch_execute(&sql).await.ok()
        })
    })
    .join();
}
