-- What each relation in $1 holds, from the planner's statistics alone (no file is looked
-- at, no relation opened): the row estimate, and sizes from the page counts VACUUM, ANALYZE
-- and CREATE INDEX record (zero for a relation none of them has seen), owner.
SELECT c.oid::int8 AS oid,
       CASE WHEN c.reltuples >= 0 THEN c.reltuples::int8 END AS estimate,
       (c.relpages::int8 + COALESCE(i.pages, 0) + COALESCE(t.pages, 0)) * b.size AS total_bytes,
       c.relpages::int8 * b.size AS table_bytes,
       COALESCE(i.pages, 0) * b.size AS index_bytes,
       COALESCE(t.pages, 0) * b.size AS toast_bytes,
       pg_get_userbyid(c.relowner)::text AS owner,
       c.relispartition AS partition
FROM pg_class c
CROSS JOIN (SELECT current_setting('block_size')::int8 AS size) b
LEFT JOIN LATERAL (
  SELECT sum(ic.relpages)::int8 AS pages
  FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
  WHERE x.indrelid = c.oid) i ON true
LEFT JOIN LATERAL (
  SELECT (tc.relpages + COALESCE(sum(ti.relpages), 0))::int8 AS pages
  FROM pg_class tc
  LEFT JOIN pg_index tx ON tx.indrelid = tc.oid
  LEFT JOIN pg_class ti ON ti.oid = tx.indexrelid
  WHERE tc.oid = c.reltoastrelid
  GROUP BY tc.relpages) t ON true
WHERE c.oid = ANY($1::oid[])
