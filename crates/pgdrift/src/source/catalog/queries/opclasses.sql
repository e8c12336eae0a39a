-- Every operator class, to name index keys' classes and tell defaults apart (not filtered:
-- an index may use a class from any schema).
SELECT oc.oid AS oid,
       n.nspname::text AS schema,
       oc.opcname::text AS name,
       oc.opcdefault AS is_default
FROM pg_opclass oc
JOIN pg_namespace n ON n.oid = oc.opcnamespace
