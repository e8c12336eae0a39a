-- What ties to each relation in $1, one row per tie: `kind`, the other object's name and
-- a detail. Kinds: fk_in (a foreign key of another table points at it), fk_out (its own
-- foreign keys), view (a view or materialized view reads it), trigger, policy, sequence
-- (a sequence it owns), publication.
SELECT con.confrelid::int8 AS oid, 'fk_in' AS kind,
       con.conrelid::regclass::text AS other, con.conname::text AS detail
FROM pg_constraint con
WHERE con.contype = 'f' AND con.confrelid = ANY($1::oid[]) AND con.conparentid = 0
UNION ALL
SELECT con.conrelid::int8, 'fk_out', con.confrelid::regclass::text, con.conname::text
FROM pg_constraint con
WHERE con.contype = 'f' AND con.conrelid = ANY($1::oid[]) AND con.conparentid = 0
UNION ALL
SELECT DISTINCT d.refobjid::int8, 'view', r.ev_class::regclass::text,
       CASE v.relkind WHEN 'm' THEN 'materialized view' ELSE 'view' END
FROM pg_depend d
JOIN pg_rewrite r ON r.oid = d.objid
JOIN pg_class v ON v.oid = r.ev_class
WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
  AND d.refobjid = ANY($1::oid[]) AND r.ev_class <> d.refobjid
UNION ALL
SELECT t.tgrelid::int8, 'trigger', t.tgname::text, t.tgfoid::regproc::text
FROM pg_trigger t
WHERE t.tgrelid = ANY($1::oid[]) AND NOT t.tgisinternal
UNION ALL
SELECT p.polrelid::int8, 'policy', p.polname::text,
       CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                     WHEN 'd' THEN 'DELETE' ELSE 'ALL' END
FROM pg_policy p
WHERE p.polrelid = ANY($1::oid[])
UNION ALL
SELECT d.refobjid::int8, 'sequence', d.objid::regclass::text,
       CASE d.deptype WHEN 'i' THEN 'identity' ELSE 'owned by a column' END
FROM pg_depend d
JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
  AND d.refobjid = ANY($1::oid[]) AND d.deptype IN ('a', 'i')
UNION ALL
SELECT c.oid::int8, 'publication', pt.pubname::text, ''
FROM pg_publication_tables pt
JOIN pg_namespace n ON n.nspname = pt.schemaname
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename
WHERE c.oid = ANY($1::oid[])
ORDER BY 1, 2, 3, 4
