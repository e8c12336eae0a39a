//! The hazard table: every risk a plan step can carry, in one place. A hazard is a typed
//! value attached to the step that creates it, with a stable code and slug for programs,
//! a message for people, and a line of advice. Steps are never classified by their text.

use serde::{Serialize, Serializer};
use std::fmt;

/// What is known about a hazard kind.
#[derive(Debug, Clone, Copy)]
pub struct HazardInfo {
    pub kind: HazardKind,
    /// Stable code (`PD101`).
    pub code: &'static str,
    /// Stable slug (`deletes-data`).
    pub slug: &'static str,
    /// What the risk is.
    pub message: &'static str,
    /// What to do about it.
    pub doc: &'static str,
    /// Steps with this hazard lose data: they run only with `--allow-destructive`.
    pub destructive: bool,
}

/// Declares every hazard once: the `HazardKind` variant and its row of [`HAZARDS`] come
/// from the same entry, so a kind cannot exist without its code, slug, message and advice,
/// and `info` finds the row by the variant's position.
macro_rules! hazards {
    ($($kind:ident {
        code: $code:literal,
        slug: $slug:literal,
        message: $message:literal,
        doc: $doc:literal,
        destructive: $destructive:literal,
    },)*) => {
        /// Every kind of hazard.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum HazardKind {
            $($kind,)*
        }

        /// All hazards, in the order of [`HazardKind`].
        pub const HAZARDS: &[HazardInfo] = &[
            $(HazardInfo {
                kind: HazardKind::$kind,
                code: $code,
                slug: $slug,
                message: $message,
                doc: $doc,
                destructive: $destructive,
            },)*
        ];
    };
}

hazards! {
    DeletesData {
        code: "PD101",
        slug: "deletes-data",
        message: "deletes data",
        doc: "The rows or values this step removes are gone once it commits. It runs only with \
              --allow-destructive; take a backup first.",
        destructive: true,
    },
    RewritesTable {
        code: "PD102",
        slug: "rewrites-table",
        message: "rewrites the whole table",
        doc: "The table (and its indexes) is copied under an ACCESS EXCLUSIVE lock: reads and \
              writes wait until it finishes. Run it in a maintenance window on big tables.",
        destructive: false,
    },
    LocksTable {
        code: "PD103",
        slug: "locks-big-table",
        message: "takes an ACCESS EXCLUSIVE lock on a big table",
        doc: "Every query on the table waits while the step runs and while it waits for the \
              lock; lock_timeout bounds the wait.",
        destructive: false,
    },
    MayFailOnData {
        code: "PD104",
        slug: "may-fail-on-data",
        message: "may fail on existing data",
        doc: "Rows that break the new rule make the step fail and the transaction roll back; \
              check the data first.",
        destructive: false,
    },
    IndexNotConcurrent {
        code: "PD105",
        slug: "index-not-concurrent",
        message: "builds an index without CONCURRENTLY",
        doc: "Writes to the table wait while the index builds; --online builds it with \
              CREATE INDEX CONCURRENTLY outside the transaction.",
        destructive: false,
    },
    EnumRecreated {
        code: "PD106",
        slug: "enum-recreated",
        message: "recreates an enum type to remove or reorder labels",
        doc: "Columns of the type are converted through text (a table rewrite); rows holding a \
              removed label make it fail.",
        destructive: false,
    },
    SignatureChange {
        code: "PD107",
        slug: "signature-change",
        message: "drops and recreates a routine",
        doc: "The routine's result, arguments or kind changed, which CREATE OR REPLACE cannot \
              do; callers fail between the drop and the create unless both commit together.",
        destructive: false,
    },
    SequenceReset {
        code: "PD108",
        slug: "sequence-reset",
        message: "starts a sequence over",
        doc: "A new or recreated sequence starts from its START value; check that the values \
              it hands out do not collide with existing rows.",
        destructive: false,
    },
    PrivilegeRevoked {
        code: "PD109",
        slug: "privilege-revoked",
        message: "revokes a privilege",
        doc: "Roles that relied on the privilege lose access when the step commits.",
        destructive: false,
    },
    RecreatesDependents {
        code: "PD110",
        slug: "recreates-dependents",
        message: "drops and recreates dependent objects",
        doc: "Views, triggers, policies or constraints that depend on the changed object are \
              dropped and created again in the same transaction.",
        destructive: false,
    },
    DropsBehavior {
        code: "PD111",
        slug: "drops-behavior",
        message: "removes logic the database runs by itself",
        doc: "A trigger or a row-level security policy runs on every matching write or read, a \
              rule rewrites every matching statement, an event trigger runs on DDL, and a \
              routine a trigger calls is that trigger's logic: once dropped, rows are written \
              without it, and a dropped permissive policy hides rows while a dropped restrictive \
              one shows them. Check that nothing relies on it any more.",
        destructive: false,
    },
    NotRestorable {
        code: "PD112",
        slug: "not-restorable",
        message: "what it deletes cannot be put back by the rollback",
        doc: "The backup cannot be matched to the rows it came from (no primary key or unique \
              not-null key on the columns that stay), or PostgreSQL recomputes the contents \
              instead of storing them: the rollback says so and stops rather than restore \
              something else. Add a key first, or restore by hand from the backup.",
        destructive: false,
    },
    InvalidIndex {
        code: "PD113",
        slug: "invalid-index",
        message: "drops an INVALID index",
        doc: "A failed CREATE INDEX CONCURRENTLY or REINDEX left the index INVALID in FROM: \
              queries do not use it, yet writes still maintain it. The plan drops it, and builds \
              it again where TO has it; find out why the build failed (duplicates, a deadlock, \
              a cancelled session) before running the plan.",
        destructive: false,
    },
    Renames {
        code: "PD114",
        slug: "renames",
        message: "renames a table, a column or a sequence",
        doc: "The data stays where it is, but queries, routine bodies and application code \
              that use the old name fail once the step commits: deploy the code that uses the \
              new name together with the plan.",
        destructive: false,
    },
    ManualStep {
        code: "PD199",
        slug: "manual-step",
        message: "needs a manual step",
        doc: "PostgreSQL cannot make this change safely in place; the plan says what to do \
              by hand.",
        destructive: false,
    },
}

