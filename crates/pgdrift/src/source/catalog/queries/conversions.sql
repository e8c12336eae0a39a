-- Encoding conversions the user creates: in the schemas read (never pg_catalog's), not an
-- extension's; encodings by name, the function as schema and name.
SELECT n.nspname::text AS schema,
       c.conname::text AS name,
       pg_encoding_to_char(c.conforencoding)::text AS source,
       pg_encoding_to_char(c.contoencoding)::text AS destination,
       fn.nspname::text AS function_schema,
       p.proname::text AS function_name,
       c.condefault AS is_default,
       pg_get_userbyid(c.conowner)::text AS owner,
       d.description AS comment
FROM pg_conversion c
JOIN pg_namespace n ON n.oid = c.connamespace
JOIN pg_proc p ON p.oid = c.conproc
JOIN pg_namespace fn ON fn.oid = p.pronamespace
LEFT JOIN pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_conversion'::regclass AND d.objsubid = 0
WHERE {{schema_filter n}}
  AND {{not_in_extension pg_conversion c.oid}}
