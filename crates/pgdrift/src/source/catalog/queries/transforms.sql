-- Transforms the user creates (not an extension's): the type as format_type writes it, the
-- language, and each function as {schema, name}.
SELECT format_type(t.trftype, NULL) AS type,
       l.lanname::text AS language,
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f
          JOIN pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = t.trffromsql)
         AS from_sql,
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f
          JOIN pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = t.trftosql)
         AS to_sql,
       d.description AS comment
FROM pg_transform t
JOIN pg_language l ON l.oid = t.trflang
LEFT JOIN pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_transform'::regclass AND d.objsubid = 0
WHERE t.oid >= 16384
  AND {{not_in_extension pg_transform t.oid}}