impl HazardKind {
    /// This kind's row in [`HAZARDS`].
    pub fn info(self) -> &'static HazardInfo {
        // The rows are generated in the variants' order, one each.
        &HAZARDS[self as usize]
    }
}

/// A hazard on one step: its kind and what it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hazard {
    pub kind: HazardKind,
    /// The specific reason (`drops column app.users.email`).
    pub detail: String,
}

impl Hazard {
    pub fn new(kind: HazardKind, detail: impl Into<String>) -> Self {
        Hazard {
            kind,
            detail: detail.into(),
        }
    }

    pub fn is_destructive(&self) -> bool {
        self.kind.info().destructive
    }
}

impl fmt::Display for Hazard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let info = self.kind.info();
        write!(f, "{} {}: {}", info.code, info.slug, self.detail)
    }
}

impl Serialize for Hazard {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let info = self.kind.info();
        let mut st = s.serialize_struct("Hazard", 5)?;
        st.serialize_field("code", info.code)?;
        st.serialize_field("slug", info.slug)?;
        st.serialize_field("message", info.message)?;
        st.serialize_field("detail", &self.detail)?;
        st.serialize_field("destructive", &info.destructive)?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_slugs_are_unique() {
        let mut codes: Vec<_> = HAZARDS.iter().map(|h| h.code).collect();
        let mut slugs: Vec<_> = HAZARDS.iter().map(|h| h.slug).collect();
        codes.sort_unstable();
        codes.dedup();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(codes.len(), HAZARDS.len());
        assert_eq!(slugs.len(), HAZARDS.len());
        assert!(HazardKind::DeletesData.info().destructive);
        assert!(!HazardKind::RewritesTable.info().destructive);
    }

    #[test]
    fn every_kind_finds_its_own_row() {
        for (i, row) in HAZARDS.iter().enumerate() {
            assert_eq!(row.kind as usize, i);
            assert_eq!(row.kind.info().code, row.code);
        }
        assert!(HAZARDS
            .iter()
            .all(|h| h.code.starts_with("PD") && !h.doc.is_empty()));
    }
}
