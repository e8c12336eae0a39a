-- User mappings of the servers read (not an extension's), from the pg_user_mappings view,
-- which every role may read (pg_user_mapping itself is for superusers): it shows the
-- options to superusers, to the mapping's own user and to the server's owner, and NULL
-- (read as none) to others.
SELECT CASE WHEN m.umuser = 0 THEN 'public' ELSE m.usename::text END AS role,
       s.srvname::text AS server,
       m.umoptions::text[] AS options
FROM pg_user_mappings m
JOIN pg_foreign_server s ON s.oid = m.srvid
WHERE {{not_in_extension pg_foreign_server s.oid}}
