//! Subscriptions (`CREATE SUBSCRIPTION`) of the database read: database-wide, in no schema,
//! keyed by name. The connection string is kept masked (its password replaced by `***`
//! when it is read), so no password reaches the model, its JSON or a plan; it is absent
//! when the reading role may not see it. A digest of its passwords is kept beside it, so a
//! subscription whose password alone changed still differs. Options that appeared in later versions are
//! absent on servers that do not have them.

use super::kind::{Kind, Place, Placed};
use super::names::Object;
use serde::{Deserialize, Serialize};

/// A subscription to publications of another server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub name: String,
    /// The publications subscribed to, sorted.
    pub publications: Vec<String>,
    /// The connection string, masked; `None` when it could not be read (only superusers
    /// may read it on some versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,
    /// A digest of the passwords the connection string holds (`None` when it holds none):
    /// a changed password shows as a changed digest, never as the password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_digest: Option<String>,
    pub enabled: bool,
    /// The replication slot on the publisher; `None` for `slot_name = NONE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot_name: Option<String>,
    pub synchronous_commit: String,
    pub binary: bool,
    /// `off`, `on` or `parallel` (16+).
    pub streaming: String,
    /// `two_phase` was asked for (15+; false before).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub two_phase: bool,
    /// `disable_on_error` (15+; false before).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable_on_error: bool,
    /// `origin` (16+): `any` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// `password_required` (16+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_required: Option<bool>,
    /// `run_as_owner` (16+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_owner: Option<bool>,
    /// `failover` (17+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failover: Option<bool>,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Object for Subscription {
    type Key = String;
    fn key(&self) -> String {
        self.name.clone()
    }
}

impl Placed for Subscription {
    /// In no schema (`""`), by its name.
    fn place(&self) -> Place<'_> {
        Place::top(Kind::Subscription, "", &self.name)
    }
}
