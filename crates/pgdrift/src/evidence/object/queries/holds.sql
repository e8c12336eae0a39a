-- What each relation in $1 holds: the planner's row estimate (-1 or 0 before the first
-- ANALYZE on PostgreSQL 14+: reported as unknown), sizes with indexes and TOAST, owner.
SELECT c.oid::int8 AS oid,
       CASE WHEN c.reltuples >= 0 THEN c.reltuples::int8 END AS estimate,
       pg_total_relation_size(c.oid)::int8 AS total_bytes,
       pg_relation_size(c.oid)::int8 AS table_bytes,
       pg_indexes_size(c.oid)::int8 AS index_bytes,
       CASE WHEN c.reltoastrelid <> 0
            THEN pg_total_relation_size(c.reltoastrelid)::int8 ELSE 0 END AS toast_bytes,
       pg_get_userbyid(c.relowner)::text AS owner,
       c.relispartition AS partition
FROM pg_class c
WHERE c.oid = ANY($1::oid[])
