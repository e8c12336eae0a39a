-- What depends on each function ($1) or type ($2) as PostgreSQL records it: columns of that
-- type, functions taking or returning it, domains over it, views, triggers, defaults,
-- constraints, indexes and policies calling a function... one row per dependent object,
-- described as PostgreSQL describes it. A type's array and a table's row type are left out
-- (internal), and so are the members of an extension.
SELECT d.refobjid::int8 AS oid, pg_describe_object(d.classid, d.objid, d.objsubid) AS other,
       CASE d.classid
         WHEN 'pg_class'::regclass THEN CASE WHEN d.objsubid <> 0 THEN 'column' ELSE 'relation' END
         WHEN 'pg_proc'::regclass THEN 'function'
         WHEN 'pg_type'::regclass THEN 'type'
         WHEN 'pg_rewrite'::regclass THEN 'view'
         WHEN 'pg_trigger'::regclass THEN 'trigger'
         WHEN 'pg_attrdef'::regclass THEN 'default'
         WHEN 'pg_constraint'::regclass THEN 'constraint'
         WHEN 'pg_policy'::regclass THEN 'policy'
         ELSE 'object' END AS detail
FROM pg_depend d
WHERE d.deptype IN ('n', 'a')
  AND ((d.refclassid = 'pg_proc'::regclass AND d.refobjid = ANY($1::oid[]))
    OR (d.refclassid = 'pg_type'::regclass AND d.refobjid = ANY($2::oid[])))
  AND NOT (d.classid = 'pg_type'::regclass
           AND EXISTS (SELECT 1 FROM pg_type a WHERE a.oid = d.objid AND a.typelem = d.refobjid
                       AND a.typcategory = 'A'))
ORDER BY 1, 3, 2
