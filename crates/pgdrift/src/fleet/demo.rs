//! `pgdrift demo`: a small fleet that shows the drift teams really meet, built from the
//! example migrations pgdrift ships (`examples/fleet`): a master database and four tenants,
//! where one tenant has master tables mixed in, one is three migrations behind, one has an
//! orphaned `backup_test` table and a hand-made index, and the master has a legacy
//! `schema_migrations` table and an enum whose labels differ from the code.

use crate::fleet::config::{self, FleetConfig};
use crate::migrate::runner::{apply, ApplyOptions};
use crate::migrate::{files, read_dir, MigrationFile};
use crate::pg::{connect, ConnInfo};
use crate::sql::Ident;
use std::path::Path;

const MASTER: &[(&str, &str)] = &[
    (
        "001_plans_and_tenants.sql",
        include_str!("../../../../examples/fleet/master/migrations/001_plans_and_tenants.sql"),
    ),
    (
        "002_staff_users.sql",
        include_str!("../../../../examples/fleet/master/migrations/002_staff_users.sql"),
    ),
    (
        "003_billing.sql",
        include_str!("../../../../examples/fleet/master/migrations/003_billing.sql"),
    ),
    (
        "004_feature_flags.sql",
        include_str!("../../../../examples/fleet/master/migrations/004_feature_flags.sql"),
    ),
];

const TENANT: &[(&str, &str)] = &[
    (
        "001_customers.sql",
        include_str!("../../../../examples/fleet/tenant/migrations/001_customers.sql"),
    ),
    (
        "002_orders.sql",
        include_str!("../../../../examples/fleet/tenant/migrations/002_orders.sql"),
    ),
    (
        "003_order_items.sql",
        include_str!("../../../../examples/fleet/tenant/migrations/003_order_items.sql"),
    ),
    (
        "004_customer_email.sql",
        include_str!("../../../../examples/fleet/tenant/migrations/004_customer_email.sql"),
    ),
    (
        "005_revenue_view.sql",
        include_str!("../../../../examples/fleet/tenant/migrations/005_revenue_view.sql"),
    ),
    (
        "006_audit_log.sql",
        include_str!("../../../../examples/fleet/tenant/migrations/006_audit_log.sql"),
    ),
];

/// The demo's databases, without the prefix: the master, then the tenants.
pub const DATABASES: &[&str] = &[
    "master",
    "tenant_acme",
    "tenant_globex",
    "tenant_initech",
    "tenant_umbrella",
];

/// Why the demo fleet could not be built.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("writing the demo files in {path}: {reason}")]
    Files { path: String, reason: String },
    #[error("building demo database {database}: {reason}")]
    Build { database: String, reason: String },
    #[error(transparent)]
    Config(#[from] config::ConfigError),
}

fn build_error(database: &str) -> impl Fn(String) -> DemoError + '_ {
    move |reason| DemoError::Build {
        database: database.to_string(),
        reason,
    }
}

/// Writes the example migrations and a `pgdrift.toml` into `dir`, creates the fleet's
/// databases (names starting with `prefix`) on the server `admin` reaches, and returns the
/// configuration that audits them.
pub async fn build(admin: &ConnInfo, dir: &Path, prefix: &str) -> Result<FleetConfig, DemoError> {
    let master_dir = dir.join("master/migrations");
    let tenant_dir = dir.join("tenant/migrations");
    write_all(&master_dir, MASTER)?;
    write_all(&tenant_dir, TENANT)?;
    let conn = connect(admin)
        .await
        .map_err(|e| build_error("postgres")(e.to_string()))?;
    for name in DATABASES {
        let db = format!("{prefix}{name}");
        for sql in [
            format!("DROP DATABASE IF EXISTS {}", Ident(&db)),
            format!("CREATE DATABASE {} TEMPLATE template0", Ident(&db)),
        ] {
            conn.client
                .batch_execute(&sql)
                .await
                .map_err(|e| build_error(&db)(crate::pg::connect::db_message(&e)))?;
        }
    }
    let tenant_files = read_files(&tenant_dir)?;
    build_master(admin, prefix).await?;
    for name in &DATABASES[1..] {
        build_tenant(admin, prefix, name, &tenant_files).await?;
    }
    let config_path = dir.join(config::FILE_NAME);
    let text = config_text(admin, prefix);
    std::fs::write(&config_path, text).map_err(|e| files_error(dir, e))?;
    Ok(config::load(&config_path, &|_| None)?)
}

