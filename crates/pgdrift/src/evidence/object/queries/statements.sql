-- The statements pg_stat_statements recorded in this database (the view lives in the
-- extension's schema, substituted for {{view}}): their normalized text, calls, total
-- execution time in milliseconds and rows. Text the role may not see reads
-- `<insufficient privilege>`.
SELECT s.query AS query,
       s.calls::int8 AS calls,
       s.total_exec_time::float8 AS total_ms,
       s.rows::int8 AS rows
FROM {{view}} s
WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND s.query IS NOT NULL
