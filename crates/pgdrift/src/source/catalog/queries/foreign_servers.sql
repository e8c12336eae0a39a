-- Foreign servers (not an extension's), with their wrapper, type, version, options,
-- comment and privileges.
SELECT s.srvname::text AS name,
       w.fdwname::text AS wrapper,
       s.srvtype::text AS server_type,
       s.srvversion::text AS version,
       s.srvoptions::text[] AS options,
       pg_get_userbyid(s.srvowner)::text AS owner,
       d.description AS comment,
       s.srvacl::text[] AS acl,
       CASE WHEN s.srvacl IS NOT NULL THEN acldefault('S', s.srvowner)::text[] END AS acl_default
FROM pg_foreign_server s
JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
LEFT JOIN pg_description d
       ON d.objoid = s.oid AND d.classoid = 'pg_foreign_server'::regclass AND d.objsubid = 0
WHERE {{not_in_extension pg_foreign_server s.oid}}
