-- The bodies of the user's functions and procedures in SQL and PL/pgSQL (and of those with
-- a SQL-standard body), to find the ones that mention a table.
SELECT p.oid::regprocedure::text AS function,
       CASE WHEN p.prokind = 'p' THEN 'procedure' ELSE 'function' END AS kind,
       COALESCE(pg_get_function_sqlbody(p.oid), p.prosrc) AS body
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND l.lanname IN ('sql', 'plpgsql')
  AND NOT EXISTS (SELECT 1 FROM pg_depend dep
                  WHERE dep.classid = 'pg_proc'::regclass AND dep.objid = p.oid
                    AND dep.deptype = 'e')
