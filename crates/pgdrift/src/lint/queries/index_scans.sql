-- Scans per index of the user's tables, and the statistics window in days: since the
-- database's statistics were last reset, or else since the server started.
select s.schemaname::text, s.indexrelname::text, s.idx_scan,
       (select extract(epoch from now() - coalesce(d.stats_reset, pg_postmaster_start_time()))
               / 86400.0
          from pg_stat_database d
         where d.datname = current_database())::float8 as window_days
  from pg_stat_user_indexes s
