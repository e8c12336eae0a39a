-- Types for deparsing expressions: the server's own, and the others that are neither row
-- types nor arrays (their arrays are known by `array`); where each lives, its kind,
-- element, collation and domain base.
SELECT t.oid AS oid,
       n.nspname::text AS schema,
       t.typname::text AS name,
       t.typtype::text AS kind,
       CASE WHEN t.typelem <> 0 AND t.typsubscript = 'pg_catalog.array_subscript_handler'::regproc
            THEN t.typelem ELSE 0::oid END AS element,
       t.typelem <> 0 AND t.typsubscript = 'pg_catalog.array_subscript_handler'::regproc
         AND t.typstorage <> 'p' AS shown_as_array,
       t.typcollation AS collation,
       t.typbasetype AS base,
       t.typmodout <> 0 AS has_typmod_out,
       t.typarray AS array
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typrelid = 0
  AND (t.oid < 16384 OR t.typelem = 0)
