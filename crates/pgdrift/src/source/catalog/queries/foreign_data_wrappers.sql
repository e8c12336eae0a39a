-- Foreign data wrappers the user creates (not an extension's), with their handler and
-- validator functions, options, comment and privileges.
SELECT w.fdwname::text AS name,
       hn.nspname::text AS handler_schema,
       h.proname::text AS handler_name,
       vn.nspname::text AS validator_schema,
       v.proname::text AS validator_name,
       w.fdwoptions::text[] AS options,
       pg_get_userbyid(w.fdwowner)::text AS owner,
       d.description AS comment,
       w.fdwacl::text[] AS acl,
       CASE WHEN w.fdwacl IS NOT NULL THEN acldefault('F', w.fdwowner)::text[] END AS acl_default
FROM pg_foreign_data_wrapper w
LEFT JOIN pg_proc h ON h.oid = w.fdwhandler
LEFT JOIN pg_namespace hn ON hn.oid = h.pronamespace
LEFT JOIN pg_proc v ON v.oid = w.fdwvalidator
LEFT JOIN pg_namespace vn ON vn.oid = v.pronamespace
LEFT JOIN pg_description d
       ON d.objoid = w.oid AND d.classoid = 'pg_foreign_data_wrapper'::regclass
      AND d.objsubid = 0
WHERE {{not_in_extension pg_foreign_data_wrapper w.oid}}
