//! Connections to PostgreSQL: connection strings, TLS, server versions and the embedded
//! private server. No diff logic, no report formats.

pub mod connect;
pub mod conninfo;
pub mod embedded;
mod tls;

pub use connect::{connect, ConnectError, Connection, ServerVersion};
pub use conninfo::{mask_urls, ConnInfo, ConnInfoError, Host, SslMode};
