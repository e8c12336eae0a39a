-- Objects that are not the user's own, by catalog: those that belong to extensions, and the
-- functions PostgreSQL makes for a type by itself (range and multirange constructors).
-- Every other query leaves them out.
SELECT dep.classid::regclass::text AS catalog,
       array_agg(DISTINCT dep.objid) AS members
FROM pg_depend dep
WHERE dep.deptype = 'e'
   OR (dep.deptype = 'i' AND dep.classid = 'pg_proc'::regclass AND dep.refclassid = 'pg_type'::regclass)
GROUP BY dep.classid
