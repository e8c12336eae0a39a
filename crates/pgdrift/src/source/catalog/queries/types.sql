-- Enums, domains, composite and range types. Parallel arrays carry the per-type lists.
SELECT n.nspname::text AS schema,
       t.typname::text AS name,
       t.typtype::text AS kind,
       pg_get_userbyid(t.typowner)::text AS owner,
       d.description AS comment,
       t.typacl::text[] AS acl,
       CASE WHEN t.typacl IS NOT NULL THEN acldefault('T', t.typowner)::text[] END AS acl_default,
       CASE WHEN t.typtype = 'e' THEN
         ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)
       END AS labels,
       CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base_type,
       CASE WHEN t.typtype = 'd' AND t.typcollation <> bt.typcollation THEN t.typcollation END AS domain_collation,
       t.typnotnull AS not_null,
       CASE WHEN t.typdefaultbin IS NOT NULL THEN pg_get_expr(t.typdefaultbin, 0) END AS default_expr,
       CASE WHEN t.typtype = 'd' THEN
         ARRAY(SELECT c.conname::text FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname)
       END AS check_names,
       CASE WHEN t.typtype = 'd' THEN
         ARRAY(SELECT pg_get_expr(c.conbin, 0) FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname)
       END AS check_exprs,
       CASE WHEN t.typtype = 'd' THEN
         ARRAY(SELECT c.convalidated FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname)
       END AS check_validated,
       CASE WHEN t.typtype = 'c' THEN
         ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)
       END AS attr_names,
       CASE WHEN t.typtype = 'c' THEN
         ARRAY(SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)
       END AS attr_types,
       CASE WHEN t.typtype = 'c' THEN
         ARRAY(SELECT CASE WHEN a.attcollation <> at.typcollation THEN a.attcollation ELSE 0 END
               FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid
               WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)
       END AS attr_collations,
       format_type(r.rngsubtype, NULL) AS range_subtype,
       r.rngsubopc AS range_opclass,
       CASE WHEN r.rngcollation <> st.typcollation THEN r.rngcollation END AS range_collation,
       NULLIF(r.rngcanonical, 0)::regprocedure::text AS range_canonical,
       NULLIF(r.rngsubdiff, 0)::regprocedure::text AS range_subdiff,
       format_type(NULLIF(r.rngmultitypid, 0), NULL) AS range_multirange
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
LEFT JOIN pg_range r ON r.rngtypid = t.oid
LEFT JOIN pg_type st ON st.oid = r.rngsubtype
LEFT JOIN pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_type'::regclass AND d.objsubid = 0
WHERE (t.typtype IN ('e', 'd', 'r')
       OR (t.typtype = 'c'
           AND t.typrelid IN (SELECT rel.oid FROM pg_class rel WHERE rel.relkind = 'c')))
  AND {{schema_filter n}}
  AND {{not_in_extension pg_type t.oid}}
