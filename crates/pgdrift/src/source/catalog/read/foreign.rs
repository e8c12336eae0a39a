//! Foreign data wrappers, foreign servers and user mappings.

use super::super::acl::privileges;
use super::super::rows::get;
use super::super::InspectError;
use crate::model::{parse_options, ForeignDataWrapper, ForeignServer, QualName, UserMapping};
use tokio_postgres::Row;

pub(super) mod wrappers {
    use super::*;

    pub(in super::super) const QUERY: &str = "foreign_data_wrappers";
    pub(in super::super) const COLS: &[&str] = &[
        "name",
        "handler_schema",
        "handler_name",
        "validator_schema",
        "validator_name",
        "options",
        "owner",
        "comment",
        "acl",
        "acl_default",
    ];

    pub(in super::super) fn decode(row: &Row) -> Result<ForeignDataWrapper, InspectError> {
        let function =
            |schema: Option<String>, name: Option<String>| Some(QualName::new(schema?, name?));
        Ok(ForeignDataWrapper {
            name: get!(row, "name"),
            handler: function(get!(row, "handler_schema"), get!(row, "handler_name")),
            validator: function(get!(row, "validator_schema"), get!(row, "validator_name")),
            options: parse_options(get!(row, "options")),
            owner: get!(row, "owner"),
            comment: get!(row, "comment"),
            privileges: privileges(get!(row, "acl"), get!(row, "acl_default")),
        })
    }
}

pub(super) mod servers {
    use super::*;

    pub(in super::super) const QUERY: &str = "foreign_servers";
    pub(in super::super) const COLS: &[&str] = &[
        "name",
        "wrapper",
        "server_type",
        "version",
        "options",
        "owner",
        "comment",
        "acl",
        "acl_default",
    ];

    pub(in super::super) fn decode(row: &Row) -> Result<ForeignServer, InspectError> {
        Ok(ForeignServer {
            name: get!(row, "name"),
            wrapper: get!(row, "wrapper"),
            server_type: get!(row, "server_type"),
            version: get!(row, "version"),
            options: parse_options(get!(row, "options")),
            owner: get!(row, "owner"),
            comment: get!(row, "comment"),
            privileges: privileges(get!(row, "acl"), get!(row, "acl_default")),
        })
    }
}

pub(super) mod mappings {
    use super::*;

    pub(in super::super) const QUERY: &str = "user_mappings";
    pub(in super::super) const COLS: &[&str] = &["role", "server", "options"];

    pub(in super::super) fn decode(row: &Row) -> Result<UserMapping, InspectError> {
        Ok(UserMapping {
            role: get!(row, "role"),
            server: get!(row, "server"),
            options: parse_options(get!(row, "options")),
        })
    }
}
