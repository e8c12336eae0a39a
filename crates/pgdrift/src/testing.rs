//! The test harness: every test gets a fresh database of its own, on one embedded server per
//! test binary, or on the server `PGDRIFT_TEST_URL` names. Without server binaries (and
//! without `PGDRIFT_TEST_URL`) a test fails with a message that says how to get them; it is
//! never skipped.

use crate::pg::embedded::EmbeddedServer;
use crate::pg::{connect, ConnInfo, Connection};
use crate::sql::Ident;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

enum Server {
    Embedded(EmbeddedServer),
    External(Box<ConnInfo>),
}

impl Server {
    fn admin(&self) -> ConnInfo {
        match self {
            Server::Embedded(s) => s.conninfo("postgres"),
            Server::External(info) => (**info).clone(),
        }
    }
}

static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();
static COUNTER: AtomicU32 = AtomicU32::new(0);

fn server() -> &'static Server {
    let server = SERVER.get_or_init(|| match std::env::var("PGDRIFT_TEST_URL") {
        Ok(url) if !url.is_empty() => ConnInfo::parse(&url)
            .and_then(|c| c.resolve(&|k| std::env::var(k).ok()))
            .map(|c| Server::External(Box::new(c)))
            .map_err(|e| format!("PGDRIFT_TEST_URL: {e}")),
        _ => EmbeddedServer::start()
            .map(Server::Embedded)
            .map_err(|e| e.to_string()),
    });
    match server {
        Ok(s) => s,
        Err(e) => panic!(
            "pgdrift's tests need a PostgreSQL server and could not get one: {e}\n\
             Install the PostgreSQL server binaries (Debian: apt-get install postgresql), point \
             PGDRIFT_PG_BIN at a directory holding initdb and postgres, or set PGDRIFT_TEST_URL \
             to a server the tests may create databases on."
        ),
    }
}

/// The embedded server the tests run on, when they do not use `PGDRIFT_TEST_URL`.
pub fn embedded_server() -> Option<&'static EmbeddedServer> {
    match server() {
        Server::Embedded(s) => Some(s),
        Server::External(_) => None,
    }
}

/// How to reach the test server as its superuser (its `postgres` database).
pub fn admin_conninfo() -> ConnInfo {
    server().admin()
}

/// A database that exists for one test only.
#[derive(Debug)]
pub struct TestDb {
    info: ConnInfo,
    name: String,
}

impl TestDb {
    /// Creates a fresh, empty database (from `template0`).
    pub async fn new() -> TestDb {
        let server = server();
        let name = format!(
            "pgdrift_test_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let admin = server.admin();
        let conn = connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("test server: {e}"));
        conn.client
            .batch_execute(&format!(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'",
                Ident(&name)
            ))
            .await
            .unwrap_or_else(|e| {
                let why = crate::pg::connect::db_message(&e);
                panic!("creating test database {name}: {why}")
            });
        TestDb {
            info: admin.with_dbname(&name),
            name,
        }
    }

    /// Creates a fresh database and runs `sql` in it.
    pub async fn with_sql(sql: &str) -> TestDb {
        let db = TestDb::new().await;
        db.execute(sql).await;
        db
    }

    /// How to connect to this database.
    pub fn conninfo(&self) -> &ConnInfo {
        &self.info
    }

    /// A connection string for this database without its password (tests that run the
    /// binary pass a password through `PGPASSWORD` instead).
    pub fn url(&self) -> String {
        ConnInfo {
            password: None,
            ..self.info.clone()
        }
        .to_string()
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A new connection to this database.
    pub async fn connect(&self) -> Connection {
        connect(&self.info).await.unwrap_or_else(|e| panic!("{e}"))
    }

    /// The first column of every row `sql` returns, as text; panics with the query and the
    /// server's message on error.
    pub async fn strings(&self, sql: &str) -> Vec<String> {
        let conn = self.connect().await;
        let rows = conn.client.query(sql, &[]).await;
        rows.unwrap_or_else(|e| panic!("{sql}: {}", crate::pg::connect::db_message(&e)))
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect()
    }

    /// Runs `sql` (several statements allowed); panics with the server's message on error.
    pub async fn execute(&self, sql: &str) {
        let conn = self.connect().await;
        if let Err(e) = conn.client.batch_execute(sql).await {
            let detail = e
                .as_db_error()
                .map(|d| format!("{} (at {:?})", d.message(), d.position()))
                .unwrap_or_else(|| e.to_string());
            panic!("running SQL in {}: {detail}", self.name);
        }
    }
}

impl Drop for TestDb {
    /// The database is dropped when its test is done with it, on the embedded server too:
    /// a test binary creates hundreds of databases, and keeping them all until it exits
    /// would take gigabytes of disk.
    /// On the embedded server a background thread drops them, so a test does not wait for
    /// it; on a shared external server the drop is waited for, so none is left behind when
    /// the binary exits.
    fn drop(&mut self) {
        match server() {
            Server::Embedded(s) => dropper(s).drop_later(&self.name),
            Server::External(admin) => crate::pg::shadow::drop_database_blocking(admin, &self.name),
        }
    }
}

/// Drops the embedded server's finished test databases one after another, on a thread of its
/// own.
struct Dropper {
    queue: std::sync::Mutex<std::sync::mpsc::Sender<String>>,
}

impl Dropper {
    fn drop_later(&self, name: &str) {
        if let Ok(queue) = self.queue.lock() {
            let _ = queue.send(name.to_string());
        }
    }
}

fn dropper(server: &EmbeddedServer) -> &'static Dropper {
    static DROPPER: OnceLock<Dropper> = OnceLock::new();
    DROPPER.get_or_init(|| {
        let (send, receive) = std::sync::mpsc::channel::<String>();
        let admin = server.conninfo("postgres");
        std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                let mut conn = None;
                while let Ok(name) = receive.recv() {
                    if conn.is_none() {
                        conn = connect(&admin).await.ok();
                    }
                    let Some(c) = &conn else { continue };
                    let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", Ident(&name));
                    if c.client.batch_execute(&sql).await.is_err() && c.client.is_closed() {
                        conn = None;
                    }
                }
            });
        });
        Dropper {
            queue: std::sync::Mutex::new(send),
        }
    })
}
