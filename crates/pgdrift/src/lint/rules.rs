//! The rule table: every lint rule once, with its stable code (`PL101`) and slug, default
//! severity, what it needs to run (the catalog, the live database's statistics, or a
//! migration's text and effect), a one-line rationale and the longer advice shown as help
//! (SARIF `help`, `pgdrift lint --explain`). Adding a rule is one row here and its check.

use crate::report::finding::Severity;

/// What a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Input {
    /// The schema alone: runs on every source.
    Catalog,
    /// The live database's statistics: runs only when the source is a live database.
    Statistics,
    /// A migration file: its statements and what it changes.
    Migration,
}

/// What is known about a rule.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct RuleInfo {
    #[serde(skip)]
    pub id: RuleId,
    pub code: &'static str,
    pub slug: &'static str,
    pub severity: Severity,
    pub input: Input,
    /// Why it matters, in one line.
    pub summary: &'static str,
    /// What to do about it.
    pub doc: &'static str,
}

macro_rules! rules {
    ($($id:ident {
        code: $code:literal,
        slug: $slug:literal,
        severity: $sev:ident,
        input: $input:ident,
        summary: $summary:literal,
        doc: $doc:literal,
    },)*) => {
        /// Every rule.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId {
            $($id,)*
        }

        /// All rules, in the order of [`RuleId`].
        pub const RULES: &[RuleInfo] = &[
            $(RuleInfo {
                id: RuleId::$id,
                code: $code,
                slug: $slug,
                severity: Severity::$sev,
                input: Input::$input,
                summary: $summary,
                doc: $doc,
            },)*
        ];
    };
}

impl RuleId {
    pub fn info(self) -> &'static RuleInfo {
        &RULES[self as usize]
    }
}

/// The rule whose code (`PL101`, any case) or slug is `name`.
pub fn find(name: &str) -> Option<&'static RuleInfo> {
    RULES
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(name) || r.slug == name)
}

