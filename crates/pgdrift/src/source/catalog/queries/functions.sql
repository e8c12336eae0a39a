-- Functions, procedures, aggregates and window functions, with aggregate details.
SELECT n.nspname::text AS schema,
       p.proname::text AS name,
       oidvectortypes(p.proargtypes) AS arguments,
       p.prokind::text AS kind,
       pg_get_function_arguments(p.oid) AS signature,
       CASE WHEN p.prokind <> 'p' THEN pg_get_function_result(p.oid) END AS returns,
       l.lanname::text AS language,
       ARRAY(SELECT format_type(x.oid, NULL) FROM unnest(p.protrftypes) WITH ORDINALITY AS x(oid, i)
             ORDER BY x.i) AS transforms,
       p.provolatile::text AS volatility,
       p.proisstrict AS strict,
       p.prosecdef AS security_definer,
       p.proleakproof AS leakproof,
       p.proparallel::text AS parallel,
       p.procost::float8 AS cost,
       p.prorows::float8 AS rows,
       p.proconfig AS config,
       CASE
         WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid)
         WHEN l.lanname = 'c' THEN p.probin || ', ' || p.prosrc
         ELSE p.prosrc
       END AS body,
       a.aggkind::text AS agg_kind,
       a.aggnumdirectargs::int4 AS agg_direct_args,
       NULLIF(a.aggtransfn, 0)::regprocedure::text AS agg_transfn,
       format_type(NULLIF(a.aggtranstype, 0), NULL) AS agg_transtype,
       NULLIF(a.aggfinalfn, 0)::regprocedure::text AS agg_finalfn,
       NULLIF(a.aggcombinefn, 0)::regprocedure::text AS agg_combinefn,
       NULLIF(a.aggserialfn, 0)::regprocedure::text AS agg_serialfn,
       NULLIF(a.aggdeserialfn, 0)::regprocedure::text AS agg_deserialfn,
       NULLIF(a.aggmtransfn, 0)::regprocedure::text AS agg_mtransfn,
       NULLIF(a.aggminvtransfn, 0)::regprocedure::text AS agg_minvtransfn,
       format_type(NULLIF(a.aggmtranstype, 0), NULL) AS agg_mtranstype,
       NULLIF(a.aggmfinalfn, 0)::regprocedure::text AS agg_mfinalfn,
       a.agginitval AS agg_initval,
       a.aggminitval AS agg_minitval,
       NULLIF(a.aggsortop, 0)::regoperator::text AS agg_sortop,
       a.aggfinalextra AS agg_finalextra,
       a.aggmfinalextra AS agg_mfinalextra,
       a.aggfinalmodify::text AS agg_finalmodify,
       pg_get_userbyid(p.proowner)::text AS owner,
       d.description AS comment,
       p.proacl::text[] AS acl,
       CASE WHEN p.proacl IS NOT NULL THEN acldefault('f', p.proowner)::text[] END AS acl_default
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
LEFT JOIN pg_description d
       ON d.objoid = p.oid AND d.classoid = 'pg_proc'::regclass AND d.objsubid = 0
WHERE {{schema_filter n}}
  AND {{not_in_extension pg_proc p.oid}}
