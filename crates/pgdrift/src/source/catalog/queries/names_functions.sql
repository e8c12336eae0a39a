-- Functions for deparsing expressions: where each lives; for the server's own schema, the
-- argument types too (a call is unqualified only when it finds the same function).
SELECT p.oid AS oid,
       n.nspname::text AS schema,
       p.proname::text AS name,
       CASE WHEN n.nspname = 'pg_catalog' THEN p.proargtypes::text END AS args,
       p.provariadic <> 0 AS variadic,
       p.pronargdefaults > 0 AS has_defaults
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE p.prokind IN ('f', 'w', 'a')
