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
        Ok(ShadowDb {
            info: self.admin().with_dbname(&name),
            admin,
            name,
            dropped: false,
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
}

impl ShadowDb {
    pub fn conninfo(&self) -> &ConnInfo {
        &self.info
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Drops the database, closing any session still in it.
    pub async fn drop_now(mut self) {
        self.dropped = true;
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
