-- The functions, procedures and aggregates, and the types of the user's own (enums,
-- domains, ranges, composite types that are not a table's row), whose `schema.name` or `name`
-- matches one of the LIKE patterns in $1, outside the system schemas.
SELECT p.oid::int8 AS oid, n.nspname::text AS schema, p.proname::text AS name,
       p.oid::regprocedure::text AS shown, 'pg_proc' AS catalog,
       CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'
                      WHEN 'w' THEN 'window function' ELSE 'function' END AS kind,
       pg_get_userbyid(p.proowner)::text AS owner
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_(toast|temp_)'
  AND EXISTS (SELECT 1 FROM unnest($1::text[]) pat
              WHERE n.nspname || '.' || p.proname LIKE pat OR p.proname LIKE pat)
UNION ALL
SELECT t.oid::int8, n.nspname::text, t.typname::text, t.oid::regtype::text, 'pg_type',
       CASE t.typtype WHEN 'e' THEN 'enum type' WHEN 'd' THEN 'domain'
                      WHEN 'r' THEN 'range type' WHEN 'm' THEN 'multirange type'
                      ELSE 'composite type' END,
       pg_get_userbyid(t.typowner)::text
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_class c ON c.oid = t.typrelid
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_(toast|temp_)'
  AND (t.typtype IN ('e', 'd', 'r', 'm') OR (t.typtype = 'c' AND c.relkind = 'c'))
  AND EXISTS (SELECT 1 FROM unnest($1::text[]) pat
              WHERE n.nspname || '.' || t.typname LIKE pat OR t.typname LIKE pat)
ORDER BY 2, 3, 4
