-- Extended statistics objects (CREATE STATISTICS), with their columns and expressions as
-- PostgreSQL prints them and the statistics target (-1, or NULL from 17 on, is the default).
SELECT n.nspname::text AS schema,
       s.stxname::text AS name,
       tn.nspname::text AS table_schema,
       c.relname::text AS table_name,
       pg_get_statisticsobjdef_columns(s.oid) AS columns,
       s.stxkind::text[] AS kinds,
       NULLIF(s.stxstattarget::int4, -1) AS target,
       pg_get_userbyid(s.stxowner)::text AS owner,
       d.description AS comment
FROM pg_statistic_ext s
JOIN pg_namespace n ON n.oid = s.stxnamespace
JOIN pg_class c ON c.oid = s.stxrelid
JOIN pg_namespace tn ON tn.oid = c.relnamespace
LEFT JOIN pg_description d
       ON d.objoid = s.oid AND d.classoid = 'pg_statistic_ext'::regclass AND d.objsubid = 0
WHERE {{schema_filter n}}
  AND {{not_in_extension pg_statistic_ext s.oid}}
