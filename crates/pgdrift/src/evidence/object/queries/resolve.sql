-- The relations (tables, partitioned and foreign tables, views, materialized views,
-- sequences) whose `schema.name` or `name` matches one of the LIKE patterns in $1, outside
-- the system schemas; an extension's objects included (they are still in the database).
SELECT c.oid::int8 AS oid,
       n.nspname::text AS schema,
       c.relname::text AS name,
       c.relkind::text AS relkind
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_(toast|temp_)'
  AND EXISTS (SELECT 1 FROM unnest($1::text[]) p
              WHERE n.nspname || '.' || c.relname LIKE p OR c.relname LIKE p)
ORDER BY 2, 3
