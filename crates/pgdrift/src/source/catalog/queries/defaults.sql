-- Column defaults and generation expressions, by relation and column number (the reader
-- puts each on its column). Read apart from columns.sql: one pass over pg_attrdef costs far
-- less than a probe per column. Defaults cannot reference columns, so they are deparsed
-- without the relation (cheaper); generation expressions can, so they get it.
SELECT ad.adrelid AS relid,
       ad.adnum AS num,
       {{tree ad.adbin, (SELECT CASE WHEN a.attgenerated = '' THEN 0 ELSE a.attrelid END
                         FROM pg_attribute a
                         WHERE a.attrelid = ad.adrelid AND a.attnum = ad.adnum)}} AS expression
FROM pg_attrdef ad
JOIN pg_class c ON c.oid = ad.adrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm')
  AND {{schema_filter n}}
  AND {{not_in_extension pg_class c.oid}}
