-- Rewrite rules on tables and views: not the _RETURN rule that makes a view (or a
-- materialized view) what it is.
SELECT n.nspname::text AS schema,
       c.relname::text AS table_name,
       r.rulename::text AS name,
       r.ev_type::text AS event,
       r.is_instead AS instead,
       r.ev_enabled::text AS enabled,
       pg_get_ruledef(r.oid) AS definition,
       d.description AS comment
FROM pg_rewrite r
JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description d
       ON d.objoid = r.oid AND d.classoid = 'pg_rewrite'::regclass AND d.objsubid = 0
WHERE r.rulename <> '_RETURN'
  AND {{schema_filter n}}
  AND {{not_in_extension pg_class c.oid}}
