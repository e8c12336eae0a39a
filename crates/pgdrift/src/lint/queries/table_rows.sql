-- The planner's row estimate of every table (-1 on 14+ for a table never analyzed).
select n.nspname::text, c.relname::text, c.reltuples::float8
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p', 'm')
   and n.nspname not in ('pg_catalog', 'information_schema')
