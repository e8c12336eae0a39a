-- Objects that belong to extensions, by catalog: every other query leaves them out.
SELECT dep.classid::regclass::text AS catalog,
       array_agg(dep.objid ORDER BY dep.objid) AS members
FROM pg_depend dep
WHERE dep.deptype = 'e'
GROUP BY dep.classid