rules! {
    // Keys and integrity.
    NoPrimaryKey {
        code: "PL101",
        slug: "table-without-primary-key",
        severity: Warning,
        input: Catalog,
        summary: "a table without a primary key",
        doc: "Rows cannot be addressed one by one: logical replication cannot replicate \
              updates and deletes, ORMs and tools that need a key (pgdrift's own backups among \
              them) cannot match rows. Add a primary key, an identity column if there is no \
              natural one.",
    },
    UniqueInsteadOfPrimaryKey {
        code: "PL102",
        slug: "unique-instead-of-primary-key",
        severity: Info,
        input: Catalog,
        summary: "a unique key on NOT NULL columns stands in for the primary key",
        doc: "The table has no primary key but a unique constraint or index whose columns are \
              all NOT NULL: it is a key in all but name. Declare it the primary key (ALTER TABLE \
              ... ADD PRIMARY KEY USING INDEX ...) so replication and tools see it.",
    },
    ForeignKeyWithoutIndex {
        code: "PL103",
        slug: "foreign-key-without-index",
        severity: Warning,
        input: Catalog,
        summary: "a foreign key whose columns lead no index",
        doc: "Deleting or updating a referenced row scans the whole referencing table for \
              matches, under a lock, and joins along the key cannot use an index. Create an \
              index (CONCURRENTLY) whose leading columns are the key's columns.",
    },
    ForeignKeyTypeMismatch {
        code: "PL104",
        slug: "foreign-key-type-mismatch",
        severity: Warning,
        input: Catalog,
        summary: "a foreign key column's type differs from the column it references",
        doc: "Comparisons need a cast, which can keep indexes out of joins, and values that fit \
              the referenced column may not fit the referencing one (an integer column \
              referencing a bigint key overflows first). Make the types the same.",
    },
    NotValidConstraint {
        code: "PL105",
        slug: "constraint-not-valid",
        severity: Warning,
        input: Catalog,
        summary: "a constraint added NOT VALID and never validated",
        doc: "Existing rows were never checked: they may break the rule, and the planner cannot \
              rely on it. Run ALTER TABLE ... VALIDATE CONSTRAINT, which takes only a SHARE \
              UPDATE EXCLUSIVE lock.",
    },
    NullableForeignKey {
        code: "PL106",
        slug: "nullable-foreign-key",
        severity: Info,
        input: Catalog,
        summary: "a nullable foreign key column whose name says it is required",
        doc: "A column named like a required reference (lint option `required_reference`, \
              default `*_id`) allows NULL, so rows without the reference are accepted. Set NOT \
              NULL when every row must have one; ON DELETE SET NULL keys are left alone.",
    },
    // Index health.
    InvalidIndex {
        code: "PL201",
        slug: "invalid-index",
        severity: Error,
        input: Catalog,
        summary: "an index left invalid by a failed build",
        doc: "A CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY failed: the index is not used \
              by queries but is still maintained on every write, and a unique one may still \
              reject rows. Drop it and build it again (REINDEX INDEX CONCURRENTLY).",
    },
    DuplicateIndex {
        code: "PL202",
        slug: "duplicate-index",
        severity: Warning,
        input: Catalog,
        summary: "two indexes with the same definition",
        doc: "Every write maintains both and they take twice the space; queries use one. Drop \
              the one no constraint needs (DROP INDEX CONCURRENTLY).",
    },
    RedundantIndex {
        code: "PL203",
        slug: "redundant-index",
        severity: Info,
        input: Catalog,
        summary: "an index whose keys lead another index of the table",
        doc: "A B-tree on (a) serves no query a B-tree on (a, b) cannot, with the same \
              predicate: the shorter one costs writes and space. Drop it unless it is unique or \
              much smaller for a hot query.",
    },
    UnusedIndex {
        code: "PL204",
        slug: "unused-index",
        severity: Info,
        input: Statistics,
        summary: "an index no query has scanned since the statistics were reset",
        doc: "idx_scan is 0 over a statistics window of at least `unused_index_days` days \
              (since pg_stat_database.stats_reset, or the server's start). Statistics are per \
              server: check the replicas before dropping it.",
    },
    BooleanIndex {
        code: "PL205",
        slug: "index-on-boolean",
        severity: Info,
        input: Catalog,
        summary: "an index whose only key is a boolean column",
        doc: "Two values split the table in halves the planner rarely uses an index for. A \
              partial index (WHERE flag) on the column that matters serves the rare value.",
    },
    // Timestamps.
    CreatedAtWithoutDefault {
        code: "PL301",
        slug: "created-at-without-default",
        severity: Warning,
        input: Catalog,
        summary: "a creation timestamp column without a default",
        doc: "Every insert must set it, and the ones that forget leave NULL or fail. Give it \
              DEFAULT now() (lint option `created_at` names the columns).",
    },
    UpdatedAtWithoutTrigger {
        code: "PL302",
        slug: "updated-at-not-maintained",
        severity: Warning,
        input: Catalog,
        summary: "an update timestamp column without a default or without a trigger that sets it",
        doc: "Nothing in the database keeps it current: an UPDATE that forgets it leaves the old \
              time. Give it DEFAULT now() and a BEFORE UPDATE trigger whose function assigns \
              NEW.<column> (lint option `updated_at` names the columns).",
    },
    TimestampWithoutTimeZone {
        code: "PL303",
        slug: "timestamp-without-time-zone",
        severity: Warning,
        input: Catalog,
        summary: "a timestamp column without time zone",
        doc: "The value's meaning depends on the session's time zone of whoever wrote it. Use \
              timestamptz, which stores an instant (ALTER COLUMN ... TYPE timestamptz USING \
              ... AT TIME ZONE 'UTC' rewrites the table).",
    },
    // Sequences and the code in functions.
    SequenceNearMax {
        code: "PL401",
        slug: "sequence-near-max",
        severity: Error,
        input: Statistics,
        summary: "a sequence within 10% of its maximum",
        doc: "When it reaches its maximum nextval fails and every insert that needs a value \
              fails with it. Widen the sequence and its column to bigint (lint option \
              `sequence_used_ratio`, default 0.9).",
    },
    MissingSequenceCall {
        code: "PL402",
        slug: "function-calls-missing-sequence",
        severity: Error,
        input: Catalog,
        summary: "a function calls nextval, currval or setval on a sequence that does not exist",
        doc: "The function fails when it reaches the call: the sequence was dropped or renamed \
              after the function was written. Create the sequence or correct the function.",
    },
    MissingTableReference {
        code: "PL403",
        slug: "function-references-missing-table",
        severity: Warning,
        input: Catalog,
        summary: "a function's body reads or writes a table that does not exist",
        doc: "PL/pgSQL and SQL bodies are checked only when they run: a table dropped or renamed \
              since makes the function fail. Tables the body creates itself and names of its \
              own WITH queries are not reported.",
    },
    // Types.
    CharColumn {
        code: "PL501",
        slug: "char-column",
        severity: Warning,
        input: Catalog,
        summary: "a char(n) column",
        doc: "char(n) pads values with spaces, which comparisons and lengths then ignore or \
              keep inconsistently, and is no faster than text. Use text or varchar (with a \
              CHECK on the length when it matters).",
    },
    MoneyColumn {
        code: "PL502",
        slug: "money-column",
        severity: Warning,
        input: Catalog,
        summary: "a money column",
        doc: "money's scale follows lc_monetary: a dump restored under another locale reads \
              different amounts, and it holds no currency. Use numeric with a currency column.",
    },
    SerialColumn {
        code: "PL503",
        slug: "serial-instead-of-identity",
        severity: Info,
        input: Catalog,
        summary: "a serial column where an identity column would do",
        doc: "A serial is a default on a sequence that grants, dumps and ownership treat \
              separately from the column. GENERATED ... AS IDENTITY (PostgreSQL 10+) is the \
              standard form and keeps them together.",
    },
    JsonColumn {
        code: "PL504",
        slug: "json-instead-of-jsonb",
        severity: Info,
        input: Catalog,
        summary: "a json column where jsonb fits",
        doc: "json stores the text as given and reparses it on every access; it has no \
              equality operator and no GIN indexing. jsonb does, unless key order or duplicate \
              keys must be kept.",
    },
    IntegerKeyNearLimit {
        code: "PL505",
        slug: "integer-key-near-limit",
        severity: Warning,
        input: Statistics,
        summary: "an integer primary key whose sequence has used most of the column's range",
        doc: "The key column is integer or smallint and its sequence has handed out more than \
              `integer_key_ratio` (default 0.5) of the type's range: inserts fail when it runs \
              out. Move to bigint while the table can still be rewritten at leisure.",
    },
    // Security.
    RlsWithoutPolicy {
        code: "PL601",
        slug: "rls-without-policy",
        severity: Warning,
        input: Catalog,
        summary: "row-level security enabled with no policy",
        doc: "Every role that does not own the table or bypass RLS sees no rows and can write \
              none: usually a policy was forgotten or dropped. Add the policies, or disable RLS \
              on purpose.",
    },
    PolicyWithoutRls {
        code: "PL602",
        slug: "policy-without-rls",
        severity: Warning,
        input: Catalog,
        summary: "policies on a table whose row-level security is disabled",
        doc: "The policies are not applied: every role with the privileges sees and writes \
              every row. ALTER TABLE ... ENABLE ROW LEVEL SECURITY, or drop the policies.",
    },
    PermissivePolicyForWrites {
        code: "PL603",
        slug: "policy-true-for-writes",
        severity: Warning,
        input: Catalog,
        summary: "a permissive policy that lets every row through for writes",
        doc: "USING (true) or WITH CHECK (true) on INSERT, UPDATE, DELETE or ALL lets the roles \
              it applies to write any row, which makes the other policies moot for them. \
              Restrict the expression or the roles.",
    },
    SecurityDefinerSearchPath {
        code: "PL604",
        slug: "security-definer-without-search-path",
        severity: Error,
        input: Catalog,
        summary: "a SECURITY DEFINER function without a fixed search_path",
        doc: "The caller's search_path decides which objects the function's unqualified names \
              resolve to, so a caller who may create objects can run code with the owner's \
              rights. Add SET search_path = pg_catalog, pg_temp (and qualify names).",
    },
    ExtensionInPublic {
        code: "PL605",
        slug: "extension-in-public",
        severity: Info,
        input: Catalog,
        summary: "an extension installed in the public schema",
        doc: "Its functions and operators mix with the application's, and anyone who may \
              create in public can shadow them. Install extensions in a schema of their own \
              (CREATE SCHEMA extensions; ALTER EXTENSION ... SET SCHEMA extensions).",
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_slugs_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(r.id as usize, i);
            assert!(seen.insert(r.code), "{} twice", r.code);
            assert!(seen.insert(r.slug), "{} twice", r.slug);
            assert!(r.code.starts_with("PL") && r.code.len() == 5, "{}", r.code);
            assert!(r.code[2..].bytes().all(|b| b.is_ascii_digit()));
            assert!(!r.doc.is_empty() && !r.summary.is_empty());
        }
        assert_eq!(find("pl101").map(|r| r.id), Some(RuleId::NoPrimaryKey));
        assert_eq!(
            find("foreign-key-without-index").map(|r| r.code),
            Some("PL103")
        );
        assert!(find("PL999").is_none());
    }
}
