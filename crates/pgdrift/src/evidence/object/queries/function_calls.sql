-- Calls of each function in $1 since the statistics were reset (counted only when
-- track_functions is `pl` or `all`), and the setting itself.
SELECT f.funcid::int8 AS oid, f.calls::int8 AS calls, f.total_time::float8 AS total_ms
FROM pg_stat_user_functions f
WHERE f.funcid = ANY($1::oid[])
