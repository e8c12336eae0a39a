-- Publications (database-wide, in no schema) that no extension brings, with the tables and
-- the schemas they name among those in scope. Column lists, row filters and schemas exist
-- from 15 on; publish_generated_columns from 18 on, read by name from the row as JSON.
-- (Template tags are not expanded inside a version branch: the filters stay outside.)
SELECT p.pubname::text AS name,
       p.puballtables AS all_tables,
       coalesce((
         SELECT jsonb_agg(jsonb_build_object(
                  'table', jsonb_build_object('schema', tn.nspname::text, 'name', t.relname::text),
                  'columns', {{since 15}}coalesce((
                    SELECT jsonb_agg(a.attname::text ORDER BY a.attname::text)
                    FROM pg_attribute a
                    WHERE a.attrelid = r.prrelid AND a.attnum = ANY (r.prattrs)), '[]'::jsonb)
                    {{else}}'[]'::jsonb{{end}},
                  'row_filter', {{since 15}}pg_get_expr(r.prqual, r.prrelid){{else}}NULL::text{{end}})
                ORDER BY tn.nspname, t.relname)
         FROM pg_publication_rel r
         JOIN pg_class t ON t.oid = r.prrelid
         JOIN pg_namespace tn ON tn.oid = t.relnamespace
         WHERE r.prpubid = p.oid AND {{schema_filter tn}}), '[]'::jsonb) AS tables,
       ARRAY(
         SELECT sn.nspname::text
         FROM {{since 15}}pg_publication_namespace pn
         JOIN pg_namespace sn ON sn.oid = pn.pnnspid
         WHERE pn.pnpubid = p.oid{{else}}pg_namespace sn WHERE false{{end}}
           AND {{schema_filter sn}}
         ORDER BY 1) AS schemas,
       array_remove(ARRAY[CASE WHEN p.pubinsert THEN 'insert' END,
                          CASE WHEN p.pubupdate THEN 'update' END,
                          CASE WHEN p.pubdelete THEN 'delete' END,
                          CASE WHEN p.pubtruncate THEN 'truncate' END], NULL) AS publish,
       p.pubviaroot AS via_root,
       CASE WHEN j.row ->> 'pubgencols' IN ('s', 'true') THEN 'stored' END AS generated_columns,
       pg_get_userbyid(p.pubowner)::text AS owner,
       d.description AS comment
FROM pg_publication p
CROSS JOIN LATERAL (SELECT to_jsonb(p) AS row) j
LEFT JOIN pg_description d
       ON d.objoid = p.oid AND d.classoid = 'pg_publication'::regclass AND d.objsubid = 0
WHERE {{not_in_extension pg_publication p.oid}}
