-- Tables: ordinary, partitioned and foreign. Columns come from columns.sql.
SELECT c.oid AS oid,
       n.nspname::text AS schema,
       c.relname::text AS name,
       c.relkind::text AS kind,
       c.relpersistence = 'u' AS unlogged,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       c.relispartition AS is_partition,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       CASE WHEN c.reloftype <> 0 THEN
         (SELECT ARRAY[tn.nspname::text, t.typname::text]
          FROM pg_type t JOIN pg_namespace tn ON tn.oid = t.typnamespace
          WHERE t.oid = c.reloftype)
       END AS of_type,
       inh.parent_schemas,
       inh.parent_names,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced,
       c.relreplident::text AS replica_identity,
       CASE WHEN c.relreplident = 'i' THEN
         (SELECT ri.relname::text FROM pg_index i JOIN pg_class ri ON ri.oid = i.indexrelid
          WHERE i.indrelid = c.oid AND i.indisreplident)
       END AS replica_index,
       am.amname::text AS access_method,
       c.reloptions::text[] AS options,
       fs.srvname::text AS foreign_server,
       ft.ftoptions::text[] AS foreign_options,
       pg_get_userbyid(c.relowner)::text AS owner,
       d.description AS comment,
       c.relacl::text[] AS acl,
       CASE WHEN c.relacl IS NOT NULL THEN acldefault('r', c.relowner)::text[] END AS acl_default
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_am am ON am.oid = c.relam
LEFT JOIN pg_foreign_table ft ON ft.ftrelid = c.oid
LEFT JOIN pg_foreign_server fs ON fs.oid = ft.ftserver
LEFT JOIN (
    SELECT i.inhrelid,
           array_agg(pn.nspname::text ORDER BY i.inhseqno) AS parent_schemas,
           array_agg(p.relname::text ORDER BY i.inhseqno) AS parent_names
    FROM pg_inherits i
    JOIN pg_class p ON p.oid = i.inhparent
    JOIN pg_namespace pn ON pn.oid = p.relnamespace
    WHERE p.relkind IN ('r', 'p', 'f')
    GROUP BY i.inhrelid
) inh ON inh.inhrelid = c.oid
LEFT JOIN pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p', 'f')
  AND {{schema_filter n}}
  AND {{not_in_extension pg_class c.oid}}
  AND {{shard c.oid}}
