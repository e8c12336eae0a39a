-- Columns of tables, views and materialized views (defaults and generation expressions come
-- from defaults.sql, identity columns' sequence options from sequences.sql).
SELECT a.attrelid AS relid,
       a.attnum AS num,
       a.attname::text AS name,
       format_type(a.atttypid, a.atttypmod) AS type_name,
       a.attcollation AS collation,
       t.typcollation AS type_collation,
       a.attnotnull AS not_null,
       NULLIF(a.attidentity, '')::text AS identity,
       NULLIF(a.attgenerated, '')::text AS generated,
       NOT a.attislocal AS inherited,
       CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text END AS storage,
       NULLIF(a.attcompression, '')::text AS compression,
       {{since 17}}a.attstattarget::int4{{else}}NULLIF(a.attstattarget, -1)::int4{{end}} AS statistics,
       a.attoptions::text[] AS options,
       a.attfdwoptions::text[] AS foreign_options,
       d.description AS comment,
       a.attacl::text[] AS acl
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_description d
       ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
WHERE a.attnum > 0
  AND NOT a.attisdropped
  AND c.relkind IN ('r', 'p', 'f', 'v', 'm')
  AND {{schema_filter n}}
  AND {{not_in_extension pg_class c.oid}}
  AND {{shard a.attrelid}}
