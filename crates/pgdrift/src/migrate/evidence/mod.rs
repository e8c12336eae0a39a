//! Evidence for a baseline: what the migrations up to a version create, and whether a live
//! database holds it. The migrations are replayed one at a time in a shadow database and it
//! is read after each (`gather`); what each one creates or alters is its claim (`ledger`).
//! The catalog after the last one is compared with the live database's: every claimed object
//! that still exists is present, missing, or there but different. Objects only the live
//! database has (pgdrift's own schema, other tools' tracking tables, anything added by hand)
//! are evidence neither way; what a migration only drops is no claim either.

mod gather;
mod ledger;

pub use gather::{gather, gather_with};

use crate::migrate::Migration;
use crate::model::Kind;
use crate::pg::shadow::ShadowError;
use crate::source::replay::ReplayError;
use crate::source::InspectError;
use serde::Serialize;
use std::path::PathBuf;

/// What the live database holds of each migration's objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub migrations: Vec<MigrationEvidence>,
}

/// One migration's objects and how many of them the live database holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationEvidence {
    pub version: String,
    pub path: PathBuf,
    pub status: EvidenceStatus,
    /// What it creates or alters, in the order of kinds, then names; a created table's
    /// columns follow it.
    pub objects: Vec<ObjectEvidence>,
}

/// The verdict on one migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceStatus {
    /// Every object it leaves is in the live database as it leaves it.
    Present,
    /// None of its objects is in the live database.
    Missing,
    /// Some are, some are not, or some are there but different.
    Partial,
    /// It leaves no schema object to look for: it only changes data or drops objects, or
    /// everything it made was dropped by a later migration.
    NoSchemaObjects,
}

/// One object a migration creates or alters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectEvidence {
    pub kind: Kind,
    /// As the diff names it: `public.users`, `public.users.email`, `public.f(integer)`.
    pub name: String,
    #[serde(flatten)]
    pub state: ObjectState,
}

/// Whether the live database holds an object as the migrations leave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ObjectState {
    Present,
    Missing,
    /// There, but these fields (of those this migration set) differ.
    Differs {
        fields: Vec<String>,
    },
    /// A later migration (`by`, its version) drops it: no claim about the live database.
    Superseded {
        by: String,
    },
}

impl ObjectState {
    /// Whether the object counts as evidence (it is not superseded).
    pub fn counts(&self) -> bool {
        !matches!(self, ObjectState::Superseded { .. })
    }
}

impl MigrationEvidence {
    fn new(migration: &Migration, objects: Vec<ObjectEvidence>) -> MigrationEvidence {
        let counted = objects.iter().filter(|o| o.state.counts());
        let (mut total, mut present, mut missing) = (0, 0, 0);
        for o in counted {
            total += 1;
            match o.state {
                ObjectState::Present => present += 1,
                ObjectState::Missing => missing += 1,
                _ => {}
            }
        }
        let status = match total {
            0 => EvidenceStatus::NoSchemaObjects,
            _ if present == total => EvidenceStatus::Present,
            _ if missing == total => EvidenceStatus::Missing,
            _ => EvidenceStatus::Partial,
        };
        MigrationEvidence {
            version: migration.version.clone(),
            path: migration.path.clone(),
            status,
            objects,
        }
    }

    /// The objects that count (not superseded), and how many of them are present.
    pub fn present_of_counted(&self) -> (usize, usize) {
        let counted = self.objects.iter().filter(|o| o.state.counts());
        let present = counted.clone().filter(|o| o.state == ObjectState::Present);
        (present.count(), counted.count())
    }
}

impl Evidence {
    /// True when the live database holds everything the migrations leave: no migration is
    /// missing or partly present.
    pub fn supports_baseline(&self) -> bool {
        self.unsupported().next().is_none()
    }

    /// The migrations the live database does not (fully) hold.
    pub fn unsupported(&self) -> impl Iterator<Item = &MigrationEvidence> {
        self.migrations
            .iter()
            .filter(|m| matches!(m.status, EvidenceStatus::Missing | EvidenceStatus::Partial))
    }

    /// One line: how many migrations are present, partly present, missing, without objects.
    pub fn summary(&self) -> String {
        let count = |s| self.migrations.iter().filter(|m| m.status == s).count();
        let n = self.migrations.len();
        let mut parts = Vec::new();
        for (status, label) in [
            (EvidenceStatus::Present, "present"),
            (EvidenceStatus::Partial, "partly present"),
            (EvidenceStatus::Missing, "missing"),
            (EvidenceStatus::NoSchemaObjects, "without schema objects"),
        ] {
            let c = count(status);
            if c > 0 {
                parts.push(format!("{c} {label}"));
            }
        }
        let noun = if n == 1 { "migration" } else { "migrations" };
        match parts.is_empty() {
            true => format!("{n} {noun}"),
            false => format!("{n} {noun}: {}", parts.join(", ")),
        }
    }
}

/// Why the evidence could not be gathered.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("reading the live database: {0}")]
    Live(#[source] InspectError),
    #[error(transparent)]
    Shadow(#[from] ShadowError),
    /// The roles the live database grants to could not be made on the private server.
    #[error("preparing the shadow database: {message}")]
    Roles { message: String },
    #[error("migration {version} does not replay on an empty database: {source}")]
    Replay {
        version: String,
        path: PathBuf,
        #[source]
        source: ReplayError,
    },
    #[error("reading the shadow database {}: {source}", match after {
        Some(version) => format!("after migration {version}"),
        None => "before the first migration".to_string(),
    })]
    ShadowRead {
        /// The migration replayed last.
        after: Option<String>,
        #[source]
        source: InspectError,
    },
}
