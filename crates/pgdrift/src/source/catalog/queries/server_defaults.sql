-- Column defaults and generation expressions deparsed by the server, for those the client
-- does not deparse ($1, $2: relations and column numbers, pairwise). Defaults cannot
-- reference columns, so they are deparsed without the relation.
SELECT ad.adrelid AS relid,
       ad.adnum AS num,
       pg_get_expr(ad.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE ad.adrelid END) AS expression
FROM unnest($1::oid[], $2::int2[]) AS w(relid, num)
JOIN pg_attrdef ad ON ad.adrelid = w.relid AND ad.adnum = w.num
JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
