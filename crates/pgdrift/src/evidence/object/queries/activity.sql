-- The statistics of each table in $1 since the last reset (pg_stat_user_tables, readable
-- by every role), and when the database's statistics were reset. The scan times appeared
-- in PostgreSQL 16.
SELECT s.relid::int8 AS oid,
       s.seq_scan::int8 AS seq_scan,
       {{since 16}}s.last_seq_scan::text{{else}}NULL::text{{end}} AS last_seq_scan,
       COALESCE(s.idx_scan, 0)::int8 AS idx_scan,
       {{since 16}}s.last_idx_scan::text{{else}}NULL::text{{end}} AS last_idx_scan,
       s.n_tup_ins::int8 AS inserted,
       s.n_tup_upd::int8 AS updated,
       s.n_tup_del::int8 AS deleted,
       s.n_live_tup::int8 AS live_rows,
       s.last_vacuum::text AS last_vacuum,
       s.last_autovacuum::text AS last_autovacuum,
       s.last_analyze::text AS last_analyze,
       s.last_autoanalyze::text AS last_autoanalyze,
       d.stats_reset::text AS stats_reset,
       floor(extract(epoch FROM now() - COALESCE(d.stats_reset, pg_postmaster_start_time())))::int8
         AS window_seconds
FROM pg_stat_user_tables s
CROSS JOIN (SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()) d
WHERE s.relid = ANY($1::oid[])
