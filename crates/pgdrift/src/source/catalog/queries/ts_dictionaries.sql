-- The user's text search dictionaries (not pg_catalog's, not an extension's), with their
-- template qualified and their options as PostgreSQL stores them (`name = 'value', ...`).
SELECT n.nspname::text AS schema,
       d.dictname::text AS name,
       tn.nspname::text AS template_schema,
       t.tmplname::text AS template_name,
       d.dictinitoption AS options,
       pg_get_userbyid(d.dictowner)::text AS owner,
       c.description AS comment
FROM pg_ts_dict d
JOIN pg_namespace n ON n.oid = d.dictnamespace
JOIN pg_ts_template t ON t.oid = d.dicttemplate
JOIN pg_namespace tn ON tn.oid = t.tmplnamespace
LEFT JOIN pg_description c
       ON c.objoid = d.oid AND c.classoid = 'pg_ts_dict'::regclass AND c.objsubid = 0
WHERE {{schema_filter n}}
  AND {{not_in_extension pg_ts_dict d.oid}}
