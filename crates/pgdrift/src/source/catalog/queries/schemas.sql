-- Schemas, with owner, comment and privileges.
SELECT n.nspname::text AS name,
       pg_get_userbyid(n.nspowner)::text AS owner,
       d.description AS comment,
       n.nspacl::text[] AS acl,
       CASE WHEN n.nspacl IS NOT NULL THEN acldefault('n', n.nspowner)::text[] END AS acl_default
FROM pg_namespace n
LEFT JOIN pg_description d
       ON d.objoid = n.oid AND d.classoid = 'pg_namespace'::regclass AND d.objsubid = 0
WHERE {{schema_filter n}}
  AND {{not_in_extension pg_namespace n.oid}}
