-- What to read: the namespaces that pass the schema filters ($1: regexes to include, NULL for
-- all; $2: regexes to exclude), never the system's, an extension's, nor the one pgdrift
-- keeps backups of dropped data in, and how many relations they hold (to decide whether
-- reading in parallel pays). For parallel reads, also the relation OIDs that split the
-- relations to read into slices of equal size, at each fraction in $3 (none when empty).
WITH ns AS (
    SELECT n.oid
    FROM pg_namespace n
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pgdrift_backup')
      AND n.nspname !~ '^pg_(toast|temp_)'
      AND ($1::text[] IS NULL OR n.nspname ~ ANY ($1::text[]))
      AND NOT (n.nspname ~ ANY ($2::text[]))
      AND n.oid NOT IN (SELECT dep.objid FROM pg_depend dep
                        WHERE dep.classid = 'pg_namespace'::regclass AND dep.deptype = 'e')
)
SELECT ARRAY(SELECT oid FROM ns ORDER BY oid) AS namespaces,
       (SELECT count(*) FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM ns)) AS relations,
       CASE WHEN cardinality($3::float8[]) > 0 THEN
         (SELECT percentile_disc($3::float8[]) WITHIN GROUP (ORDER BY c.oid)
          FROM pg_class c
          WHERE c.relnamespace IN (SELECT oid FROM ns) AND c.relkind IN ('r', 'p', 'f', 'v', 'm'))
       END AS bounds
