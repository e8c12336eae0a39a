-- Every sequence's position and range, with the column that owns it (serial or identity)
-- and that column's type. last_value is NULL when the sequence was never used or the role
-- may not read it. Reading it opens the sequence: the caller bounds the wait with
-- lock_timeout, so a sequence another session is altering cannot hold the lint up.
select n.nspname::text, c.relname::text, format_type(s.seqtypid, null), s.seqmin, s.seqmax,
       s.seqincrement,
       case when has_sequence_privilege(c.oid, 'SELECT,USAGE')
            then pg_sequence_last_value(c.oid) end,
       tn.nspname::text as table_schema, t.relname::text as table_name,
       a.attname::text as column_name, format_type(a.atttypid, a.atttypmod) as column_type
  from pg_sequence s
  join pg_class c on c.oid = s.seqrelid
  join pg_namespace n on n.oid = c.relnamespace
  left join pg_depend d on d.classid = 'pg_class'::regclass and d.objid = c.oid
        and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')
        and d.refobjsubid > 0
  left join pg_class t on t.oid = d.refobjid
  left join pg_namespace tn on tn.oid = t.relnamespace
  left join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
 where n.nspname not in ('pg_catalog', 'information_schema')
   and c.relpersistence <> 't'
