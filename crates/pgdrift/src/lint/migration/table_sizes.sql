-- Every table's estimated rows (NULL when never analyzed: -1 on 14+) and its size on disk
-- from page counts (heap, TOAST and indexes), as of the last VACUUM or ANALYZE. Catalog
-- reads only: no table is opened, locked or scanned.
select n.nspname::text,
       c.relname::text,
       case when c.reltuples < 0 then null else c.reltuples::float8 end,
       ((c.relpages::int8
         + coalesce((select t.relpages from pg_class t where t.oid = c.reltoastrelid), 0)
         + coalesce((select sum(i.relpages) from pg_index x
                       join pg_class i on i.oid = x.indexrelid
                      where x.indrelid = c.oid), 0))
        * current_setting('block_size')::int8)::int8
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p', 'm')
   and n.nspname not in ('pg_catalog', 'information_schema')
   and n.nspname not like 'pg\_toast%'
 order by 1, 2
