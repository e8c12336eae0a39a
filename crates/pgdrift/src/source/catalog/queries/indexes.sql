-- Indexes of the relations read, except the partitions of a partitioned index. Those that
-- back a primary key, unique or exclusion constraint are folded into the constraint by the
-- reader. Keys, classes and orderings come raw; expressions and predicates come as stored
-- expressions (all of an index's expressions in one).
SELECT i.indexrelid AS oid,
       i.indrelid AS relid,
       n.nspname::text AS schema,
       ic.relname::text AS name,
       c.relname::text AS table_name,
       am.amname::text AS method,
       i.indisunique AS is_unique,
       i.indkey::int2[] AS keys,
       i.indnkeyatts AS key_count,
       i.indclass::oid[] AS opclasses,
       i.indoption::int2[] AS key_options,
       i.indcollation::oid[] AS collations,
       CASE WHEN i.indexprs IS NOT NULL THEN {{tree i.indexprs, i.indrelid}} END AS expressions,
       CASE WHEN i.indpred IS NOT NULL THEN {{tree i.indpred, i.indrelid}} END AS predicate,
       {{since 15}}i.indnullsnotdistinct{{else}}false{{end}} AS nulls_not_distinct,
       i.indisvalid AS valid,
       i.indisclustered AS clustered,
       ic.reloptions::text[] AS options,
       -- Statistics targets set on the index's columns: their numbers, then their targets.
       (SELECT array_agg(a.attnum::int4 ORDER BY a.attnum)
               || array_agg(a.attstattarget::int4 ORDER BY a.attnum)
        FROM pg_attribute a
        WHERE a.attrelid = i.indexrelid AND a.attnum > 0 AND a.attstattarget >= 0) AS statistics,
       d.description AS comment
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = ic.relam
LEFT JOIN pg_description d
       ON d.objoid = i.indexrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p', 'm')
  AND NOT ic.relispartition
  -- A primary key's index adds nothing to the constraint unless it has INCLUDE columns,
  -- storage parameters, a comment or the table is clustered on it.
  AND NOT (i.indisprimary AND i.indnatts = i.indnkeyatts AND ic.reloptions IS NULL
           AND d.description IS NULL AND NOT i.indisclustered)
  AND {{schema_filter n}}
  AND {{not_in_extension pg_class c.oid}}
  AND {{shard i.indrelid}}
