-- Every database of the server, templates and those that refuse connections included, with
-- its size and activity counters, and the server's version and start time on every row.
-- The size is NULL for a database the role may not connect to (pg_database_size would fail
-- there). An invalid database (connection limit -2: a DROP DATABASE that was interrupted) is
-- flagged; one dropped while this runs has no size and no CONNECT. pg_stat_database has a row for every database; its columns used here exist in
-- PostgreSQL 14 and later.
SELECT d.datname::text AS name,
       pg_get_userbyid(d.datdba)::text AS owner,
       pg_encoding_to_char(d.encoding)::text AS encoding,
       d.datcollate::text AS collation,
       d.datctype::text AS ctype,
       COALESCE(has_database_privilege(d.oid, 'CONNECT'), false) AS can_connect,
       CASE WHEN has_database_privilege(d.oid, 'CONNECT') AND d.datconnlimit <> -2
            THEN pg_database_size(d.oid)
       END AS size_bytes,
       d.datallowconn AS allows_connections,
       d.datistemplate AS is_template,
       d.datconnlimit = -2 AS invalid,
       d.datconnlimit AS connection_limit,
       age(d.datfrozenxid) AS xid_age,
       COALESCE(s.numbackends, 0) AS backends,
       COALESCE(s.xact_commit, 0) AS xact_commit,
       COALESCE(s.xact_rollback, 0) AS xact_rollback,
       COALESCE(s.blks_read, 0) AS blks_read,
       COALESCE(s.blks_hit, 0) AS blks_hit,
       COALESCE(s.tup_inserted, 0) AS tup_inserted,
       COALESCE(s.tup_updated, 0) AS tup_updated,
       COALESCE(s.tup_deleted, 0) AS tup_deleted,
       to_char(s.stats_reset AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS stats_reset,
       current_setting('server_version') AS server_version,
       current_setting('server_version_num')::int4 AS server_version_num,
       to_char(pg_postmaster_start_time() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS started_at
FROM pg_database d
LEFT JOIN pg_stat_database s ON s.datid = d.oid
ORDER BY d.datname
