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
    /// The level it reports at when on.
    pub severity: Severity,
    /// Whether it runs unless the configuration says otherwise; a rule off by default runs
    /// only when `[lint] rules` or `--rule` gives it a level.
    pub on_by_default: bool,
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
        $(on_by_default: $on:literal,)?
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
                on_by_default: true $(&& $on)?,
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

impl RuleInfo {
    /// The level it reports at unless configured: `None` for a rule off by default.
    pub fn default_level(&self) -> Option<Severity> {
        self.on_by_default.then_some(self.severity)
    }

    /// That level's name: `off`, `info`, `warning` or `error`.
    pub fn default_level_name(&self) -> &'static str {
        self.default_level().map_or("off", Severity::as_str)
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
    RequireComment {
        code: "PL107",
        slug: "require-comment",
        severity: Info,
        on_by_default: false,
        input: Catalog,
        summary: "a table (or, with `comment_columns`, a column) without a COMMENT",
        doc: "Off by default: turn it on with [lint] rules = { require-comment = \"warning\" }. \
              Generated documentation (`pgdrift docs`) shows each object's COMMENT; objects \
              without one are documented by their names alone. Write one (COMMENT ON TABLE \
              ... IS '...'). Lint option `comment_columns = true` checks columns too, and \
              `comment_coverage = 0.8` reports only while less than that share of the tables \
              (columns) is commented. Partitions and inherited columns follow their parent.",
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
    // Migration statements: what a new migration file's text does.
    IndexWithoutConcurrently {
        code: "PL701",
        slug: "index-without-concurrently",
        severity: Warning,
        input: Migration,
        summary: "an index built without CONCURRENTLY on a table that already exists",
        doc: "CREATE INDEX holds a SHARE lock on the table until the build ends: every insert, \
              update and delete waits, for minutes on a big table. Use CREATE INDEX \
              CONCURRENTLY in a file that runs outside a transaction. Tables created in the \
              same file are empty and not reported.",
    },
    ConcurrentlyInTransaction {
        code: "PL702",
        slug: "concurrently-in-transaction",
        severity: Error,
        input: Migration,
        summary: "CONCURRENTLY in a file that runs inside a transaction",
        doc: "CREATE INDEX, DROP INDEX, REINDEX and DETACH PARTITION ... CONCURRENTLY cannot run \
              in a transaction block: the migration fails. Put the statement in a file of its \
              own that opts out of the transaction (`-- pgdrift:no-transaction` on its first \
              line, or the tool's own marker).",
    },
    LockTimeoutMissing {
        code: "PL703",
        slug: "lock-timeout-missing",
        severity: Warning,
        input: Migration,
        summary: "an ACCESS EXCLUSIVE lock on an existing table with no lock_timeout set before",
        doc: "While the statement waits for its lock (behind a long query), every later query \
              on the table queues behind it: an outage even when the statement itself is \
              quick. SET lock_timeout = '5s' first (and retry on failure). Reported once per \
              file, at the first such statement.",
    },
    VolatileDefault {
        code: "PL704",
        slug: "volatile-default-rewrites-table",
        severity: Warning,
        input: Migration,
        summary: "a column added with a volatile default or a stored generated expression",
        doc: "A constant or stable default (now(), 0, 'x') is stored once in the catalog; a \
              volatile one (random(), gen_random_uuid(), clock_timestamp(), nextval()) or a \
              GENERATED ... STORED column makes PostgreSQL rewrite the table under an ACCESS \
              EXCLUSIVE lock. Add the column without the default, set the default, and fill \
              existing rows in batches. Before PostgreSQL 11 every default rewrites.",
    },
    EnumValueInTransaction {
        code: "PL705",
        slug: "enum-value-in-transaction",
        severity: Error,
        input: Migration,
        summary: "ALTER TYPE ... ADD VALUE inside a transaction on PostgreSQL before 12",
        doc: "Before PostgreSQL 12 ALTER TYPE ... ADD VALUE cannot run in a transaction block. \
              Run it in a file outside a transaction. Reported only when --against tells the \
              server's version.",
    },
    RenamesTable {
        code: "PL706",
        slug: "renames-table",
        severity: Warning,
        input: Migration,
        summary: "a table renamed",
        doc: "Application code still running with the old name fails from the commit on. Add \
              the new name first (a view, or deploy code that reads both), then rename. With \
              --code DIR, reported only while a file still names the old table, and where.",
    },
    RenamesColumn {
        code: "PL707",
        slug: "renames-column",
        severity: Warning,
        input: Migration,
        summary: "a column renamed",
        doc: "Application code still running with the old name fails from the commit on. Add \
              a new column and copy, or deploy code that no longer uses the old name first. \
              With --code DIR, reported only while a file that uses the table still names the \
              old column, and where.",
    },
    ForeignKeyValidatedAtOnce {
        code: "PL708",
        slug: "foreign-key-without-not-valid",
        severity: Warning,
        input: Migration,
        summary: "a foreign key added to an existing table without NOT VALID",
        doc: "Adding the key checks every row while both tables hold a SHARE ROW EXCLUSIVE lock: \
              writes wait. ADD ... NOT VALID, then VALIDATE CONSTRAINT in a later transaction \
              (it takes a weaker lock).",
    },
    CheckValidatedAtOnce {
        code: "PL709",
        slug: "check-without-not-valid",
        severity: Warning,
        input: Migration,
        summary: "a check constraint added without NOT VALID, or validated in the same transaction",
        doc: "Adding a CHECK scans the table under an ACCESS EXCLUSIVE lock. ADD ... NOT VALID, \
              then VALIDATE CONSTRAINT in another transaction: validating in the same one keeps \
              the first statement's lock and gains nothing.",
    },
    SetNotNull {
        code: "PL710",
        slug: "set-not-null-scans-table",
        severity: Warning,
        input: Migration,
        summary: "SET NOT NULL on a column of an existing table",
        doc: "The whole table is scanned under an ACCESS EXCLUSIVE lock. On PostgreSQL 12+, add \
              CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL (which uses the \
              check and skips the scan), then drop the check.",
    },
    RequiredColumnWithoutDefault {
        code: "PL711",
        slug: "required-column-without-default",
        severity: Warning,
        input: Migration,
        summary: "a NOT NULL column without a default added to an existing table",
        doc: "Rows already there have no value for it: the statement fails unless the table is \
              empty. Give the column a default, or add it nullable, fill it, then SET NOT NULL.",
    },
    PrimaryKeyBuildsIndex {
        code: "PL712",
        slug: "primary-key-builds-index",
        severity: Warning,
        input: Migration,
        summary: "a primary key added to an existing table without USING INDEX",
        doc: "The key's index is built under an ACCESS EXCLUSIVE lock. Build a unique index \
              CONCURRENTLY first, then ADD PRIMARY KEY USING INDEX. A serial column added as \
              the key also fills every row.",
    },
    UniqueBuildsIndex {
        code: "PL713",
        slug: "unique-constraint-builds-index",
        severity: Warning,
        input: Migration,
        summary: "a unique constraint added to an existing table without USING INDEX",
        doc: "The constraint's index is built under an ACCESS EXCLUSIVE lock. Build a unique \
              index CONCURRENTLY first, then ADD CONSTRAINT ... UNIQUE USING INDEX.",
    },
    ColumnTypeChange {
        code: "PL714",
        slug: "column-type-change",
        severity: Warning,
        input: Migration,
        summary: "a column's type changed on an existing table",
        doc: "Most type changes rewrite the table and its indexes under an ACCESS EXCLUSIVE lock \
              (varchar(n) to a longer length or to text does not). Add a new column, copy in \
              batches, and switch over.",
    },
    DropsColumn {
        code: "PL715",
        slug: "drops-column",
        severity: Warning,
        input: Migration,
        summary: "a column dropped",
        doc: "Its data is gone, and code still selecting it fails. Stop using it in the code \
              first; keep a backup if the data may be needed.",
    },
    DropsTable {
        code: "PL716",
        slug: "drops-table",
        severity: Warning,
        input: Migration,
        summary: "a table dropped",
        doc: "Its data is gone, and code still using it fails. Stop using it first, and keep a \
              backup (`pgdrift drop` backs up and writes a rollback).",
    },
    DropsDatabase {
        code: "PL717",
        slug: "drops-database",
        severity: Error,
        input: Migration,
        summary: "a database dropped",
        doc: "Everything in it is gone. A migration has no business dropping a database.",
    },
    DropsNotNull {
        code: "PL718",
        slug: "drops-not-null",
        severity: Info,
        input: Migration,
        summary: "NOT NULL dropped from a column",
        doc: "Code that reads the column may not expect NULL. Deploy code that handles it \
              before the migration.",
    },
    TruncateCascade {
        code: "PL719",
        slug: "truncate-cascade",
        severity: Error,
        input: Migration,
        summary: "TRUNCATE ... CASCADE",
        doc: "CASCADE empties every table with a foreign key to the truncated ones, and the \
              tables referencing those, which the statement does not name. Name every table \
              to empty.",
    },
    IntColumn {
        code: "PL720",
        slug: "int-column",
        severity: Info,
        input: Migration,
        summary: "an integer (int4) column created",
        doc: "Keys and counters outgrow 2,147,483,647, and widening later rewrites the table. \
              bigint costs four bytes more per value.",
    },
    SmallintColumn {
        code: "PL721",
        slug: "smallint-column",
        severity: Info,
        input: Migration,
        summary: "a smallint (int2) column created",
        doc: "It holds at most 32,767, and widening later rewrites the table. Use bigint unless \
              the range is fixed by nature.",
    },
    SerialColumnAdded {
        code: "PL722",
        slug: "serial-column-added",
        severity: Info,
        input: Migration,
        summary: "a serial column created where an identity column would do",
        doc: "GENERATED BY DEFAULT AS IDENTITY keeps the sequence with the column for grants, \
              dumps and ownership (the schema rule PL503 reports existing ones).",
    },
    VarcharLength {
        code: "PL723",
        slug: "varchar-with-length",
        severity: Info,
        input: Migration,
        summary: "a varchar(n) column created",
        doc: "Raising the limit later is cheap, but lowering it rewrites the table, and the \
              limit is rarely the real rule. Use text with a CHECK on the length when one \
              matters.",
    },
    TimestampColumn {
        code: "PL724",
        slug: "timestamp-without-time-zone-added",
        severity: Warning,
        input: Migration,
        summary: "a timestamp without time zone column created",
        doc: "The value means a different instant in every session time zone. Use timestamptz \
              (the schema rule PL303 reports existing ones).",
    },
    CharColumnAdded {
        code: "PL725",
        slug: "char-column-added",
        severity: Warning,
        input: Migration,
        summary: "a char(n) column created",
        doc: "char(n) pads with spaces and is no faster than text. Use text or varchar (the \
              schema rule PL501 reports existing ones).",
    },
    DomainConstraint {
        code: "PL726",
        slug: "domain-with-constraint",
        severity: Warning,
        input: Migration,
        summary: "a domain created with, or given, a constraint",
        doc: "ALTER DOMAIN ... ADD CONSTRAINT checks every column of the domain in every table \
              under lock, and a domain's check is not re-checked when it is changed the way a \
              table's is. Put the CHECK on the tables' columns.",
    },
    NotRerunnable {
        code: "PL727",
        slug: "not-rerunnable",
        severity: Info,
        input: Migration,
        summary: "a statement without IF [NOT] EXISTS in a file that runs outside a transaction",
        doc: "When such a file fails half way, what ran stays: running it again fails on the \
              first statement that already took effect. Write CREATE ... IF NOT EXISTS and \
              DROP ... IF EXISTS.",
    },
    TransactionNesting {
        code: "PL728",
        slug: "transaction-nesting",
        severity: Warning,
        input: Migration,
        summary: "BEGIN or COMMIT in a file its tool already runs in a transaction",
        doc: "A BEGIN inside a transaction only warns, and the COMMIT then ends the tool's \
              transaction early: what follows is no longer atomic, and the tool's own record \
              may commit apart from the change. Leave transaction control to the tool.",
    },
    UncommittedTransaction {
        code: "PL729",
        slug: "uncommitted-transaction",
        severity: Error,
        input: Migration,
        summary: "a BEGIN with no COMMIT or ROLLBACK after it",
        doc: "The file ends with a transaction open: what the tool does next runs inside it, \
              or it is rolled back when the session closes. Close it with COMMIT.",
    },
    StatementTimeoutMissing {
        code: "PL730",
        slug: "statement-timeout-missing",
        severity: Info,
        input: Migration,
        summary: "a locking statement on an existing table with no statement_timeout set before",
        doc: "A statement that holds a strong lock longer than expected blocks the table until \
              someone cancels it. SET statement_timeout first (reported once per file).",
    },
    DetachPartition {
        code: "PL731",
        slug: "detach-partition-locks",
        severity: Warning,
        input: Migration,
        summary: "DETACH PARTITION without CONCURRENTLY",
        doc: "It takes an ACCESS EXCLUSIVE lock on the partitioned table. On PostgreSQL 14+ \
              use DETACH PARTITION ... CONCURRENTLY, outside a transaction.",
    },
    ReindexWithoutConcurrently {
        code: "PL732",
        slug: "reindex-without-concurrently",
        severity: Warning,
        input: Migration,
        summary: "REINDEX without CONCURRENTLY",
        doc: "Writes to the table wait, and reads that would use the index too, until the \
              build ends. Use REINDEX ... CONCURRENTLY (PostgreSQL 12+), outside a transaction.",
    },
    DropIndexWithoutConcurrently {
        code: "PL733",
        slug: "drop-index-without-concurrently",
        severity: Warning,
        input: Migration,
        summary: "DROP INDEX without CONCURRENTLY",
        doc: "It takes an ACCESS EXCLUSIVE lock on the index's table and waits behind every \
              query using it. Use DROP INDEX CONCURRENTLY, outside a transaction.",
    },
    RewritesWithoutRepack {
        code: "PL734",
        slug: "vacuum-full-or-cluster",
        severity: Warning,
        input: Migration,
        summary: "VACUUM FULL or CLUSTER",
        doc: "Both rewrite the table under an ACCESS EXCLUSIVE lock for as long as the copy \
              takes. Use pg_repack, or REPACK CONCURRENTLY where the server has it.",
    },
    IdentifierTooLong {
        code: "PL735",
        slug: "identifier-too-long",
        severity: Warning,
        input: Migration,
        summary: "a name longer than 63 bytes",
        doc: "PostgreSQL cuts names to 63 bytes without an error: two long names can become one, \
              and the name in the catalog is not the one in the file. Shorten it.",
    },
    // Migration effects: the plan hazards of what a new file changed, replayed.
    EffectDeletesData {
        code: "PL801",
        slug: "migration-deletes-data",
        severity: Error,
        input: Migration,
        summary: "the migration deletes data (hazard PD101)",
        doc: "Replayed, the file removes tables, columns or sequences that hold data. Back up \
              first, and make sure no code uses them.",
    },
    EffectRewritesTable {
        code: "PL802",
        slug: "migration-rewrites-table",
        severity: Warning,
        input: Migration,
        summary: "the migration rewrites a table (hazard PD102)",
        doc: "The table and its indexes are copied under an ACCESS EXCLUSIVE lock.",
    },
    EffectLocksTable {
        code: "PL803",
        slug: "migration-locks-table",
        severity: Warning,
        input: Migration,
        summary: "the migration takes an ACCESS EXCLUSIVE lock on a sizable table (hazard PD103)",
        doc: "Every query on the table waits while the step runs and while it waits for the \
              lock; set lock_timeout.",
    },
    EffectMayFailOnData {
        code: "PL804",
        slug: "migration-may-fail-on-data",
        severity: Warning,
        input: Migration,
        summary: "the migration may fail on existing data (hazard PD104)",
        doc: "Rows that break a new constraint or type make it fail on the real database even \
              though it replays on an empty one. Check the data first.",
    },
    EffectIndexNotConcurrent {
        code: "PL805",
        slug: "migration-index-not-concurrent",
        severity: Warning,
        input: Migration,
        summary: "the migration builds an index without CONCURRENTLY (hazard PD105)",
        doc: "Writes to the table wait while the index builds.",
    },
    EffectEnumRecreated {
        code: "PL806",
        slug: "migration-recreates-enum",
        severity: Warning,
        input: Migration,
        summary: "the migration recreates an enum type (hazard PD106)",
        doc: "Columns of the type are converted through text, a rewrite of their tables.",
    },
    EffectSignatureChange {
        code: "PL807",
        slug: "migration-changes-signature",
        severity: Warning,
        input: Migration,
        summary: "the migration drops and recreates a routine (hazard PD107)",
        doc: "Callers fail between the drop and the create unless both commit together.",
    },
    EffectSequenceReset {
        code: "PL808",
        slug: "migration-resets-sequence",
        severity: Info,
        input: Migration,
        summary: "the migration starts a sequence over (hazard PD108)",
        doc: "Values it hands out may collide with existing rows.",
    },
    EffectPrivilegeRevoked {
        code: "PL809",
        slug: "migration-revokes-privilege",
        severity: Warning,
        input: Migration,
        summary: "the migration revokes a privilege (hazard PD109)",
        doc: "Roles that relied on it lose access when the file commits.",
    },
    EffectRecreatesDependents {
        code: "PL810",
        slug: "migration-recreates-dependents",
        severity: Info,
        input: Migration,
        summary: "the migration drops and recreates dependent objects (hazard PD110)",
        doc: "Views, triggers, policies or constraints depending on a changed object are \
              recreated; check that the file recreates all of them.",
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
        let off: Vec<&str> = (RULES.iter())
            .filter(|r| r.default_level().is_none())
            .map(|r| r.code)
            .collect();
        assert_eq!(off, ["PL107"]);
        assert_eq!(
            find("require-comment").map(|r| r.default_level_name()),
            Some("off")
        );
        assert_eq!(
            find("PL101").map(|r| r.default_level_name()),
            Some("warning")
        );
    }
}
