-- Sequences: stand-alone ones, and the implicit ones of identity columns (which the reader
-- moves onto their column). The owning column is named by the reader, or here when its table
-- is outside what is being read.
SELECT n.nspname::text AS schema,
       c.relname::text AS name,
       format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart AS start,
       s.seqincrement AS increment,
       s.seqmin AS min,
       s.seqmax AS max,
       s.seqcache AS cache,
       s.seqcycle AS cycle,
       c.relpersistence = 'u' AS unlogged,
       dep.deptype = 'i' AS identity,
       dep.refobjid AS owned_relid,
       dep.refobjsubid::int2 AS owned_num,
       CASE WHEN dep.deptype = 'a' AND NOT EXISTS (
              SELECT 1 FROM pg_class oc
              WHERE oc.oid = dep.refobjid AND oc.relnamespace = ANY ($1::oid[]) AND oc.oid <> ALL ($2::oid[]))
            THEN (SELECT ARRAY[on_.nspname::text, oc.relname::text, oa.attname::text]
                  FROM pg_class oc
                  JOIN pg_namespace on_ ON on_.oid = oc.relnamespace
                  JOIN pg_attribute oa ON oa.attrelid = oc.oid AND oa.attnum = dep.refobjsubid
                  WHERE oc.oid = dep.refobjid)
       END AS owned_elsewhere,
       CASE WHEN dep.deptype IS DISTINCT FROM 'i' THEN pg_get_userbyid(c.relowner)::text END AS owner,
       d.description AS comment,
       CASE WHEN dep.deptype IS DISTINCT FROM 'i' THEN c.relacl::text[] END AS acl,
       CASE WHEN dep.deptype IS DISTINCT FROM 'i' AND c.relacl IS NOT NULL THEN acldefault('s', c.relowner)::text[] END AS acl_default
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend dep
       ON dep.classid = 'pg_class'::regclass AND dep.objid = c.oid
      AND dep.refclassid = 'pg_class'::regclass AND dep.deptype IN ('a', 'i')
LEFT JOIN pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE {{schema_filter n}}
  AND {{not_in_extension pg_class c.oid}}
  AND {{shard c.oid}}
