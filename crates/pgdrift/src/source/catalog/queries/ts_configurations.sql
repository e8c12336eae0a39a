-- The user's text search configurations (not pg_catalog's, not an extension's): the parser,
-- and the mappings as three aligned arrays (token type by the parser's alias, dictionary
-- schema and name), ordered by token type and then by the order of the dictionaries.
SELECT n.nspname::text AS schema,
       c.cfgname::text AS name,
       pn.nspname::text AS parser_schema,
       p.prsname::text AS parser_name,
       m.tokens,
       m.dictionary_schemas,
       m.dictionary_names,
       pg_get_userbyid(c.cfgowner)::text AS owner,
       d.description AS comment
FROM pg_ts_config c
JOIN pg_namespace n ON n.oid = c.cfgnamespace
JOIN pg_ts_parser p ON p.oid = c.cfgparser
JOIN pg_namespace pn ON pn.oid = p.prsnamespace
LEFT JOIN LATERAL (
    SELECT array_agg(t.alias::text ORDER BY t.alias, cm.mapseqno) AS tokens,
           array_agg(dn.nspname::text ORDER BY t.alias, cm.mapseqno) AS dictionary_schemas,
           array_agg(dd.dictname::text ORDER BY t.alias, cm.mapseqno) AS dictionary_names
    FROM pg_ts_config_map cm
    JOIN ts_token_type(c.cfgparser) t ON t.tokid = cm.maptokentype
    JOIN pg_ts_dict dd ON dd.oid = cm.mapdict
    JOIN pg_namespace dn ON dn.oid = dd.dictnamespace
    WHERE cm.mapcfg = c.oid
) m ON true
LEFT JOIN pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_ts_config'::regclass AND d.objsubid = 0
WHERE {{schema_filter n}}
  AND {{not_in_extension pg_ts_config c.oid}}
