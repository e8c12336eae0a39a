-- The user's operator classes (not pg_catalog's, not an extension's) with their own
-- members: the operators and support functions tied to the class in pg_depend (those tied
-- to the family alone are the family's). Members come as JSON lists, as for families.
SELECT n.nspname::text AS schema,
       c.opcname::text AS name,
       am.amname::text AS method,
       format_type(c.opcintype, NULL) AS for_type,
       c.opcdefault AS is_default,
       fn.nspname::text AS family_schema,
       f.opfname::text AS family_name,
       format_type(NULLIF(c.opckeytype, 0), NULL) AS storage,
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
        WHERE o.amopfamily = c.opcfamily
          AND EXISTS (SELECT 1 FROM pg_depend dep
                      WHERE dep.classid = 'pg_amop'::regclass AND dep.objid = o.oid
                        AND dep.refclassid = 'pg_opclass'::regclass
                        AND dep.refobjid = c.oid)) AS operators,
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
        WHERE p.amprocfamily = c.opcfamily
          AND EXISTS (SELECT 1 FROM pg_depend dep
                      WHERE dep.classid = 'pg_amproc'::regclass AND dep.objid = p.oid
                        AND dep.refclassid = 'pg_opclass'::regclass
                        AND dep.refobjid = c.oid)) AS functions,
       pg_get_userbyid(c.opcowner)::text AS owner,
       d.description AS comment
FROM pg_opclass c
JOIN pg_namespace n ON n.oid = c.opcnamespace
JOIN pg_am am ON am.oid = c.opcmethod
JOIN pg_opfamily f ON f.oid = c.opcfamily
JOIN pg_namespace fn ON fn.oid = f.opfnamespace
LEFT JOIN pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_opclass'::regclass AND d.objsubid = 0
WHERE {{schema_filter n}}
  AND {{not_in_extension pg_opclass c.oid}}
