-- Views and materialized views. Columns come from columns.sql.
SELECT c.oid AS oid,
       n.nspname::text AS schema,
       c.relname::text AS name,
       c.relkind = 'm' AS materialized,
       pg_get_viewdef(c.oid) AS definition,
       c.reloptions::text[] AS options,
       pg_get_userbyid(c.relowner)::text AS owner,
       d.description AS comment,
       c.relacl::text[] AS acl,
       CASE WHEN c.relacl IS NOT NULL THEN acldefault('r', c.relowner)::text[] END AS acl_default
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('v', 'm')
  AND {{schema_filter n}}
  AND {{not_in_extension pg_class c.oid}}
