-- Installed extensions (their member objects are left out of every other query).
SELECT e.extname::text AS name,
       n.nspname::text AS schema,
       e.extversion AS version
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE {{schema_filter n}}
