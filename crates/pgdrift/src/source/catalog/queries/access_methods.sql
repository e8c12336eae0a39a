-- Access methods the user creates: not the built-in ones (below FirstNormalObjectId, 16384),
-- not an extension's. The handler is written by regproc (qualified outside pg_catalog).
SELECT a.amname::text AS name,
       CASE a.amtype WHEN 'i' THEN 'index' ELSE 'table' END AS kind,
       a.amhandler::regproc::text AS handler,
       d.description AS comment
FROM pg_am a
LEFT JOIN pg_description d
       ON d.objoid = a.oid AND d.classoid = 'pg_am'::regclass AND d.objsubid = 0
WHERE a.oid >= 16384
  AND {{not_in_extension pg_am a.oid}}
