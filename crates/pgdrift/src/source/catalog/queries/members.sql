-- Objects that are not the user's own, by catalog: those that belong to extensions, and the
-- functions PostgreSQL makes for a type by itself (range and multirange constructors).
-- Every other query leaves them out.
SELECT m.classid::regclass::text AS catalog,
       array_agg(DISTINCT m.objid) AS members
-- Two index range scans (a scan for deptype alone reads the whole of pg_depend): extension
-- members always depend on their pg_extension row, and the constructors on their type.
FROM (SELECT dep.classid, dep.objid
      FROM pg_depend dep
      WHERE dep.refclassid = 'pg_extension'::regclass AND dep.deptype = 'e'
      UNION ALL
      SELECT dep.classid, dep.objid
      FROM pg_depend dep
      WHERE dep.classid = 'pg_proc'::regclass AND dep.refclassid = 'pg_type'::regclass
        AND dep.deptype = 'i') m
GROUP BY m.classid
