-- Table constraints. Left out: NOT NULL rows (PostgreSQL 18; nullability is on the column),
-- constraints a partition or child table got from its parent, and domain constraints.
-- Column numbers are named by the reader; a referenced table outside what is being read is
-- named here. The index behind a key or exclusion constraint comes from indexes.sql.
SELECT con.oid AS oid,
       con.conrelid AS relid,
       n.nspname::text AS schema,
       c.relname::text AS table_name,
       con.conname::text AS name,
       con.contype::text AS kind,
       con.condeferrable AS deferrable,
       con.condeferred AS deferred,
       con.convalidated AS validated,
       {{since 18}}con.conenforced{{else}}true{{end}} AS enforced,
       {{since 18}}con.conperiod{{else}}false{{end}} AS period,
       con.conkey::int2[] AS keys,
       con.connoinherit AS no_inherit,
       con.conindid AS index_oid,
       con.confrelid AS ref_relid,
       con.confkey::int2[] AS ref_keys,
       CASE WHEN con.contype = 'f' AND NOT EXISTS (
              SELECT 1 FROM pg_class fc
              WHERE fc.oid = con.confrelid AND fc.relnamespace = ANY ($1::oid[]) AND fc.oid <> ALL ($2::oid[]))
            THEN (SELECT ARRAY[fn.nspname::text, fc.relname::text] || ARRAY(
                    SELECT fa.attname::text
                    FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                    JOIN pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = k.attnum
                    ORDER BY k.ord)
                  FROM pg_class fc JOIN pg_namespace fn ON fn.oid = fc.relnamespace
                  WHERE fc.oid = con.confrelid)
       END AS ref_elsewhere,
       con.confupdtype::text AS on_update,
       con.confdeltype::text AS on_delete,
       con.confmatchtype::text AS match_type,
       {{since 15}}con.confdelsetcols::int2[]{{else}}NULL::int2[]{{end}} AS on_delete_columns,
       CASE WHEN con.contype = 'c' THEN {{tree con.conbin, con.conrelid}} END AS check_expr,
       CASE WHEN con.contype = 'x' THEN pg_get_constraintdef(con.oid) END AS definition,
       d.description AS comment
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description d
       ON d.objoid = con.oid AND d.classoid = 'pg_constraint'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p', 'f')
  AND con.contype IN ('p', 'u', 'c', 'f', 'x')
  AND con.conparentid = 0
  AND (con.contype <> 'c' OR con.conislocal)
  AND {{schema_filter n}}
  AND {{not_in_extension pg_class c.oid}}
  AND {{shard con.conrelid}}
