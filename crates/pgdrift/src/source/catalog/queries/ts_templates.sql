-- The user's text search templates (not pg_catalog's, not an extension's), each function as
-- {schema, name}.
SELECT n.nspname::text AS schema,
       t.tmplname::text AS name,
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f
          JOIN pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = t.tmplinit) AS init,
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f
          JOIN pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = t.tmpllexize) AS lexize,
       d.description AS comment
FROM pg_ts_template t
JOIN pg_namespace n ON n.oid = t.tmplnamespace
LEFT JOIN pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_ts_template'::regclass AND d.objsubid = 0
WHERE {{schema_filter n}}
  AND {{not_in_extension pg_ts_template t.oid}}
