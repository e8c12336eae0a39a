-- Event triggers (database-wide, in no schema): those whose function is in a schema in scope
-- and that no extension brings.
SELECT e.evtname::text AS name,
       e.evtevent::text AS event,
       e.evttags AS tags,
       fn.nspname::text AS function_schema,
       f.proname::text AS function_name,
       e.evtenabled::text AS enabled,
       pg_get_userbyid(e.evtowner)::text AS owner,
       d.description AS comment
FROM pg_event_trigger e
JOIN pg_proc f ON f.oid = e.evtfoid
JOIN pg_namespace fn ON fn.oid = f.pronamespace
LEFT JOIN pg_description d
       ON d.objoid = e.oid AND d.classoid = 'pg_event_trigger'::regclass AND d.objsubid = 0
WHERE {{schema_filter fn}}
  AND {{not_in_extension pg_event_trigger e.oid}}
