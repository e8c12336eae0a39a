//! Subscriptions, their connection string masked as it is read.

use super::super::rows::get;
use super::super::InspectError;
use super::sorted;
use crate::model::secret_digest;
use crate::model::Subscription;
use crate::pg::{mask_value, value_secrets};
use tokio_postgres::Row;

pub(super) const QUERY: &str = "subscriptions";
pub(super) const COLS: &[&str] = &[
    "name",
    "publications",
    "connection",
    "enabled",
    "slot_name",
    "synchronous_commit",
    "binary",
    "streaming",
    "two_phase",
    "disable_on_error",
    "origin",
    "password_required",
    "run_as_owner",
    "failover",
    "owner",
    "comment",
];

pub(super) fn decode(row: &Row) -> Result<Subscription, InspectError> {
    let connection: Option<String> = get!(row, "connection");
    let secrets = connection.as_deref().map(value_secrets).unwrap_or_default();
    let password_digest =
        (!secrets.is_empty()).then(|| secret_digest("connection", &secrets.join("\0")));
    Ok(Subscription {
        name: get!(row, "name"),
        publications: sorted(get!(row, "publications")),
        connection: connection.as_deref().map(mask_value),
        password_digest,
        enabled: get!(row, "enabled"),
        slot_name: get!(row, "slot_name"),
        synchronous_commit: get!(row, "synchronous_commit"),
        binary: get!(row, "binary"),
        streaming: get!(row, "streaming"),
        two_phase: get!(row, "two_phase"),
        disable_on_error: get!(row, "disable_on_error"),
        origin: get!(row, "origin"),
        password_required: get!(row, "password_required"),
        run_as_owner: get!(row, "run_as_owner"),
        failover: get!(row, "failover"),
        owner: get!(row, "owner"),
        comment: get!(row, "comment"),
    })
}
