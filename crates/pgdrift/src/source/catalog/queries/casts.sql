-- Casts the user creates: not the built-in ones (below FirstNormalObjectId, 16384), not an
-- extension's, not those PostgreSQL makes for a type by itself (a range's cast to its
-- multirange, internal to the type). Types are written by format_type, the function by its
-- argument types.
SELECT format_type(c.castsource, NULL) AS source,
       format_type(c.casttarget, NULL) AS target,
       CASE c.castmethod WHEN 'f' THEN 'function' WHEN 'b' THEN 'binary' ELSE 'inout' END
         AS method,
       fn.nspname::text AS function_schema,
       p.proname::text AS function_name,
       oidvectortypes(p.proargtypes) AS function_arguments,
       CASE c.castcontext WHEN 'a' THEN 'assignment' WHEN 'i' THEN 'implicit' ELSE 'explicit' END
         AS context,
       d.description AS comment
FROM pg_cast c
LEFT JOIN pg_proc p ON p.oid = c.castfunc
LEFT JOIN pg_namespace fn ON fn.oid = p.pronamespace
LEFT JOIN pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_cast'::regclass AND d.objsubid = 0
WHERE c.oid >= 16384
  AND {{not_in_extension pg_cast c.oid}}
  AND NOT EXISTS (SELECT 1 FROM pg_depend dep
                  WHERE dep.classid = 'pg_cast'::regclass AND dep.objid = c.oid
                    AND dep.deptype = 'i')
