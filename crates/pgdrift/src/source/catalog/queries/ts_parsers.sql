-- The user's text search parsers (not pg_catalog's, not an extension's), each function as
-- {schema, name}.
SELECT n.nspname::text AS schema,
       p.prsname::text AS name,
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f
          JOIN pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = p.prsstart) AS start,
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f
          JOIN pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = p.prstoken) AS gettoken,
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f
          JOIN pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = p.prsend) AS "end",
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f
          JOIN pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = p.prslextype) AS lextypes,
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f
          JOIN pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = p.prsheadline) AS headline,
       d.description AS comment
FROM pg_ts_parser p
JOIN pg_namespace n ON n.oid = p.prsnamespace
LEFT JOIN pg_description d
       ON d.objoid = p.oid AND d.classoid = 'pg_ts_parser'::regclass AND d.objsubid = 0
WHERE {{schema_filter n}}
  AND {{not_in_extension pg_ts_parser p.oid}}
