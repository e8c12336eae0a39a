-- One row of facts about the database: how many of the user's objects there are of each
-- kind, what the table statistics say about activity, and whether the transaction is really
-- read-only. The user's objects are those outside pg_catalog, information_schema, the TOAST
-- and temporary schemas and pgdrift's backup and quarantine schemas, that no extension owns (as in the
-- catalog queries). Counting rules:
-- * tables and partitioned_tables count only tables that are not partitions; partitions
--   (ordinary, partitioned or foreign) are counted apart, once each;
-- * sequences leave out those of identity columns (part of their column), keep serial ones;
-- * indexes are those of the user's tables and materialized views, a partitioned index
--   counting once (not once more per partition);
-- * functions include window functions; aggregates and procedures are counted apart; the
--   constructors PostgreSQL makes for range types are not counted.
-- Table statistics come from pg_stat_user_tables, which any role may read.
WITH ns AS (
    SELECT n.oid
    FROM pg_namespace n
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pgdrift_backup',
                            'pgdrift_quarantine')
      AND n.nspname !~ '^pg_(toast|temp_)'
      AND NOT EXISTS (SELECT 1 FROM pg_depend dep
                      WHERE dep.classid = 'pg_namespace'::regclass AND dep.objid = n.oid
                        AND dep.deptype = 'e')
),
rel AS (
    SELECT c.oid, c.relkind, c.relispartition,
           c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend dep
                                       WHERE dep.classid = 'pg_class'::regclass
                                         AND dep.objid = c.oid AND dep.deptype = 'i') AS identity
    FROM pg_class c
    WHERE c.relnamespace IN (SELECT oid FROM ns)
      AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
      AND NOT EXISTS (SELECT 1 FROM pg_depend dep
                      WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid
                        AND dep.deptype = 'e')
),
counts AS (
    SELECT count(*) FILTER (WHERE relkind = 'r' AND NOT relispartition) AS tables,
           count(*) FILTER (WHERE relkind = 'p' AND NOT relispartition) AS partitioned_tables,
           count(*) FILTER (WHERE relispartition) AS partitions,
           count(*) FILTER (WHERE relkind = 'f' AND NOT relispartition) AS foreign_tables,
           count(*) FILTER (WHERE relkind = 'v') AS views,
           count(*) FILTER (WHERE relkind = 'm') AS materialized_views,
           count(*) FILTER (WHERE relkind = 'S' AND NOT identity) AS sequences
    FROM rel
),
idx AS (
    SELECT count(*) AS indexes
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    WHERE i.indrelid IN (SELECT oid FROM rel WHERE relkind IN ('r', 'p', 'm'))
      AND NOT ic.relispartition
),
fn AS (
    SELECT count(*) FILTER (WHERE p.prokind IN ('f', 'w')) AS functions,
           count(*) FILTER (WHERE p.prokind = 'a') AS aggregates,
           count(*) FILTER (WHERE p.prokind = 'p') AS procedures
    FROM pg_proc p
    WHERE p.pronamespace IN (SELECT oid FROM ns)
      AND NOT EXISTS (SELECT 1 FROM pg_depend dep
                      WHERE dep.classid = 'pg_proc'::regclass AND dep.objid = p.oid
                        AND (dep.deptype = 'e'
                             OR (dep.deptype = 'i' AND dep.refclassid = 'pg_type'::regclass)))
),
ty AS (
    SELECT count(*) FILTER (WHERE t.typtype = 'e') AS enums,
           count(*) FILTER (WHERE t.typtype = 'd') AS domains
    FROM pg_type t
    WHERE t.typnamespace IN (SELECT oid FROM ns)
      AND t.typtype IN ('e', 'd')
      AND NOT EXISTS (SELECT 1 FROM pg_depend dep
                      WHERE dep.classid = 'pg_type'::regclass AND dep.objid = t.oid
                        AND dep.deptype = 'e')
),
stats AS (
    SELECT COALESCE(sum(s.n_live_tup), 0)::int8 AS live_rows,
           COALESCE(sum(s.n_dead_tup), 0)::int8 AS dead_rows,
           COALESCE(sum(s.n_tup_ins + s.n_tup_upd + s.n_tup_del), 0)::int8 AS rows_written,
           max(s.last_vacuum) AS last_vacuum,
           max(s.last_autovacuum) AS last_autovacuum,
           max(s.last_analyze) AS last_analyze,
           max(s.last_autoanalyze) AS last_autoanalyze
    FROM pg_stat_user_tables s
    WHERE s.relid IN (SELECT oid FROM rel)
)
SELECT (SELECT count(*) FROM ns) AS schemas,
       counts.*,
       idx.indexes,
       fn.functions, fn.aggregates, fn.procedures,
       ty.enums, ty.domains,
       stats.live_rows, stats.dead_rows, stats.rows_written,
       to_char(stats.last_vacuum AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS last_vacuum,
       to_char(stats.last_autovacuum AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS last_autovacuum,
       to_char(stats.last_analyze AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS last_analyze,
       to_char(stats.last_autoanalyze AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS last_autoanalyze,
       current_setting('transaction_read_only')::bool AS read_only
FROM counts, idx, fn, ty, stats
