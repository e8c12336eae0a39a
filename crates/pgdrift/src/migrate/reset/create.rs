//! `--create`: connecting to a database that does not exist creates it, from the server's
//! `postgres` database, owned by the connecting user.

use super::ResetError;
use crate::pg::connect::ConnectFailure;
use crate::pg::{connect, ConnInfo, Connection};
use crate::sql::Ident;

/// Connects to `info`; when the database does not exist and `create` is set, creates it
/// first. Returns the connection and whether the database was created.
pub async fn connect_or_create(
    info: &ConnInfo,
    create: bool,
) -> Result<(Connection, bool), ResetError> {
    let database = info.database().to_string();
    let unreachable = |message: String| ResetError::Database {
        database: database.clone(),
        context: "connecting".to_string(),
        message,
    };
    match connect(info).await {
        Ok(conn) => Ok((conn, false)),
        Err(e) if create && e.reason == ConnectFailure::UnknownDatabase => {
            create_database(info).await?;
            let conn = connect(info)
                .await
                .map_err(|e| unreachable(e.to_string()))?;
            Ok((conn, true))
        }
        Err(e) if e.reason == ConnectFailure::UnknownDatabase => {
            Err(unreachable(format!("{e}; pass --create to create it")))
        }
        Err(e) => Err(unreachable(e.to_string())),
    }
}

/// Creates `info`'s database from the server's `postgres` database.
async fn create_database(info: &ConnInfo) -> Result<(), ResetError> {
    let database = info.database().to_string();
    let admin = connect(&info.with_dbname("postgres"))
        .await
        .map_err(|e| ResetError::Database {
            database: database.clone(),
            context: "creating it (--create) from the server's postgres database".to_string(),
            message: format!(
                "{e}; create the database yourself (createdb), or let this user connect to \
                 the postgres database"
            ),
        })?;
    let sql = format!("CREATE DATABASE {}", Ident(&database));
    (admin.client.batch_execute(&sql).await).map_err(|e| ResetError::Database {
        database: database.clone(),
        context: "creating it (--create)".to_string(),
        message: format!(
            "{}; create it yourself, or grant this user CREATEDB",
            crate::pg::connect::db_message(&e)
        ),
    })
}
