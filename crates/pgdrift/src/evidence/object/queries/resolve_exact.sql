-- The relations (tables, partitioned and foreign tables, views, materialized views,
-- sequences) named exactly by the pairs of schema names in $1 and relation names in $2.
SELECT c.oid::int8 AS oid,
       n.nspname::text AS schema,
       c.relname::text AS name,
       c.relkind::text AS relkind
FROM unnest($1::text[], $2::text[]) AS w(schema_name, relation_name)
JOIN pg_namespace n ON n.nspname = w.schema_name
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = w.relation_name
WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
ORDER BY 2, 3
