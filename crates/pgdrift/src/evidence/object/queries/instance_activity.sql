-- The statistics of the tables named by schema ($1) and name ($2) on one server instance
-- (a replica keeps its own), for relations matched by name since object ids are per
-- database. Same columns as activity.sql, with the schema and name instead of the oid.
SELECT s.schemaname::text AS schema,
       s.relname::text AS name,
       s.seq_scan::int8 AS seq_scan,
       {{since 16}}s.last_seq_scan::text{{else}}NULL::text{{end}} AS last_seq_scan,
       COALESCE(s.idx_scan, 0)::int8 AS idx_scan,
       {{since 16}}s.last_idx_scan::text{{else}}NULL::text{{end}} AS last_idx_scan,
       s.n_tup_ins::int8 AS inserted,
       s.n_tup_upd::int8 AS updated,
       s.n_tup_del::int8 AS deleted,
       s.last_vacuum::text AS last_vacuum,
       s.last_autovacuum::text AS last_autovacuum,
       s.last_analyze::text AS last_analyze,
       s.last_autoanalyze::text AS last_autoanalyze,
       d.stats_reset::text AS stats_reset,
       floor(extract(epoch FROM now() - COALESCE(d.stats_reset, pg_postmaster_start_time())))::int8
         AS window_seconds
FROM pg_stat_user_tables s
CROSS JOIN (SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()) d
JOIN unnest($1::text[], $2::text[]) AS want(schema, name)
  ON want.schema = s.schemaname AND want.name = s.relname
