//! Roles a replay needs that its server lacks. Schema files and migrations grant to roles and
//! hand objects to owners that exist only where they run (`GRANT ... TO app_rw`,
//! `OWNER TO app_owner`). On pgdrift's private server such a role is created as a NOLOGIN
//! placeholder when PostgreSQL refuses a statement for want of it, and the statement runs
//! again; on a `--dev-url` server roles are never created, and the failure says so.
//!
//! A role is found from the error itself (`role "X" does not exist`), never by guessing at
//! the SQL text, so a placeholder is made for exactly the roles a statement names. Roles are
//! cluster-wide: one that another replay created in the meantime counts as there, and on the
//! private server a `CREATE ROLE` of a role an earlier replay made (a placeholder, or the same
//! SQL replayed again) is skipped: roles are not part of the schema pgdrift compares.

use crate::model::Catalog;
use crate::sql::Ident;
use std::collections::BTreeSet;
use tokio_postgres::error::SqlState;
use tokio_postgres::Client;

/// What a replay does about a role its server lacks.
#[derive(Debug, Clone, Copy)]
pub enum MissingRoles {
    /// pgdrift's private server: the role is created NOLOGIN and the statement runs again;
    /// the roles created are named once through `notes`, when given.
    Create { notes: Option<fn(&str)> },
    /// A server the user named (`--dev-url`): roles are never created there.
    Refuse,
}

impl MissingRoles {
    /// `Create` (without notes) on pgdrift's private server, else `Refuse`.
    pub fn private(private: bool) -> MissingRoles {
        match private {
            true => MissingRoles::Create { notes: None },
            false => MissingRoles::Refuse,
        }
    }

    pub(crate) fn creates(self) -> bool {
        matches!(self, MissingRoles::Create { .. })
    }

    /// Tells, once, which placeholder roles a replay created.
    pub(crate) fn announce(self, created: &[String]) {
        if let (MissingRoles::Create { notes: Some(notes) }, false) = (self, created.is_empty()) {
            let names: Vec<String> = created.iter().map(|r| Ident(r).to_string()).collect();
            notes(&format!(
                "created NOLOGIN placeholder role(s) {} on pgdrift's private server: the SQL grants to or hands ownership to them, and they exist only where it runs",
                names.join(", ")
            ));
        }
    }
}

/// The role an error says does not exist (`role "X" does not exist`, as GRANT, ALTER ...
/// OWNER TO, CREATE SCHEMA ... AUTHORIZATION, CREATE POLICY ... TO, ALTER DEFAULT PRIVILEGES
/// FOR ROLE and SET ROLE report it).
pub fn missing_role(error: &tokio_postgres::Error) -> Option<String> {
    let db = error.as_db_error()?;
    if *db.code() != SqlState::UNDEFINED_OBJECT && *db.code() != SqlState::INVALID_PARAMETER_VALUE {
        return None;
    }
    db.message()
        .strip_prefix("role \"")?
        .strip_suffix("\" does not exist")
        .filter(|name| !name.is_empty())
        .map(str::to_string)
}

/// The role an error says exists already (`role "X" already exists`, as CREATE ROLE, USER
/// and GROUP report it).
pub fn existing_role(error: &tokio_postgres::Error) -> Option<String> {
    let db = error.as_db_error()?;
    if *db.code() != SqlState::DUPLICATE_OBJECT {
        return None;
    }
    db.message()
        .strip_prefix("role \"")?
        .strip_suffix("\" already exists")
        .filter(|name| !name.is_empty())
        .map(str::to_string)
}

/// True when `statement` creates a role (`CREATE ROLE`, `CREATE USER`, `CREATE GROUP`).
pub(crate) fn creates_role(statement: &str) -> bool {
    let words: Vec<String> = statement
        .split_whitespace()
        .take(2)
        .map(str::to_ascii_uppercase)
        .collect();
    words.len() == 2
        && words[0] == "CREATE"
        && ["ROLE", "USER", "GROUP"].contains(&words[1].as_str())
}

/// The advice for a replay on a `--dev-url` server that lacks `role`.
pub(crate) fn dev_server_advice(role: &str) -> String {
    format!(
        "pgdrift does not create roles on a --dev-url server: create the role there (CREATE ROLE {} NOLOGIN), or replay on pgdrift's private server (leave out --dev-url), where it is made as a NOLOGIN placeholder",
        Ident(role)
    )
}

/// Creates `role` NOLOGIN unless it exists; true when this call created it. A role that
/// another session created at the same time counts as existing.
pub async fn create_placeholder(
    client: &Client,
    role: &str,
) -> Result<bool, tokio_postgres::Error> {
    if exists(client, role).await? {
        return Ok(false);
    }
    let sql = format!("CREATE ROLE {} NOLOGIN", Ident(role));
    match client.batch_execute(&sql).await {
        Ok(()) => Ok(true),
        Err(e) => match exists(client, role).await {
            Ok(true) => Ok(false),
            _ => Err(e),
        },
    }
}

async fn exists(client: &Client, role: &str) -> Result<bool, tokio_postgres::Error> {
    let row = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1)",
            &[&role],
        )
        .await?;
    Ok(row.get(0))
}

/// Creates, as NOLOGIN placeholders, the roles `catalogs` grant to or name in policies and
/// the server lacks; the roles created. Only for pgdrift's private server.
pub async fn create_catalog_roles(
    client: &Client,
    catalogs: &[&Catalog],
) -> Result<Vec<String>, tokio_postgres::Error> {
    let mut roles = BTreeSet::new();
    for c in catalogs {
        roles.extend(c.role_names());
    }
    let mut created = Vec::new();
    for role in roles {
        if create_placeholder(client, &role).await? {
            created.push(role);
        }
    }
    Ok(created)
}
