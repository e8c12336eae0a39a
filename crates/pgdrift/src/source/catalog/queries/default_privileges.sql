-- Default privileges (ALTER DEFAULT PRIVILEGES): database-wide ones, compared with the
-- built-in defaults of their type of objects and role, and those of the schemas in scope,
-- which only add grants. The connecting role's come without a role name.
SELECT NULLIF(pg_get_userbyid(d.defaclrole)::text, current_user::text) AS role,
       n.nspname::text AS schema,
       d.defaclobjtype::text AS objects,
       d.defaclacl::text[] AS acl,
       CASE WHEN d.defaclnamespace = 0
            THEN acldefault(CASE d.defaclobjtype WHEN 'S' THEN 's' ELSE d.defaclobjtype END,
                            d.defaclrole)::text[]
            ELSE '{}'::text[]
       END AS acl_default
FROM pg_default_acl d
LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
WHERE d.defaclnamespace = 0 OR {{schema_filter n}}
