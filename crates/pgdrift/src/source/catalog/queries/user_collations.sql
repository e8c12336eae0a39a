-- The user's collations (not pg_catalog's, not an extension's). The locale's column is named
-- by version (collcollate for ICU on 14, colliculocale on 15 and 16, colllocale from 17 on),
-- and the ICU rules exist from 16 on: those are read by name from the row as JSON.
SELECT n.nspname::text AS schema,
       co.collname::text AS name,
       CASE co.collprovider WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin' ELSE 'libc' END AS provider,
       CASE WHEN co.collprovider <> 'c'
            THEN coalesce(j.row ->> 'colllocale', j.row ->> 'colliculocale', co.collcollate::text)
       END AS locale,
       CASE WHEN co.collprovider = 'c' THEN co.collcollate::text END AS lc_collate,
       CASE WHEN co.collprovider = 'c' THEN co.collctype::text END AS lc_ctype,
       co.collisdeterministic AS deterministic,
       j.row ->> 'collicurules' AS rules,
       pg_get_userbyid(co.collowner)::text AS owner,
       d.description AS comment
FROM pg_collation co
JOIN pg_namespace n ON n.oid = co.collnamespace
CROSS JOIN LATERAL (SELECT to_jsonb(co) AS row) j
LEFT JOIN pg_description d
       ON d.objoid = co.oid AND d.classoid = 'pg_collation'::regclass AND d.objsubid = 0
WHERE {{schema_filter n}}
  AND {{not_in_extension pg_collation co.oid}}