fn files_error(path: &Path, e: impl std::fmt::Display) -> DemoError {
    DemoError::Files {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

fn write_all(dir: &Path, files: &[(&str, &str)]) -> Result<(), DemoError> {
    std::fs::create_dir_all(dir).map_err(|e| files_error(dir, e))?;
    for (name, sql) in files {
        std::fs::write(dir.join(name), sql).map_err(|e| files_error(dir, e))?;
    }
    Ok(())
}

fn read_files(dir: &Path) -> Result<Vec<MigrationFile>, DemoError> {
    let read = read_dir(dir, None, &crate::source::dir::Ignore::none())
        .map_err(|e| files_error(dir, e))?;
    files::files(&read).map_err(|e| files_error(dir, e))
}

/// The master: its schema made by hand long ago — with `plan` labels that differ from the
/// code — and a legacy `schema_migrations` table of the home-made runner that made it.
async fn build_master(admin: &ConnInfo, prefix: &str) -> Result<(), DemoError> {
    let db = format!("{prefix}master");
    let mut sql = String::from(
        "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);\n\
         INSERT INTO schema_migrations VALUES ('001'), ('002'), ('003'), ('004');\n",
    );
    for (_, text) in MASTER {
        sql.push_str(text);
        sql.push('\n');
    }
    let sql = sql.replace(
        "('free', 'team', 'enterprise')",
        "('free', 'pro', 'enterprise')",
    );
    run(admin, &db, &sql).await
}

async fn run(admin: &ConnInfo, db: &str, sql: &str) -> Result<(), DemoError> {
    let conn = connect(&admin.with_dbname(db))
        .await
        .map_err(|e| build_error(db)(e.to_string()))?;
    conn.client
        .batch_execute(sql)
        .await
        .map_err(|e| build_error(db)(crate::pg::connect::db_message(&e)))
}

/// A tenant, migrated with pgdrift; then what happened to it by hand.
async fn build_tenant(
    admin: &ConnInfo,
    prefix: &str,
    name: &str,
    files: &[MigrationFile],
) -> Result<(), DemoError> {
    let db = format!("{prefix}{name}");
    let conn = connect(&admin.with_dbname(&db))
        .await
        .map_err(|e| build_error(&db)(e.to_string()))?;
    let options = ApplyOptions {
        // Initech stopped three migrations short of the directory.
        to: (name == "tenant_initech").then(|| "003_order_items.sql".to_string()),
        ..ApplyOptions::default()
    };
    apply(&conn, files, &options, &mut |_| {})
        .await
        .map_err(|e| build_error(&db)(e.to_string()))?;
    let by_hand = match name {
        // Someone ran the master's billing migrations against Globex.
        "tenant_globex" => format!("{}\n{}", MASTER[0].1, MASTER[2].1),
        "tenant_umbrella" => "CREATE TABLE backup_test AS SELECT * FROM customers;\n\
             CREATE INDEX customers_created_at ON customers (created_at);\n"
            .to_string(),
        _ => String::new(),
    };
    run(admin, &db, &by_hand).await
}

/// The demo's `pgdrift.toml`.
fn config_text(admin: &ConnInfo, prefix: &str) -> String {
    let url = ConnInfo {
        password: None,
        ..admin.clone()
    };
    format!(
        "# The demo fleet: pgdrift's private server, a master and four tenants.\n\
         [[server]]\n\
         name = \"demo\"\n\
         url = \"{url}\"\n\
         stage = \"staging\"\n\
         databases = [\"{prefix}*\"]\n\
         exclude = [\"postgres\"]\n\n\
         [role.master]\n\
         databases = [\"{prefix}master\"]\n\
         desired = \"master/migrations\"\n\
         migrations = \"master/migrations\"\n\n\
         [role.tenant]\n\
         databases = [\"{prefix}tenant_*\"]\n\
         desired = \"tenant/migrations\"\n\
         migrations = \"tenant/migrations\"\n"
    )
}
