-- The schema pg_stat_statements is installed in, when it is installed in this database.
SELECT n.nspname::text AS schema
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'pg_stat_statements'
