-- The user's operator families (not pg_catalog's, not an extension's) with their loose
-- members: the operators and support functions tied in pg_depend to the family (as ALTER
-- OPERATOR FAMILY ... ADD ties them, and CREATE OPERATOR CLASS ties those the access
-- method wants the family to hold: cross-type btree members, GiST operators), not to one
-- of its classes.
-- Members come as JSON lists; types are written by format_type, functions by their
-- argument types.
SELECT n.nspname::text AS schema,
       f.opfname::text AS name,
       am.amname::text AS method,
       (SELECT json_agg(json_build_object(
                   'strategy', o.amopstrategy,
                   'left', format_type(o.amoplefttype, NULL),
                   'right', format_type(o.amoprighttype, NULL),
                   'schema', opn.nspname,
                   'name', op.oprname,
                   'arguments', coalesce(format_type(NULLIF(op.oprleft, 0), NULL), 'NONE')
                                || ', ' || coalesce(format_type(NULLIF(op.oprright, 0), NULL), 'NONE'),
                   'purpose', CASE o.amoppurpose WHEN 'o' THEN 'order' ELSE 'search' END,
                   'sort_schema', sfn.nspname,
                   'sort_name', sf.opfname))::text
        FROM pg_amop o
        JOIN pg_operator op ON op.oid = o.amopopr
        JOIN pg_namespace opn ON opn.oid = op.oprnamespace
        LEFT JOIN pg_opfamily sf ON sf.oid = o.amopsortfamily
        LEFT JOIN pg_namespace sfn ON sfn.oid = sf.opfnamespace
        WHERE o.amopfamily = f.oid
          AND EXISTS (SELECT 1 FROM pg_depend dep
                      WHERE dep.classid = 'pg_amop'::regclass AND dep.objid = o.oid
                        AND dep.refclassid = 'pg_opfamily'::regclass
                        AND dep.refobjid = f.oid AND dep.deptype IN ('a', 'i'))) AS operators,
       (SELECT json_agg(json_build_object(
                   'number', p.amprocnum,
                   'left', format_type(p.amproclefttype, NULL),
                   'right', format_type(p.amprocrighttype, NULL),
                   'schema', pn.nspname,
                   'name', pr.proname,
                   'arguments', oidvectortypes(pr.proargtypes)))::text
        FROM pg_amproc p
        JOIN pg_proc pr ON pr.oid = p.amproc
        JOIN pg_namespace pn ON pn.oid = pr.pronamespace
        WHERE p.amprocfamily = f.oid
          AND EXISTS (SELECT 1 FROM pg_depend dep
                      WHERE dep.classid = 'pg_amproc'::regclass AND dep.objid = p.oid
                        AND dep.refclassid = 'pg_opfamily'::regclass
                        AND dep.refobjid = f.oid AND dep.deptype IN ('a', 'i'))) AS functions,
       pg_get_userbyid(f.opfowner)::text AS owner,
       d.description AS comment
FROM pg_opfamily f
JOIN pg_namespace n ON n.oid = f.opfnamespace
JOIN pg_am am ON am.oid = f.opfmethod
LEFT JOIN pg_description d
       ON d.objoid = f.oid AND d.classoid = 'pg_opfamily'::regclass AND d.objsubid = 0
WHERE {{schema_filter n}}
  AND {{not_in_extension pg_opfamily f.oid}}
