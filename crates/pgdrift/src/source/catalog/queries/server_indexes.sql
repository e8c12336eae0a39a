-- Index expressions and predicates deparsed by the server, for the indexes the client does
-- not deparse ($1: index OIDs).
SELECT i.indexrelid AS oid,
       pg_get_expr(i.indexprs, i.indrelid) AS expressions,
       pg_get_expr(i.indpred, i.indrelid) AS predicate
FROM pg_index i
WHERE i.indexrelid = ANY ($1::oid[])
