-- Operators for deparsing expressions: where each lives and its declared operand types.
SELECT o.oid AS oid,
       n.nspname::text AS schema,
       o.oprname::text AS name,
       o.oprleft AS left,
       o.oprright AS right
FROM pg_operator o
JOIN pg_namespace n ON n.oid = o.oprnamespace
