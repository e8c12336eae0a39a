-- Procedural languages the user creates: not the built-in ones (below FirstNormalObjectId,
-- 16384: internal, c, sql), not an extension's (plpgsql, plpython3u ...). Each function as
-- {schema, name}, with the owner, comment and privileges.
SELECT l.lanname::text AS name,
       l.lanpltrusted AS trusted,
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f
          JOIN pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = l.lanplcallfoid)
         AS handler,
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f
          JOIN pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = l.laninline)
         AS inline,
       (SELECT ARRAY[fn.nspname::text, f.proname::text] FROM pg_proc f
          JOIN pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = l.lanvalidator)
         AS validator,
       pg_get_userbyid(l.lanowner)::text AS owner,
       d.description AS comment,
       l.lanacl::text[] AS acl,
       CASE WHEN l.lanacl IS NOT NULL THEN acldefault('l', l.lanowner)::text[] END AS acl_default
FROM pg_language l
LEFT JOIN pg_description d
       ON d.objoid = l.oid AND d.classoid = 'pg_language'::regclass AND d.objsubid = 0
WHERE l.oid >= 16384
  AND l.lanispl
  AND {{not_in_extension pg_language l.oid}}
