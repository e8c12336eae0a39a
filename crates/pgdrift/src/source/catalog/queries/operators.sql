-- User-defined operators.
SELECT n.nspname::text AS schema,
       o.oprname::text AS name,
       coalesce(format_type(NULLIF(o.oprleft, 0), NULL), 'NONE') || ', ' ||
         coalesce(format_type(NULLIF(o.oprright, 0), NULL), 'NONE') AS arguments,
       format_type(o.oprresult, NULL) AS result,
       o.oprcode::regprocedure::text AS function,
       NULLIF(o.oprcom, 0)::regoperator::text AS commutator,
       NULLIF(o.oprnegate, 0)::regoperator::text AS negator,
       NULLIF(o.oprrest, 0)::regprocedure::text AS restrict,
       NULLIF(o.oprjoin, 0)::regprocedure::text AS join_fn,
       o.oprcanhash AS hashes,
       o.oprcanmerge AS merges,
       pg_get_userbyid(o.oprowner)::text AS owner,
       d.description AS comment
FROM pg_operator o
JOIN pg_namespace n ON n.oid = o.oprnamespace
LEFT JOIN pg_description d
       ON d.objoid = o.oid AND d.classoid = 'pg_operator'::regclass AND d.objsubid = 0
WHERE {{schema_filter n}}
  AND {{not_in_extension pg_operator o.oid}}
