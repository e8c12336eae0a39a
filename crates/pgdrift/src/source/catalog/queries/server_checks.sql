-- Check constraints' expressions deparsed by the server, for those the client does not
-- deparse ($1: constraint OIDs).
SELECT con.oid AS oid,
       pg_get_expr(con.conbin, con.conrelid) AS expression
FROM pg_constraint con
WHERE con.oid = ANY ($1::oid[])
