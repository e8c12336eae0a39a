-- User triggers: not the internal ones behind foreign keys, and not the clones a partition
-- gets from its parent's trigger.
SELECT t.tgrelid AS relid,
       n.nspname::text AS schema,
       c.relname::text AS table_name,
       t.tgname::text AS name,
       t.tgtype::int4 AS type_bits,
       t.tgenabled::text AS enabled,
       fn.nspname::text AS function_schema,
       f.proname::text AS function_name,
       t.tgnargs::int4 AS nargs,
       t.tgargs AS args,
       t.tgattr::int2[] AS update_columns,
       t.tgoldtable::text AS old_table,
       t.tgnewtable::text AS new_table,
       t.tgconstraint <> 0 AS is_constraint,
       t.tgdeferrable AS deferrable,
       t.tginitdeferred AS deferred,
       pg_get_triggerdef(t.oid) AS definition,
       d.description AS comment
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc f ON f.oid = t.tgfoid
JOIN pg_namespace fn ON fn.oid = f.pronamespace
LEFT JOIN pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_trigger'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p', 'f', 'v')
  AND NOT t.tgisinternal
  AND t.tgparentid = 0
  AND {{schema_filter n}}
  AND {{not_in_extension pg_class c.oid}}
