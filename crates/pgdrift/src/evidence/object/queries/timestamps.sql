-- Timestamp and date columns of the tables in $1 that lead an index: their oldest and newest
-- values are read through it cheaply.
SELECT DISTINCT i.indrelid::int8 AS oid, a.attname::text AS column_name
FROM pg_index i
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
WHERE i.indrelid = ANY($1::oid[])
  AND a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype)
ORDER BY 1, 2
