//! Connections to PostgreSQL: connection strings, TLS, server versions, the embedded
//! private server and shadow databases, and running a plan's statements on a database
//! (`apply`). No diff logic, no report formats.

pub mod apply;
pub mod cleanup;
pub mod connect;
pub mod conninfo;
pub mod copy;
pub mod embedded;
pub mod script;
pub mod shadow;
mod tls;

pub use connect::{connect, ConnectError, Connection, ServerVersion};
pub use conninfo::{
    mask_quoting, mask_urls, mask_value, value_secrets, ConnInfo, ConnInfoError, Host, SslMode,
};
