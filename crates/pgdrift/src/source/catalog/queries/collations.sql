-- Every collation, to name columns' and index keys' collations (not filtered).
SELECT co.oid AS oid,
       n.nspname::text AS schema,
       co.collname::text AS name
FROM pg_collation co
JOIN pg_namespace n ON n.oid = co.collnamespace
